package chitchat.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chitchat.config.Env;
import chitchat.http.Server;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The development gateway, as a browser meets it when the service behind a path is down: the contract's error
 * shape with 502, not an empty reply.
 */
@Timeout(30)
class GatewayTest {

    @Test
    void anUnreachableUpstreamIsAnswered502InTheErrorShape() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) { // a port nothing listens on once this is closed
            closed = socket.getLocalPort();
        }
        Env env = new Env(Map.of("HTTP_PORT", "0", "STATIC_DIR", "../static-client",
                "AUTH_URL", "http://127.0.0.1:" + closed, "CHAT_URL", "http://127.0.0.1:" + closed));
        try (Server gateway = Gateway.start(env)) {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            for (String path : new String[] {"/api/users", "/api/conversations"}) {
                HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(502, response.statusCode(), path);
                assertTrue(response.body().contains("\"error\":\"unavailable\""), path + ": " + response.body());
                assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), path);
            }
        }
    }
}
