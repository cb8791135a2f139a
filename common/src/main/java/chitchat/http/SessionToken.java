package chitchat.http;

import java.util.List;
import java.util.Optional;

/**
 * Finds the session token in request headers: the {@code token} cookie (browsers) or
 * {@code Authorization: Bearer} (other clients). Shared by HTTP endpoints and the WebSocket handshake.
 */
public final class SessionToken {

    public static final String COOKIE = "token";

    private SessionToken() {
    }

    public static Optional<String> from(com.sun.net.httpserver.Headers headers) {
        return from(headers.get("Cookie"), headers.getFirst("Authorization"));
    }

    public static Optional<String> from(List<String> cookieHeaders, String authorization) {
        if (cookieHeaders != null) {
            for (String header : cookieHeaders) {
                Optional<String> cookie = cookie(header, COOKIE);
                if (cookie.isPresent()) {
                    return cookie;
                }
            }
        }
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String token = authorization.substring(7).trim();
            return token.isEmpty() ? Optional.empty() : Optional.of(token);
        }
        return Optional.empty();
    }

    static Optional<String> cookie(String header, String name) {
        if (header == null) {
            return Optional.empty();
        }
        for (String part : header.split(";")) {
            String trimmed = part.trim();
            if (trimmed.startsWith(name + "=")) {
                String value = trimmed.substring(name.length() + 1);
                return value.isEmpty() ? Optional.empty() : Optional.of(value);
            }
        }
        return Optional.empty();
    }
}
