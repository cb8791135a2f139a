package chitchat.http;

import java.util.Map;

/**
 * An expected failure, answered as {@code {"error": code, "message": message}} with {@code status}.
 * The message is for a person and must never carry internal detail.
 */
public final class ApiException extends RuntimeException {

    private final int status;
    private final String code;
    private final Map<String, String> headers;

    public ApiException(int status, String code, String message) {
        this(status, code, message, Map.of());
    }

    public ApiException(int status, String code, String message, Map<String, String> headers) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.headers = headers;
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, "invalid_input", message);
    }

    public static ApiException unauthorized() {
        return new ApiException(401, "unauthorized", "Please log in.");
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public Map<String, String> headers() {
        return headers;
    }
}
