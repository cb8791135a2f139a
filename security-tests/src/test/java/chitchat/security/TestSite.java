package chitchat.security;

import chitchat.launcher.DevServer;
import chitchat.testbed.LoopbackHttp;
import chitchat.testbed.RawWebSocket;
import chitchat.testbed.WsClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The whole product as {@code make run} starts it ({@link DevServer}: static client, auth, chat, embedded store,
 * in-process broker), on free ports, with its own data and static directories, plus an HTTP client for it.
 *
 * <p>The static directory holds a stand-in {@code index.html} (the real client is not needed to test headers),
 * and its parent holds a file that must never be served, for the path traversal tests.
 */
final class TestSite implements AutoCloseable {

    /** A 40-character HS256 key, as a production deployment would set it. */
    static final String SECRET = "0123456789abcdefghijklmnopqrstuvwxyzABCD";
    /** The content of {@code secret.txt}, beside (not inside) the static directory. */
    static final String OUTSIDE_MARKER = "outside-the-static-dir-" + System.nanoTime();

    private final DevServer server;
    private final Path root;

    private TestSite(DevServer server, Path root) {
        this.server = server;
        this.root = root;
    }

    static TestSite start() {
        return start(Map.of());
    }

    /**
     * Per-user history limits lifted, for the property tests that send hundreds of history requests as one user:
     * they test what is answered, and {@link HistoryRateLimitTest} tests the limits.
     */
    static final Map<String, String> NO_HISTORY_LIMITS = Map.of(
            "HISTORY_RATE_PER_SECOND", "100000", "HISTORY_RATE_BURST", "100000", "HISTORY_MAX_IN_FLIGHT", "10000");

    static TestSite start(Map<String, String> extraEnv) {
        Path root = createSiteFiles();
        Map<String, String> env = new HashMap<>(baseEnv(root));
        env.putAll(extraEnv);
        return new TestSite(DevServer.start(env), root);
    }

    /**
     * What {@link #start} passes to {@link DevServer#start}: free ports, temp directories, cost 10, a real secret,
     * and a sign-up limit no test meets by accident (every request comes from 127.0.0.1; SignupAndHashingLimitsTest
     * sets its own).
     */
    static Map<String, String> baseEnv(Path root) {
        return Map.of(
                "HTTP_PORT", "0",
                "WS_PORT", "0",
                "DATA_DIR", root.resolve("data").toString(),
                "STATIC_DIR", root.resolve("static").toString(),
                "BCRYPT_COST", "10",
                "SIGNUP_MAX_PER_ADDRESS", "100000",
                "JWT_SECRET", SECRET);
    }

    /** A temp directory with {@code static/index.html}, {@code static/js/app.js} and {@code secret.txt}. */
    static Path createSiteFiles() {
        try {
            Path root = Files.createTempDirectory("chitchat-security");
            Path site = Files.createDirectories(root.resolve("static"));
            Files.writeString(site.resolve("index.html"),
                    "<!doctype html><html><head><title>Chit-Chat</title><script type=module src=\"/js/app.js\"></script></head><body></body></html>");
            Files.createDirectories(site.resolve("js"));
            Files.writeString(site.resolve("js/app.js"), "export const ok = true;\n");
            Files.writeString(site.resolve(".env"), OUTSIDE_MARKER + "\n");
            Files.writeString(root.resolve("secret.txt"), OUTSIDE_MARKER + "\n");
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int httpPort() {
        return server.httpPort();
    }

    int wsPort() {
        return server.wsPort();
    }

    /** The page origin a browser on this site sends. */
    String origin() {
        return "http://localhost:" + httpPort();
    }

    Path dataDir() {
        return root.resolve("data");
    }

    URI uri(String pathAndQuery) {
        return LoopbackHttp.uri(httpPort(), pathAndQuery);
    }

    HttpRequest.Builder request(String pathAndQuery) {
        return LoopbackHttp.request(httpPort(), pathAndQuery).timeout(Duration.ofSeconds(15));
    }

    HttpResponse<String> send(HttpRequest.Builder request) {
        return LoopbackHttp.send(request);
    }

    /**
     * Sends on a connection of its own, never reused: for requests the server answers before reading their whole
     * body (413), after which it closes the connection, which a shared client would otherwise reuse.
     */
    HttpResponse<String> sendAlone(HttpRequest.Builder request) {
        return LoopbackHttp.sendAlone(request);
    }

    HttpResponse<String> get(String pathAndQuery, String... headers) {
        HttpRequest.Builder request = request(pathAndQuery).GET();
        if (headers.length > 0) {
            request.headers(headers);
        }
        return send(request);
    }

    /** A POST with a body and content type (null for none) and any further headers. */
    HttpResponse<String> post(String path, String contentType, String body, String... headers) {
        HttpRequest.Builder request = request(path).POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (headers.length > 0) {
            request.headers(headers);
        }
        return send(request);
    }

    HttpResponse<String> postJson(String path, String json, String... headers) {
        return post(path, "application/json", json, headers);
    }

    static String credentials(String username, String password) {
        return "{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}";
    }

    /** Signs a user up from this site's own origin and returns the session token from the cookie. */
    String signup(String username, String password) {
        HttpResponse<String> response = postJson("/api/auth/signup", credentials(username, password), "Origin", origin());
        if (response.statusCode() != 201) {
            throw new AssertionError("signup of " + username + " failed: " + response.statusCode() + " " + response.body());
        }
        return tokenFrom(response).orElseThrow(() -> new AssertionError("no session cookie"));
    }

    static Optional<String> tokenFrom(HttpResponse<?> response) {
        return response.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith("token="))
                .map(c -> c.substring("token=".length(), c.indexOf(';') < 0 ? c.length() : c.indexOf(';')))
                .filter(t -> !t.isEmpty())
                .findFirst();
    }

    /**
     * A bare-socket WebSocket, handshaken as a browser on this site would (its session cookie and this site's
     * Origin) plus any {@code extraHeaders} lines; {@code receiveBuffer} > 0 makes a client that does not read
     * stall the server soon. A refused handshake is an IOException.
     */
    RawWebSocket rawSocket(String token, int receiveBuffer, String... extraHeaders) throws IOException {
        List<String> headers = new ArrayList<>(List.of("Origin: " + origin(), "Cookie: token=" + token));
        headers.addAll(List.of(extraHeaders));
        return RawWebSocket.open(wsPort(), headers, receiveBuffer);
    }

    /** A WebSocket client with the given handshake headers (not yet connected). */
    WsClient ws(Map<String, String> headers) {
        return ws("/ws", headers);
    }

    WsClient ws(String path, Map<String, String> headers) {
        return new WsClient(URI.create("ws://127.0.0.1:" + wsPort() + path), new LinkedHashMap<>(headers));
    }

    /** A connected browser-like WebSocket: the session cookie and this site's Origin. */
    WsClient browserSocket(String token) {
        WsClient client = ws(Map.of("Cookie", "token=" + token, "Origin", origin()));
        if (!client.open()) {
            throw new AssertionError("handshake refused for a valid browser socket");
        }
        client.awaitReady();
        return client;
    }

    @Override
    public void close() {
        server.close();
        deleteTree(root);
    }

    static void deleteTree(Path root) {
        try (var files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a temp directory left behind is harmless
        }
    }
}
