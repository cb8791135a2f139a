package chitchat.testbed;

import chitchat.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * HTTP to a server under test, the one way every test tree sends it: to 127.0.0.1 only, HTTP/1.1 (what the JDK
 * server speaks), a connect timeout and a timeout per request so that no test waits forever on a server that
 * hangs, redirects never followed (a test sees what the server said), and a failure as an unchecked exception
 * that names the request.
 *
 * <p>What each suite adds on top stays with it: the auth tests' leak checks on every answer, the reliability
 * tests' "no answer" as null while an instance is down, the chat tests' users and tokens.
 */
public final class LoopbackHttp {

    /** Long enough for a bcrypt hash or a history page on a loaded 2-core machine; short enough to fail a hang. */
    public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private static final HttpClient CLIENT = newClient();

    private LoopbackHttp() {
    }

    /** {@code pathAndQuery} on {@code port} of the loopback interface. */
    public static URI uri(int port, String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port + pathAndQuery);
    }

    /** A request to {@code pathAndQuery} on {@code port} of the loopback interface, with the request timeout. */
    public static HttpRequest.Builder request(int port, String pathAndQuery) {
        return HttpRequest.newBuilder(uri(port, pathAndQuery)).timeout(REQUEST_TIMEOUT);
    }

    /**
     * A request as a signed-in client sends it: {@code token} as a bearer token when not null, and {@code jsonBody}
     * when not null (a String is sent as it is, anything else written by gson) with its Content-Type.
     */
    public static HttpRequest.Builder request(int port, String method, String pathAndQuery, String token, Object jsonBody) {
        HttpRequest.Builder request = request(port, pathAndQuery);
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (jsonBody == null) {
            return request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        String body = jsonBody instanceof String text ? text : Json.write(jsonBody);
        return request.header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    }

    /** Sends it on the shared client; the body as UTF-8 text. */
    public static HttpResponse<String> send(HttpRequest.Builder request) {
        return send(CLIENT, request.build());
    }

    public static HttpResponse<String> send(HttpRequest request) {
        return send(CLIENT, request);
    }

    /**
     * Sends it on a connection of its own, never reused: for a request the server answers before reading its
     * whole body (413) and then closes, which a shared client could otherwise try to reuse.
     */
    public static HttpResponse<String> sendAlone(HttpRequest.Builder request) {
        try (HttpClient alone = newClient()) {
            return send(alone, request.build());
        }
    }

    /** The same as {@link #send(HttpRequest)}, or empty when the server does not answer (down, or timed out). */
    public static Optional<HttpResponse<String>> trySend(HttpRequest request) {
        try {
            return Optional.of(send(CLIENT, request));
        } catch (UncheckedIOException noAnswer) {
            return Optional.empty();
        }
    }

    private static HttpResponse<String> send(HttpClient client, HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(request.method() + " " + request.uri(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + request.method() + " " + request.uri(), e);
        }
    }

    private static HttpClient newClient() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }
}
