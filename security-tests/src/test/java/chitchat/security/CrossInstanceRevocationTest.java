package chitchat.security;

import static org.junit.jupiter.api.Assertions.assertEquals;

import chitchat.auth.AuthServer;
import chitchat.chat.testing.ChatCluster;
import chitchat.config.Env;
import chitchat.testbed.LoopbackHttp;
import chitchat.testbed.TestMongo;
import chitchat.testbed.WsClient;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 10 (11), across processes' worth of instances: an auth-server and two chat-server instances share one
 * store (and a Redis, as in production). Logging out at the auth-server closes that session's WebSockets on both
 * chat instances within seconds and makes both refuse the token: the revocation travels through the shared store,
 * which every instance polls, not through the broker.
 */
@Timeout(120)
class CrossInstanceRevocationTest {

    @Test
    void aLogoutAtTheAuthServerClosesTheSessionsSocketsOnEveryChatInstance() throws Exception {
        Path dataDir = Files.createTempDirectory("revocation-auth");
        try (ChatCluster cluster = new ChatCluster(2, Map.of());
             AuthServer auth = AuthServer.start(new Env(Map.of("HTTP_PORT", "0", "BCRYPT_COST", "10",
                     "MONGO_URI", TestMongo.uri(), "MONGO_DB", cluster.store().database().getName(),
                     "JWT_SECRET", ChatCluster.SECRET, "DATA_DIR", dataDir.toString())))) {
            HttpResponse<String> signup = LoopbackHttp.send(LoopbackHttp.request(auth.port(), "POST", "/api/auth/signup", null,
                    TestSite.credentials("roamer", "some-password")));
            assertEquals(201, signup.statusCode(), signup.body());
            String token = TestSite.tokenFrom(signup).orElseThrow();

            WsClient onFirst = WsClient.connect(cluster.instance(0).wsPort(), token);
            WsClient onSecond = WsClient.connect(cluster.instance(1).wsPort(), token);
            assertEquals(200, cluster.get(1, "/api/messages?with=someone", token).statusCode());

            HttpResponse<String> logout = LoopbackHttp.send(LoopbackHttp.request(auth.port(), "POST", "/api/auth/logout", token, null));
            assertEquals(204, logout.statusCode(), logout.body());

            assertEquals(1008, onFirst.awaitClosed(Duration.ofSeconds(5)), "instance 0 closes the session's socket");
            assertEquals(1008, onSecond.awaitClosed(Duration.ofSeconds(5)), "instance 1 closes the session's socket");
            for (int i = 0; i < 2; i++) {
                assertEquals(401, cluster.get(i, "/api/messages?with=someone", token).statusCode(), "instance " + i + " refuses the token");
                WsClient again = new WsClient(URI.create("ws://127.0.0.1:" + cluster.instance(i).wsPort() + "/ws"),
                        Map.of("Authorization", "Bearer " + token));
                try {
                    assertEquals(false, again.open(), "instance " + i + " refuses the handshake");
                } finally {
                    again.close();
                }
            }
        } finally {
            TestSite.deleteTree(dataDir);
        }
    }
}
