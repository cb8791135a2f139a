package chitchat.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chitchat.chat.messages.Message;
import chitchat.chat.messages.MessageStore;
import chitchat.chat.testing.ChatCluster;
import chitchat.json.Json;
import chitchat.testbed.WsClient;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two chat-server instances, one real Redis, one store, real sockets: the delivery promise of issue 3.
 */
@Timeout(120)
class CrossInstanceDeliveryTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Duration QUIET = Duration.ofMillis(700);
    private static ChatCluster cluster;

    @BeforeAll
    static void start() {
        cluster = new ChatCluster(2, Map.of());
        cluster.createUsers("alice", "bob", "carol", "dave", "erin", "frank", "grace");
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void deliversAcrossInstancesExactlyOncePerConnection() {
        WsClient alice = cluster.connect(0, "alice");
        WsClient aliceOtherDevice = cluster.connect(1, "alice");
        WsClient bob = cluster.connect(1, "bob");
        WsClient bobOtherTab = cluster.connect(0, "bob");
        try {
            alice.chat("bob", "Hello across instances!", "cross-1");

            JsonObject ack = alice.next("ack", WAIT);
            assertEquals("cross-1", ack.get("clientMsgId").getAsString());
            String id = ack.get("id").getAsString();
            // The ack comes only once the message is stored.
            Document stored = cluster.store().database().getCollection("messages")
                    .find(new Document("_id", new org.bson.types.ObjectId(id))).first();
            assertNotNull(stored, "acked message must already be in the store");
            assertEquals("alice|bob", stored.getString("conv"));

            for (WsClient receiver : List.of(bob, bobOtherTab, aliceOtherDevice)) {
                JsonObject msg = receiver.next("chat msg", WAIT);
                assertEquals(id, msg.get("id").getAsString());
                assertEquals("alice", msg.get("sender").getAsString());
                assertEquals("bob", msg.get("receiver").getAsString());
                assertEquals("Hello across instances!", msg.get("message").getAsString());
                assertEquals("cross-1", msg.get("clientMsgId").getAsString());
            }
            // Exactly once: nothing more arrives anywhere, and the sending connection got no copy.
            for (WsClient client : List.of(alice, bob, bobOtherTab, aliceOtherDevice)) {
                assertEquals(List.of(), client.collect(QUIET, f -> f.get("type").getAsString().equals("chat msg")));
            }
        } finally {
            List.of(alice, aliceOtherDevice, bob, bobOtherTab).forEach(WsClient::close);
        }
    }

    @Test
    void resendingAClientMsgIdIsAckedWithTheSameIdAndDeliveredOnce() {
        WsClient alice = cluster.connect(0, "alice");
        WsClient bob = cluster.connect(1, "bob");
        try {
            alice.chat("bob", "only once", "dup-1");
            String id = alice.next("ack", WAIT).get("id").getAsString();
            assertEquals(id, bob.next("chat msg", WAIT).get("id").getAsString());

            alice.chat("bob", "only once", "dup-1");
            assertEquals(id, alice.next("ack", WAIT).get("id").getAsString());
            assertEquals(List.of(), bob.collect(QUIET, f -> f.get("type").getAsString().equals("chat msg")));
            assertEquals(1, cluster.store().database().getCollection("messages")
                    .countDocuments(new Document("sender", "alice").append("clientMsgId", "dup-1")));
        } finally {
            alice.close();
            bob.close();
        }
    }

    /**
     * An instance stored frank's message and was killed before it recorded it in the conversation, acked or
     * delivered it. frank's app, never acked, sends it again to the other instance: that one finds the stored copy,
     * acks it under its id, records it (so grace's catch-up, which asks only where lastSeq moved, looks there) and
     * delivers it, once; a further re-send delivers nothing.
     */
    @Test
    void aResendOfAMessageItsKilledInstanceNeverRecordedIsRecordedAndDeliveredOnce() {
        WsClient frank = cluster.connect(1, "frank");
        WsClient grace = cluster.connect(0, "grace");
        try {
            frank.chat("grace", "before the crash", "late-1");
            assertEquals(1, frank.next("ack", WAIT).get("seq").getAsLong());
            grace.next("chat msg", WAIT);

            // What the killed instance did: reserve seq 2 and insert the message; nothing after that.
            var database = cluster.store().database();
            database.getCollection("conversations").updateOne(new Document("_id", "frank|grace"),
                    new Document("$inc", new Document("reservedSeq", 1L)));
            Message lost = new Message(new org.bson.types.ObjectId(), "frank|grace", 2, "frank", "grace", "stored, then the crash",
                    java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS), "late-2", null);
            database.getCollection("messages").insertOne(MessageStore.document(lost));
            assertEquals(1, lastSeq("grace", "frank|grace"), "the conversation never heard of it");

            frank.chat("grace", "stored, then the crash", "late-2");
            JsonObject ack = frank.next("ack", WAIT);
            assertEquals(lost.id().toHexString(), ack.get("id").getAsString(), "acked as the stored copy");
            JsonObject delivered = grace.next("chat msg", WAIT);
            assertEquals(lost.id().toHexString(), delivered.get("id").getAsString());
            assertEquals(2, delivered.get("seq").getAsLong());
            assertEquals(2, lastSeq("grace", "frank|grace"), "recorded: a catch-up by lastSeq finds it");

            frank.chat("grace", "stored, then the crash", "late-2");
            assertEquals(lost.id().toHexString(), frank.next("ack", WAIT).get("id").getAsString());
            assertEquals(List.of(), grace.collect(QUIET, f -> f.get("type").getAsString().equals("chat msg")), "delivered once");
        } finally {
            frank.close();
            grace.close();
        }
    }

    /** The conversation's lastSeq in {@code user}'s conversation list. */
    private static long lastSeq(String user, String conversation) {
        JsonArray list = Json.parseObject(cluster.get(1, "/api/conversations", cluster.token(user)).body()).getAsJsonArray("conversations");
        for (var element : list) {
            JsonObject summary = element.getAsJsonObject();
            if (summary.get("id").getAsString().equals(conversation)) {
                return summary.get("lastSeq").getAsLong();
            }
        }
        throw new AssertionError(conversation + " is not in " + user + "'s list: " + list);
    }

    @Test
    void everyTabOfAUserOnOneInstanceGetsTheMessageOnce() {
        WsClient carol = cluster.connect(0, "carol");
        List<WsClient> bobTabs = List.of(cluster.connect(1, "bob"), cluster.connect(1, "bob"), cluster.connect(1, "bob"));
        try {
            carol.chat("bob", "to all your tabs", "tabs-1");
            String id = carol.next("ack", WAIT).get("id").getAsString();
            for (WsClient tab : bobTabs) {
                assertEquals(id, tab.next("chat msg", WAIT).get("id").getAsString());
                assertEquals(List.of(), tab.collect(QUIET, f -> f.get("type").getAsString().equals("chat msg")));
            }
        } finally {
            carol.close();
            bobTabs.forEach(WsClient::close);
        }
    }

    @Test
    void concurrentResendsFromTwoDevicesStoreOneMessage() {
        WsClient phone = cluster.connect(0, "alice");
        WsClient laptop = cluster.connect(1, "alice");
        try {
            for (int i = 0; i < 20; i++) {
                phone.chat("carol", "same " + i, "race-" + i);
                laptop.chat("carol", "same " + i, "race-" + i);
            }
            for (int i = 0; i < 20; i++) {
                String fromPhone = phone.next("ack", WAIT).get("id").getAsString();
                String fromLaptop = laptop.next("ack", WAIT).get("id").getAsString();
                assertEquals(fromPhone, fromLaptop, "both devices are acked with the one stored id");
            }
            assertEquals(20, cluster.store().database().getCollection("messages")
                    .countDocuments(new Document("sender", "alice").append("clientMsgId", new Document("$regex", "^race-"))));
        } finally {
            phone.close();
            laptop.close();
        }
    }

    @Test
    void historyReturnsTheConversationToItsTwoUsersOnly() {
        WsClient dave = cluster.connect(0, "dave"); // users of its own: other tests write to alice
        try {
            dave.chat("erin", "history one", "hist-1");
            String first = dave.next("ack", WAIT).get("id").getAsString();
            dave.chat("erin", "history two", "hist-2");
            String second = dave.next("ack", WAIT).get("id").getAsString();

            var response = cluster.get(1, "/api/messages?with=dave&limit=10", cluster.token("erin"));
            assertEquals(200, response.statusCode());
            JsonObject body = Json.parseObject(response.body());
            assertEquals("[\"erin\",\"dave\"]", body.get("users").toString());
            JsonArray msgs = body.getAsJsonArray("msgs");
            assertEquals(2, msgs.size());
            assertEquals(first, msgs.get(0).getAsJsonObject().get("id").getAsString(), "oldest first");
            assertEquals(second, msgs.get(1).getAsJsonObject().get("id").getAsString());

            var older = cluster.get(0, "/api/messages?with=dave&limit=10&before=" + second, cluster.token("erin"));
            assertEquals(1, Json.parseObject(older.body()).getAsJsonArray("msgs").size());

            // bob asking for "dave" gets the bob|dave conversation, never dave|erin.
            var bobs = cluster.get(0, "/api/messages?with=dave", cluster.token("bob"));
            assertTrue(Json.parseObject(bobs.body()).getAsJsonArray("msgs").asList().stream()
                    .noneMatch(m -> m.getAsJsonObject().get("receiver").getAsString().equals("erin")));

            var catchUp = cluster.get(0, "/api/messages?after=" + first, cluster.token("erin"));
            assertEquals(200, catchUp.statusCode());
            assertTrue(catchUp.body().contains(second));
        } finally {
            dave.close();
        }
    }

    @Test
    void historyRefusesBadRequests() {
        assertEquals(401, cluster.get(0, "/api/messages?with=alice", null).statusCode());
        assertEquals(401, cluster.get(0, "/api/messages?with=alice", "not-a-token").statusCode());
        String token = cluster.token("bob");
        for (String query : List.of("with=A!", "with=alice&limit=0", "with=alice&limit=201", "with=alice&limit=x", "with=alice&before=123", "after=zz")) {
            var response = cluster.get(0, "/api/messages?" + query, token);
            assertEquals(400, response.statusCode(), query);
            assertEquals("invalid_input", Json.parseObject(response.body()).get("error").getAsString());
        }
    }

    @Test
    void deliveryResumesAfterRedisRestartsWithoutRestartingChatServers() {
        WsClient alice = cluster.connect(0, "alice");
        WsClient bob = cluster.connect(1, "bob");
        try {
            cluster.redis().stopProcess();
            cluster.redis().startProcess();
            cluster.awaitHealthy(Duration.ofSeconds(20));
            // Both instances resubscribed by themselves and told their connections to catch up.
            bob.next("resync", Duration.ofSeconds(10));
            alice.next("resync", Duration.ofSeconds(10));

            alice.chat("bob", "after the restart", "restart-1");
            String id = alice.next("ack", WAIT).get("id").getAsString();
            assertEquals(id, bob.next("chat msg", WAIT).get("id").getAsString());
        } finally {
            alice.close();
            bob.close();
        }
    }
}
