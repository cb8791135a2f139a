package chitchat.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chitchat.chat.protocol.Frames;
import chitchat.chat.testing.Api;
import chitchat.chat.testing.ChatCluster;
import chitchat.testbed.WsClient;
import com.google.gson.JsonObject;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Presence and last seen (issue 12) on two instances sharing one real Redis: the first answer to {@code watch},
 * changes across instances, a second device keeping a user online, contacts only, and only watchers told.
 * Each test has users of its own, so that no other test's connections change what it sees.
 */
@Timeout(120)
class PresenceTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Duration QUIET = Duration.ofMillis(800);
    private static ChatCluster cluster;
    private static Api api;

    @BeforeAll
    static void start() {
        cluster = new ChatCluster(2, Map.of());
        api = new Api(cluster);
        cluster.createUsers("p1_alice", "p1_bob", "p1_carol", "p1_dave",
                "p2_alice", "p2_bob", "p3_alice", "p3_bob", "p3_carol");
        direct("p1_alice", "p1_bob");
        direct("p1_alice", "p1_carol");
        direct("p2_alice", "p2_bob");
        direct("p3_alice", "p3_bob");
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    private static void direct(String user, String with) {
        Api.ok(api.call(0, "POST", "/api/conversations", user, Map.of("kind", "direct", "with", with)));
    }

    private static void watch(WsClient client, String... users) {
        client.sendJson(Map.of("type", "watch", "users", List.of(users)));
    }

    private static JsonObject presenceOf(WsClient client, String user) {
        return client.next(f -> "presence".equals(f.get("type").getAsString()) && user.equals(f.get("user").getAsString()), WAIT);
    }

    private static List<JsonObject> presencesOf(WsClient client, String user, Duration wait) {
        return client.collect(wait, f -> "presence".equals(f.get("type").getAsString()) && user.equals(f.get("user").getAsString()));
    }

    @Test
    void watchAnswersEveryWatchedUserAtOnceAndNothingForNonContacts() {
        WsClient bob = cluster.connect(1, "p1_bob");
        WsClient alice = cluster.connect(0, "p1_alice");
        try {
            watch(alice, "p1_bob", "p1_carol", "p1_dave", "no such user!");
            JsonObject b = presenceOf(alice, "p1_bob");
            assertTrue(b.get("online").getAsBoolean(), "bob is connected on the other instance: " + b);
            JsonObject c = presenceOf(alice, "p1_carol");
            assertFalse(c.get("online").getAsBoolean(), c.toString());
            assertTrue(c.get("lastSeen").isJsonNull(), "carol never connected: " + c);
            for (String stranger : List.of("p1_dave", "no such user!")) {
                JsonObject d = presenceOf(alice, stranger);
                assertTrue(d.has("online") && d.get("online").isJsonNull(), "not a contact: " + d);
                assertTrue(d.has("lastSeen") && d.get("lastSeen").isJsonNull(), "not a contact: " + d);
            }

            // dave is not alice's contact: his coming and going is never told to her.
            WsClient dave = cluster.connect(1, "p1_dave");
            dave.close();
            dave.awaitClosed(WAIT);
            assertEquals(List.of(), presencesOf(alice, "p1_dave", QUIET));
        } finally {
            alice.close();
            bob.close();
        }
    }

    @Test
    void changesAcrossInstancesReachTheWatcherAndLastSeenIsStored() {
        WsClient alice = cluster.connect(0, "p2_alice");
        try {
            watch(alice, "p2_bob");
            assertFalse(presenceOf(alice, "p2_bob").get("online").getAsBoolean());

            WsClient bobPhone = cluster.connect(1, "p2_bob");
            assertTrue(presenceOf(alice, "p2_bob").get("online").getAsBoolean(), "bob came online on instance 1");
            WsClient bobLaptop = cluster.connect(0, "p2_bob");
            bobPhone.close();
            bobPhone.awaitClosed(WAIT);
            assertEquals(List.of(), presencesOf(alice, "p2_bob", QUIET),
                    "bob is still connected on instance 0, and already known online: nothing to tell");

            long before = System.currentTimeMillis();
            bobLaptop.close();
            bobLaptop.awaitClosed(WAIT);
            JsonObject offline = presenceOf(alice, "p2_bob");
            assertFalse(offline.get("online").getAsBoolean(), offline.toString());
            String lastSeen = offline.get("lastSeen").getAsString();
            assertTrue(java.time.Instant.parse(lastSeen).toEpochMilli() >= before - 5, lastSeen);

            Document stored = cluster.store().database().getCollection("users").find(new Document("username", "p2_bob")).first();
            assertNotNull(stored);
            Date storedAt = stored.getDate("lastSeen");
            assertNotNull(storedAt, "lastSeen is written when the last connection closes");
            assertEquals(lastSeen, Frames.timestamp(storedAt.toInstant()));

            // A later watch answers with the stored time.
            watch(alice, "p2_bob");
            assertEquals(lastSeen, presenceOf(alice, "p2_bob").get("lastSeen").getAsString());
        } finally {
            alice.close();
        }
    }

    @Test
    void onlyConnectionsWatchingAUserAreTold() {
        WsClient watching = cluster.connect(0, "p3_alice");
        WsClient notWatching = cluster.connect(1, "p3_alice"); // the same user's other device, watching nobody
        WsClient carol = cluster.connect(0, "p3_carol"); // shares nothing with bob: may not watch him
        WsClient switched = cluster.connect(0, "p3_alice"); // watched bob, then replaced the set with nobody
        try {
            watch(watching, "p3_bob");
            presenceOf(watching, "p3_bob");
            watch(carol, "p3_bob");
            assertTrue(presenceOf(carol, "p3_bob").get("online").isJsonNull());
            watch(switched, "p3_bob");
            presenceOf(switched, "p3_bob");
            watch(switched);
            switched.awaitReady(); // frames are processed in order: once the probe is answered, the empty watch is in force

            WsClient bob = cluster.connect(1, "p3_bob");
            assertTrue(presenceOf(watching, "p3_bob").get("online").getAsBoolean());
            bob.close();
            bob.awaitClosed(WAIT);
            assertFalse(presenceOf(watching, "p3_bob").get("online").getAsBoolean());
            for (WsClient other : List.of(notWatching, carol, switched)) {
                assertEquals(List.of(), presencesOf(other, "p3_bob", QUIET));
            }
        } finally {
            List.of(watching, notWatching, carol, switched).forEach(WsClient::close);
        }
    }
}
