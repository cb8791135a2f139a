package chitchat.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import chitchat.json.Json;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What an error response may and may not show: the contract's {@code {"error","message"}} shape, and nothing about
 * the server's insides (exception names, stack frames, package names, database drivers).
 */
final class Leaks {

    /** Text that only internals produce: an exception's name, a stack frame, a Java or driver package. */
    private static final List<String> FORBIDDEN = List.of(
            "Exception", "Caused by", "at chitchat", "\tat ", "java.", "javax.", "jdk.", "sun.", "com.sun",
            "org.bson", "com.mongodb", "org.java_websocket", "com.google.gson", ".java:", "StackOverflow", "NullPointer");

    /** A stack frame, e.g. {@code at a.b.C.method(C.java:12)}. */
    private static final Pattern STACK_FRAME = Pattern.compile("\\bat [\\w$]+(\\.[\\w$]+)+\\(");

    private Leaks() {
    }

    /**
     * No stack trace and nothing of Chit-Chat's code: the weaker check for answers the JDK's HTTP server writes by
     * itself before any handler runs (see ErrorDisclosureTest#requestsTheJdkServerRejectsShowNoStackTrace).
     */
    static void assertNoStackTrace(String what, String body) {
        for (String forbidden : List.of("Caused by", "at chitchat", "chitchat.", "\tat ", ".java:")) {
            assertFalse(body.contains(forbidden), what + ": the body shows '" + forbidden + "': " + abbreviate(body));
        }
        assertFalse(STACK_FRAME.matcher(body).find(), what + ": the body holds a stack frame: " + abbreviate(body));
    }

    static void assertNoInternals(String what, String body) {
        for (String forbidden : FORBIDDEN) {
            assertFalse(body.contains(forbidden), what + ": the body shows '" + forbidden + "': " + abbreviate(body));
        }
        assertFalse(STACK_FRAME.matcher(body).find(), what + ": the body holds a stack frame: " + abbreviate(body));
    }

    /**
     * The contract's error shape with {@code status}: JSON with string {@code error} and {@code message}, nothing
     * internal in either.
     */
    static JsonObject assertErrorShape(String what, HttpResponse<String> response, int status) {
        assertEquals(status, response.statusCode(), what + ": " + abbreviate(response.body()));
        return assertErrorShape(what, response);
    }

    /** The contract's error shape with any 4xx status. */
    static JsonObject assertErrorShape(String what, HttpResponse<String> response) {
        int status = response.statusCode();
        assertTrue(status >= 400 && status < 500, what + ": status " + status + " " + abbreviate(response.body()));
        String contentType = response.headers().firstValue("Content-Type").orElse("");
        assertTrue(contentType.startsWith("application/json"), what + ": Content-Type " + contentType);
        assertNoInternals(what, response.body());
        JsonObject body;
        try {
            body = Json.parseObject(response.body());
        } catch (Json.BadJson e) {
            fail(what + ": the error body is not a JSON object: " + abbreviate(response.body()));
            return null;
        }
        assertTrue(isNonBlankString(body.get("error")), what + ": no 'error' code: " + body);
        assertTrue(isNonBlankString(body.get("message")), what + ": no 'message': " + body);
        assertEquals(2, body.size(), what + ": fields beyond error and message: " + body);
        return body;
    }

    private static boolean isNonBlankString(JsonElement value) {
        return value != null && value.isJsonPrimitive() && value.getAsJsonPrimitive().isString() && !value.getAsString().isBlank();
    }

    static String abbreviate(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "...(" + text.length() + " chars)";
    }
}
