package chitchat.chat;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chitchat.chat.testing.Api;
import chitchat.chat.testing.ChatCluster;
import chitchat.config.Env;
import chitchat.store.DatabaseConnection;
import chitchat.testbed.LoopbackHttp;
import chitchat.testbed.TestMongo;
import chitchat.testbed.WsClient;
import chitchat.users.UserStore;
import com.google.gson.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Presence at the edges of an instance's life: a graceful shutdown (SIGTERM) announces its users offline on the
 * other instance at once, with no wait for a sweep; and without Redis ({@code make run}), the in-memory board gives
 * the same answers on one instance.
 */
@Timeout(120)
class PresenceLifecycleTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    private static JsonObject presenceOf(WsClient client, String user) {
        return client.next(f -> "presence".equals(f.get("type").getAsString()) && user.equals(f.get("user").getAsString()), WAIT);
    }

    @Test
    void aGracefulShutdownShowsItsUsersOfflineAtOnce() {
        try (ChatCluster cluster = new ChatCluster(2, Map.of())) {
            cluster.createUsers("alice", "bob");
            Api.ok(new Api(cluster).call(0, "POST", "/api/conversations", "alice", Map.of("kind", "direct", "with", "bob")));
            WsClient alice = cluster.connect(0, "alice");
            cluster.connect(1, "bob");
            alice.sendJson(Map.of("type", "watch", "users", List.of("bob")));
            assertTrue(presenceOf(alice, "bob").get("online").getAsBoolean());

            cluster.stop(1); // far quicker than the 30 s alive key: the close itself announces
            JsonObject offline = presenceOf(alice, "bob");
            assertFalse(offline.get("online").getAsBoolean(), offline.toString());
            Document bob = cluster.store().database().getCollection("users").find(new Document("username", "bob")).first();
            assertNotNull(bob.getDate("lastSeen"));
            alice.close();
        }
    }

    @Test
    void withoutRedisPresenceIsServedByOneInstance() throws Exception {
        String database = TestMongo.freshDatabase();
        var dataDir = Files.createTempDirectory("presence-local");
        try (DatabaseConnection store = DatabaseConnection.connect(TestMongo.uri(), database)) {
            UserStore users = new UserStore(store.database());
            users.create("alice", "$2a$10$notarealhashnotarealhashnotarealhashnotarealhashnotarea");
            users.create("bob", "$2a$10$notarealhashnotarealhashnotarealhashnotarealhashnotarea");
            ChatServer server = ChatServer.start(new Env(Map.of("HTTP_PORT", "0", "WS_PORT", "0",
                    "MONGO_URI", TestMongo.uri(), "MONGO_DB", database, "JWT_SECRET", ChatCluster.SECRET,
                    "DATA_DIR", dataDir.toString(), "ALLOWED_ORIGINS", "http://localhost:8080")));
            try {
                var tokens = new chitchat.token.Tokens(chitchat.token.JwtSecret.of(ChatCluster.SECRET), Duration.ofHours(1));
                HttpResponse<String> direct = LoopbackHttp.send(LoopbackHttp.request(server.httpPort(), "POST", "/api/conversations",
                        tokens.issue("alice"), Map.of("kind", "direct", "with", "bob")));
                Api.ok(direct);

                WsClient alice = WsClient.connect(server.wsPort(), tokens.issue("alice"));
                alice.sendJson(Map.of("type", "watch", "users", List.of("bob")));
                assertFalse(presenceOf(alice, "bob").get("online").getAsBoolean());
                WsClient bob = WsClient.connect(server.wsPort(), tokens.issue("bob"));
                assertTrue(presenceOf(alice, "bob").get("online").getAsBoolean());
                bob.close();
                bob.awaitClosed(WAIT);
                JsonObject offline = presenceOf(alice, "bob");
                assertFalse(offline.get("online").getAsBoolean());
                assertFalse(offline.get("lastSeen").isJsonNull());
                alice.close();
            } finally {
                server.close();
                store.database().drop();
            }
        }
    }
}
