package chitchat.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chitchat.json.Json;
import chitchat.testbed.LoopbackHttp;
import com.google.gson.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Speaks HTTP to one server on the loopback interface ({@link LoopbackHttp}), and checks what every response must be:
 * never a stack trace or an internal class name, and every failure in the contract's error shape.
 */
final class HttpTestClient {

    private final int port;

    HttpTestClient(int port) {
        this.port = port;
    }

    /** Sends a request; {@code headers} are name/value pairs. A JSON body gets {@code Content-Type: application/json}. */
    HttpResponse<String> send(String method, String path, String body, String... headers) {
        HttpRequest.Builder request = LoopbackHttp.request(port, path)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        for (int i = 0; i < headers.length; i += 2) {
            request.setHeader(headers[i], headers[i + 1]);
        }
        return check(request.build());
    }

    HttpResponse<String> send(HttpRequest request) {
        return check(request);
    }

    URI uri(String path) {
        return LoopbackHttp.uri(port, path);
    }

    HttpResponse<String> get(String path, String... headers) {
        return send("GET", path, null, headers);
    }

    HttpResponse<String> post(String path, String body, String... headers) {
        return send("POST", path, body, headers);
    }

    HttpResponse<String> signup(String username, String password) {
        return post("/api/auth/signup", credentials(username, password));
    }

    HttpResponse<String> login(String username, String password) {
        return post("/api/auth/login", credentials(username, password));
    }

    static String credentials(String username, String password) {
        JsonObject body = new JsonObject();
        body.addProperty("username", username);
        body.addProperty("password", password);
        return body.toString();
    }

    private static HttpResponse<String> check(HttpRequest request) {
        HttpResponse<String> response = LoopbackHttp.send(request);
        String body = response.body();
        String what = request.method() + " " + request.uri().getPath() + " -> " + response.statusCode() + " " + body;
        assertFalse(body.contains("Exception"), "a response leaks an exception: " + what);
        assertFalse(body.contains("at chitchat"), "a response leaks a stack trace: " + what);
        assertFalse(body.contains("$2a$") || body.contains("passwordHash"), "a response leaks a password hash: " + what);
        if (response.statusCode() >= 400 && !"HEAD".equals(request.method())) {
            assertErrorShape(response, what);
        }
        return response;
    }

    private static void assertErrorShape(HttpResponse<String> response, String what) {
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
                "an error is JSON: " + what);
        JsonObject error = Json.parseObject(response.body());
        assertEquals(java.util.Set.of("error", "message"), error.keySet(), "the contract's error shape: " + what);
        assertFalse(Json.string(error, "error").isBlank(), what);
        assertFalse(Json.string(error, "message").isBlank(), what);
    }

    /** Asserts a failure's status and error code, and returns its message. */
    static String assertError(HttpResponse<String> response, int status, String code) {
        assertEquals(status, response.statusCode(), response.body());
        JsonObject error = Json.parseObject(response.body());
        if (code != null) {
            assertEquals(code, Json.string(error, "error"), response.body());
        }
        return Json.string(error, "message");
    }

    static JsonObject json(HttpResponse<String> response) {
        return Json.parseObject(response.body());
    }

    /** The {@code token} Set-Cookie of a response. */
    static Optional<String> sessionCookie(HttpResponse<String> response) {
        List<String> cookies = response.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("token=")).toList();
        assertTrue(cookies.size() <= 1, "one session cookie at most: " + cookies);
        return cookies.stream().findFirst();
    }

    /** The cookie's value: the JWT. */
    static String cookieValue(String setCookie) {
        return setCookie.split(";", 2)[0].substring("token=".length());
    }

    /** The attributes after the value, trimmed, e.g. {@code HttpOnly}, {@code Path=/}. */
    static List<String> cookieAttributes(String setCookie) {
        return Arrays.stream(setCookie.split(";")).skip(1).map(String::trim).toList();
    }

    static boolean hasAttribute(String setCookie, String attribute) {
        return cookieAttributes(setCookie).stream().anyMatch(a -> a.equalsIgnoreCase(attribute));
    }

    static Optional<String> attribute(String setCookie, String name) {
        return cookieAttributes(setCookie).stream()
                .filter(a -> a.regionMatches(true, 0, name + "=", 0, name.length() + 1))
                .map(a -> a.substring(name.length() + 1))
                .findFirst();
    }
}
