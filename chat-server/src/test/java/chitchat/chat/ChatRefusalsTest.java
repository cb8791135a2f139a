package chitchat.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chitchat.chat.testing.ChatCluster;
import chitchat.json.Json;
import chitchat.testbed.WsClient;
import chitchat.token.JwtSecret;
import chitchat.token.Tokens;
import com.google.gson.JsonObject;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Everything the chat-server must refuse, each with the contract's answer, and the server stays up. */
@Timeout(60)
class ChatRefusalsTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static ChatCluster cluster;
    private WsClient alice;
    private WsClient bob;

    @BeforeAll
    static void start() {
        cluster = new ChatCluster(1, Map.of());
        cluster.createUsers("alice", "bob", "carol");
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @AfterEach
    void serverStaysUp() {
        if (alice != null) {
            alice.close();
        }
        if (bob != null) {
            bob.close();
        }
        assertEquals(200, cluster.get(0, "/healthz", null).statusCode());
    }

    private WsClient client(Map<String, String> headers) {
        return new WsClient(URI.create("ws://127.0.0.1:" + cluster.instance(0).wsPort() + "/ws"), headers);
    }

    @Test
    void handshakeWithoutAValidTokenIsRefused() {
        assertFalse(client(Map.of()).open(), "no token");
        Tokens forger = new Tokens(JwtSecret.of("another-secret-another-secret-another-secret"), Duration.ofHours(1));
        assertFalse(client(Map.of("Authorization", "Bearer " + forger.issue("alice"))).open(), "forged");
        Clock past = Clock.fixed(Instant.now().minus(Duration.ofHours(3)), ZoneOffset.UTC);
        Tokens expired = new Tokens(JwtSecret.of(ChatCluster.SECRET), Duration.ofHours(1), past);
        assertFalse(client(Map.of("Authorization", "Bearer " + expired.issue("alice"))).open(), "expired");
        assertFalse(client(Map.of("Cookie", "token=garbage")).open(), "garbage cookie");
        assertTrue(client(Map.of("Cookie", "theme=dark; token=" + cluster.token("alice"))).open(), "valid cookie");
    }

    @Test
    void foreignOriginIsRefusedAndAllowedOriginAccepted() {
        String token = cluster.token("alice");
        assertFalse(client(Map.of("Cookie", "token=" + token, "Origin", "https://evil.example")).open());
        assertTrue(client(Map.of("Cookie", "token=" + token, "Origin", "http://localhost:8080")).open());
    }

    @Test
    void theSenderIsTheTokensUserWhateverTheFrameSays() {
        alice = cluster.connect(0, "alice");
        bob = cluster.connect(0, "bob");
        alice.sendJson(Map.of("type", "chat msg", "sender", "bob", "receiver", "bob", "message", "spoof?", "clientMsgId", "spoof-1"));
        alice.next("ack", WAIT);
        JsonObject received = bob.next("chat msg", WAIT);
        assertEquals("alice", received.get("sender").getAsString());
    }

    @Test
    void badFramesGetErrorFramesAndTheConnectionStaysOpen() {
        alice = cluster.connect(0, "alice");
        long before = messagesStored();
        assertError("unknown_receiver", Map.of("type", "chat msg", "receiver", "nobody", "message", "hi", "clientMsgId", "e1"));
        assertError("invalid_receiver", Map.of("type", "chat msg", "receiver", "alice", "message", "me", "clientMsgId", "e2"));
        assertError("invalid_message", Map.of("type", "chat msg", "receiver", "bob", "message", "", "clientMsgId", "e3"));
        assertError("invalid_message", Map.of("type", "chat msg", "receiver", "bob", "message", "x".repeat(4097), "clientMsgId", "e4"));
        assertError("invalid_message", Map.of("type", "chat msg", "receiver", "bob", "message", Map.of("$ne", 1), "clientMsgId", "e5"));
        assertError("invalid_message", Map.of("type", "chat msg", "receiver", "bob", "message", "no id"));
        assertError("unknown_type", Map.of("type", "shout", "receiver", "bob"));
        assertError("invalid_frame", Map.of("type", "typing", "receiver", "bob"));
        assertError("invalid_frame", Map.of("type", "read", "conversation", "alice|bob", "seq", 1.5));
        assertError("not_found", Map.of("type", "chat msg", "conversation", "g:000000000000000000000000", "message", "hi", "clientMsgId", "e7"));
        // Marks are checked when the mark writer writes them, a moment later; the answer still names the frame.
        assertError("not_found", Map.of("type", "read", "conversation", "g:000000000000000000000000", "seq", 3, "clientMsgId", "e8"));
        bob = cluster.connect(0, "bob");
        bob.chat("carol", "a conversation alice is not in", "bc-1");
        String theirs = bob.next("ack", WAIT).get("conversation").getAsString();
        assertError("not_found", Map.of("type", "delivered", "conversation", theirs, "seq", 1, "clientMsgId", "e9"));
        assertError("not_found", Map.of("type", "read", "conversation", theirs, "seq", 1));
        alice.send("{\"type\":\"chat msg\",\"receiver\":\"bob\",\"message\":\"\\ud800\",\"clientMsgId\":\"e6\"}");
        JsonObject surrogate = alice.next("error", WAIT);
        assertEquals("invalid_message", surrogate.get("error").getAsString());
        assertEquals("e6", surrogate.get("clientMsgId").getAsString(), "a lone surrogate's error names its clientMsgId");
        alice.send("{not json");
        assertEquals("bad_json", alice.next("error", WAIT).get("error").getAsString());
        alice.send(ByteBuffer.wrap(new byte[] {1, 2, 3}));
        assertEquals("bad_frame", alice.next("error", WAIT).get("error").getAsString());
        assertEquals(before + 1, messagesStored(), "no bad frame stores anything (bob's one message aside)");
        assertEquals(0, cluster.store().database().getCollection("memberships")
                .countDocuments(new Document("_id", theirs + "#alice")), "a stranger's marks are written nowhere");

        alice.chat("bob", "x".repeat(4096), "ok-after-errors");
        assertEquals("ok-after-errors", alice.next("ack", WAIT).get("clientMsgId").getAsString());
    }

    @Test
    void aFrameRefusedByTheRateLimitNamesItsClientMsgId() {
        WsClient fast = cluster.connect(0, "alice");
        Set<String> sent = new HashSet<>();
        for (int i = 0; i < 70; i++) { // the burst is 60: about ten are refused, well short of the 20 strikes
            fast.chat("bob", "fast " + i, "fast-" + i);
            sent.add("fast-" + i);
        }
        List<JsonObject> refused = fast.collect(Duration.ofSeconds(3), f -> "error".equals(f.get("type").getAsString()));
        assertFalse(refused.isEmpty(), "70 frames at once were all accepted");
        for (JsonObject error : refused) {
            assertEquals("rate_limited", error.get("error").getAsString());
            assertTrue(error.has("clientMsgId") && sent.contains(error.get("clientMsgId").getAsString()),
                    "a rate_limited error without the refused frame's clientMsgId: " + error);
        }
        fast.close();
    }

    @Test
    void typingFramesOverTheirAllowanceVanishWithoutAnErrorOrAClose() {
        alice = cluster.connect(0, "alice");
        String conversation = Json.parseObject(cluster.request(0, "POST", "/api/conversations", cluster.token("alice"),
                Map.of("kind", "direct", "with", "bob")).body()).get("id").getAsString();
        // 150 at once: over the frame rate limit (a burst of 60), which would take 90 strikes of the 20 there are.
        for (int i = 0; i < 150; i++) {
            alice.sendJson(Map.of("type", "typing", "conversation", conversation));
        }
        assertTrue(alice.collect(Duration.ofSeconds(1), f -> "error".equals(f.get("type").getAsString())).isEmpty(),
                "surplus typing is dropped silently");
        assertTrue(alice.isOpen(), "and never closes the connection");
        alice.chat("bob", "still here", "after-typing-1");
        assertEquals("after-typing-1", alice.next("ack", WAIT).get("clientMsgId").getAsString(), "nor takes the messages' allowance");
    }

    @Test
    void aFrameOver16KiBClosesOnlyThatConnection() {
        alice = cluster.connect(0, "alice");
        bob = cluster.connect(0, "bob");
        alice.send("{\"type\":\"chat msg\",\"message\":\"" + "y".repeat(17 * 1024) + "\"}");
        assertEquals(1009, alice.awaitClosed(WAIT));
        assertTrue(bob.isOpen());
        WsClient again = cluster.connect(0, "alice");
        again.chat("bob", "still here", "after-big");
        assertEquals("after-big", bob.next("chat msg", WAIT).get("clientMsgId").getAsString());
        again.close();
    }

    @Test
    void theConnectionClosesWhenItsTokenExpires() {
        Tokens shortLived = new Tokens(JwtSecret.of(ChatCluster.SECRET), Duration.ofSeconds(2));
        WsClient client = client(Map.of("Authorization", "Bearer " + shortLived.issue("alice")));
        assertTrue(client.open());
        assertEquals(1008, client.awaitClosed(Duration.ofSeconds(6)));
    }

    private void assertError(String code, Map<String, Object> frame) {
        alice.sendJson(frame);
        JsonObject error = alice.next("error", WAIT);
        assertEquals(code, error.get("error").getAsString(), frame.toString());
        assertFalse(error.get("message").getAsString().isBlank());
        Object clientMsgId = frame.get("clientMsgId");
        if (clientMsgId != null) {
            assertEquals(clientMsgId, error.get("clientMsgId").getAsString(), "the error names the frame's clientMsgId");
        }
        assertTrue(alice.isOpen());
    }

    private long messagesStored() {
        return cluster.store().database().getCollection("messages").countDocuments(new Document());
    }
}
