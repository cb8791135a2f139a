package chitchat.chat;

import static chitchat.chat.testing.Api.enc;
import static chitchat.chat.testing.Api.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chitchat.chat.testing.Api;
import chitchat.chat.testing.ChatCluster;
import chitchat.testbed.WsClient;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract's WebSocket side of conversations on two instances, one store, one real Redis: group messages with
 * their seqs, concurrent senders on both instances, membership changes seen at once on the other instance, marks and
 * receipts, typing, and v1 frames still working.
 */
@Timeout(180)
class GroupDeliveryTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Duration QUIET = Duration.ofMillis(1500);
    private static ChatCluster cluster;
    private static Api api;

    @BeforeAll
    static void start() {
        cluster = new ChatCluster(2, Map.of("WS_RATE_PER_SECOND", "200", "WS_RATE_BURST", "200"));
        cluster.createUsers("alice", "bob", "carol", "dave", "erin", "mallory");
        api = new Api(cluster);
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void aGroupMessageReachesEveryMemberOnEveryInstanceWithItsSeq() {
        String id = api.group("alice", "Everyone", "bob", "carol");
        WsClient alice = cluster.connect(0, "alice");
        WsClient aliceOtherDevice = cluster.connect(1, "alice");
        WsClient bob = cluster.connect(1, "bob");
        WsClient carol = cluster.connect(0, "carol");
        WsClient mallory = cluster.connect(1, "mallory");
        try {
            alice.say(id, "Hello, group!", "grp-1");
            JsonObject ack = alice.next("ack", WAIT);
            assertEquals("grp-1", ack.get("clientMsgId").getAsString());
            assertEquals(id, ack.get("conversation").getAsString());
            assertEquals(2, ack.get("seq").getAsLong());
            for (WsClient member : List.of(bob, carol, aliceOtherDevice)) {
                JsonObject got = member.next(chatIn(id), WAIT);
                assertEquals("Hello, group!", got.get("message").getAsString());
                assertEquals(2, got.get("seq").getAsLong());
                assertEquals("alice", got.get("sender").getAsString());
                assertEquals(ack.get("id"), got.get("id"));
                assertFalse(got.has("receiver"));
            }
            assertTrue(alice.collect(QUIET, chatIn(id)).isEmpty(), "the sending connection gets an ack, not its message");
            assertTrue(mallory.collect(Duration.ofMillis(300), f -> true).isEmpty(), "nothing for a non-member");

            alice.say(id, "Hello, group!", "grp-1"); // a re-send after a lost ack
            JsonObject again = alice.next("ack", WAIT);
            assertEquals(ack.get("id"), again.get("id"));
            assertEquals(ack.get("seq"), again.get("seq"));
            assertTrue(bob.collect(QUIET, chatIn(id)).isEmpty(), "a re-send is delivered nothing twice");

            mallory.say(id, "let me in", "mal-1");
            JsonObject refused = mallory.next("error", WAIT);
            assertEquals("not_found", refused.get("error").getAsString());
            assertEquals("mal-1", refused.get("clientMsgId").getAsString());
            assertTrue(bob.collect(QUIET, chatIn(id)).isEmpty());
        } finally {
            List.of(alice, aliceOtherDevice, bob, carol, mallory).forEach(WsClient::close);
        }
    }

    @Test
    void concurrentSendersOnBothInstancesGetDistinctSeqsInOneOrder() throws Exception {
        String id = api.group("dave", "Busy", "erin", "carol");
        int perSender = 40;
        List<String> senders = List.of("dave", "erin", "carol");
        WsClient watcher = cluster.connect(1, "carol");
        List<WsClient> clients = new ArrayList<>();
        for (int s = 0; s < senders.size(); s++) {
            for (int instance = 0; instance < 2; instance++) {
                clients.add(cluster.connect(instance, senders.get(s)));
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(clients.size());
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Map<String, Long>>> acks = new ArrayList<>();
            for (int c = 0; c < clients.size(); c++) {
                WsClient client = clients.get(c);
                String prefix = "busy-" + c + "-";
                acks.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < perSender; i++) {
                        client.say(id, prefix + i, prefix + i);
                    }
                    Map<String, Long> seqs = new HashMap<>();
                    while (seqs.size() < perSender) {
                        JsonObject ack = client.next("ack", Duration.ofSeconds(20));
                        Long previous = seqs.put(ack.get("clientMsgId").getAsString(), ack.get("seq").getAsLong());
                        assertEquals(null, previous, "acked twice: " + ack);
                    }
                    return seqs;
                }));
            }
            go.countDown();
            Map<String, Long> all = new HashMap<>();
            for (Future<Map<String, Long>> f : acks) {
                all.putAll(f.get());
            }
            int total = clients.size() * perSender;
            assertEquals(total, all.size(), "every message acked once");
            assertEquals(total, new HashSet<>(all.values()).size(), "no two messages share a seq");

            List<Long> history = new ArrayList<>();
            Set<String> texts = new HashSet<>();
            long after = 0;
            while (true) {
                List<JsonElement> page = ok(api.call(0, "GET", "/api/conversations/" + enc(id) + "/messages?after=" + after + "&limit=50", "erin", null))
                        .getAsJsonArray("msgs").asList();
                for (JsonElement m : page) {
                    history.add(m.getAsJsonObject().get("seq").getAsLong());
                    texts.add(m.getAsJsonObject().get("message").getAsString());
                }
                if (page.size() < 50) {
                    break;
                }
                after = history.get(history.size() - 1);
            }
            for (int i = 1; i < history.size(); i++) {
                assertTrue(history.get(i) > history.get(i - 1), "history strictly ordered by seq: " + history);
            }
            assertEquals(total + 1, history.size(), "every message once, and the created notice");
            assertEquals(total + 1, texts.size());
            for (Map.Entry<String, Long> acked : all.entrySet()) {
                assertTrue(history.contains(acked.getValue()), "acked seq " + acked + " is in history");
            }
            List<JsonObject> live = watcher.collect(Duration.ofSeconds(3), chatIn(id));
            assertEquals(total, live.size(), "a member's device that sent nothing gets every message (its user's other devices' too) once");
            assertEquals(live.size(), live.stream().map(f -> f.get("seq").getAsLong()).distinct().count());
        } finally {
            pool.shutdownNow();
            clients.forEach(WsClient::close);
            watcher.close();
        }
    }

    @Test
    void aRemovedMemberGetsTheRemovalAndNothingAfterOnEveryInstance() {
        String id = api.group("alice", "Shrinking", "bob", "carol");
        WsClient bob = cluster.connect(1, "bob");
        WsClient carol = cluster.connect(1, "carol");
        WsClient alice = cluster.connect(0, "alice");
        try {
            ok(api.call(0, "DELETE", "/api/conversations/" + enc(id) + "/members/bob", "alice", null));
            JsonObject removal = bob.next(chatIn(id), WAIT);
            assertEquals("removed", removal.getAsJsonObject("system").get("action").getAsString());
            assertEquals("bob", removal.getAsJsonObject("system").get("target").getAsString());
            assertEquals("alice removed bob", removal.get("message").getAsString());

            assertEquals("removed", carol.next(chatIn(id), WAIT).getAsJsonObject("system").get("action").getAsString());
            alice.say(id, "after bob left", "after-1");
            alice.next("ack", WAIT);
            assertEquals("after bob left", carol.next(chatIn(id), WAIT).get("message").getAsString());
            carol.say(id, "from the other instance", "after-2");
            carol.next("ack", WAIT);
            assertTrue(bob.collect(QUIET, chatIn(id)).isEmpty(), "nothing after the removal for bob");

            bob.say(id, "still here?", "bob-after");
            JsonObject refused = bob.next("error", WAIT);
            assertEquals("not_found", refused.get("error").getAsString());
            assertEquals("bob-after", refused.get("clientMsgId").getAsString());
            bob.sendJson(Map.of("type", "read", "conversation", id, "seq", 3, "clientMsgId", "read-after"));
            JsonObject readRefused = bob.next("error", WAIT);
            assertEquals("not_found", readRefused.get("error").getAsString());
            assertEquals("read-after", readRefused.get("clientMsgId").getAsString(), "an error names the frame's clientMsgId when it had one");
            Api.assertError(404, "not_found", api.call(1, "GET", "/api/conversations/" + enc(id) + "/messages", "bob", null));

            ok(api.call(1, "POST", "/api/conversations/" + enc(id) + "/members", "alice", Map.of("username", "dave")));
            WsClient dave = cluster.connect(0, "dave");
            try {
                carol.say(id, "welcome dave", "welcome-1");
                carol.next("ack", WAIT);
                assertEquals("welcome dave", dave.next(chatIn(id), WAIT).get("message").getAsString(), "a new member gets messages at once");
            } finally {
                dave.close();
            }
        } finally {
            List.of(alice, bob, carol).forEach(WsClient::close);
        }
    }

    @Test
    void readMarksOnlyGrowAndAreEchoedToTheReadersOtherDevices() {
        String id = api.group("erin", "Marks", "dave");
        WsClient erin = cluster.connect(0, "erin");
        WsClient dave = cluster.connect(0, "dave");
        WsClient daveOtherTab = cluster.connect(1, "dave");
        try {
            for (int i = 0; i < 3; i++) {
                erin.say(id, "m" + i, "marks-" + i);
                erin.next("ack", WAIT);
            }
            String path = "/api/conversations/" + enc(id);
            assertEquals(4, ok(api.call(1, "GET", path, "dave", null)).get("unread").getAsLong());

            dave.sendJson(Map.of("type", "read", "conversation", id, "seq", 3));
            JsonObject receipt = daveOtherTab.next("receipt", WAIT);
            assertEquals(id, receipt.get("conversation").getAsString());
            assertEquals("dave", receipt.get("user").getAsString());
            assertEquals(3, receipt.get("readSeq").getAsLong());
            assertEquals(3, receipt.get("deliveredSeq").getAsLong());
            assertEquals("dave", erin.next("receipt", WAIT).get("user").getAsString(), "the other members hear of it too");
            assertEquals(1, ok(api.call(1, "GET", path, "dave", null)).get("unread").getAsLong());

            dave.sendJson(Map.of("type", "read", "conversation", id, "seq", 2));
            assertTrue(daveOtherTab.collect(QUIET, f -> f.get("type").getAsString().equals("receipt")).isEmpty(), "a mark never moves back");

            dave.sendJson(Map.of("type", "delivered", "conversation", id, "seq", 4));
            JsonObject delivered = daveOtherTab.next("receipt", WAIT);
            assertEquals(3, delivered.get("readSeq").getAsLong());
            assertEquals(4, delivered.get("deliveredSeq").getAsLong());

            dave.sendJson(Map.of("type", "read", "conversation", id, "seq", 99));
            assertEquals(4, daveOtherTab.next("receipt", WAIT).get("readSeq").getAsLong(), "a mark past the last message is the last message");
            JsonObject view = ok(api.call(0, "GET", path, "dave", null));
            assertEquals(0, view.get("unread").getAsLong());
            JsonObject daveMember = view.getAsJsonArray("members").asList().stream().map(JsonElement::getAsJsonObject)
                    .filter(m -> m.get("username").getAsString().equals("dave")).findFirst().orElseThrow();
            assertEquals(4, daveMember.get("readSeq").getAsLong());
            assertEquals(4, daveMember.get("deliveredSeq").getAsLong());
        } finally {
            List.of(erin, dave, daveOtherTab).forEach(WsClient::close);
        }
    }

    @Test
    void aBurstOfMarksIsWrittenOnceAndAnnouncedWithTheHighest() {
        String id = api.group("carol", "Burst", "erin");
        WsClient carol = cluster.connect(0, "carol");
        WsClient erin = cluster.connect(1, "erin");
        WsClient erinOtherTab = cluster.connect(0, "erin");
        try {
            for (int i = 0; i < 30; i++) {
                carol.say(id, "b" + i, "burst-" + i);
                carol.next("ack", WAIT);
            }
            // A device scrolling through: one read frame per message, as fast as it can send them.
            for (int seq = 2; seq <= 31; seq++) {
                erin.sendJson(Map.of("type", "read", "conversation", id, "seq", seq));
            }
            List<JsonObject> receipts = erinOtherTab.collect(Duration.ofSeconds(2), f -> f.get("type").getAsString().equals("receipt"));
            assertFalse(receipts.isEmpty(), "the marks were announced");
            assertTrue(receipts.size() <= 5, "30 frames in a burst are written and announced a few times, not 30: " + receipts.size());
            assertEquals(31, receipts.get(receipts.size() - 1).get("readSeq").getAsLong(), "the last receipt has the highest mark");
            for (int i = 1; i < receipts.size(); i++) {
                assertTrue(receipts.get(i).get("readSeq").getAsLong() > receipts.get(i - 1).get("readSeq").getAsLong(), "marks only grow");
            }
            assertEquals(0, ok(api.call(1, "GET", "/api/conversations/" + enc(id), "erin", null)).get("unread").getAsLong());
        } finally {
            List.of(carol, erin, erinOtherTab).forEach(WsClient::close);
        }
    }

    @Test
    void typingReachesTheOtherMembersOnlyAndIsThrottled() {
        String id = api.group("carol", "Typing", "dave");
        WsClient carol = cluster.connect(0, "carol");
        WsClient carolOtherTab = cluster.connect(1, "carol");
        WsClient dave = cluster.connect(1, "dave");
        try {
            for (int i = 0; i < 5; i++) {
                carol.sendJson(Map.of("type", "typing", "conversation", id));
            }
            JsonObject typing = dave.next("typing", WAIT);
            assertEquals(id, typing.get("conversation").getAsString());
            assertEquals("carol", typing.get("user").getAsString());
            assertTrue(dave.collect(QUIET, f -> f.get("type").getAsString().equals("typing")).isEmpty(), "extra typing frames are dropped");
            assertTrue(carolOtherTab.collect(Duration.ofMillis(300), f -> f.get("type").getAsString().equals("typing")).isEmpty(),
                    "not to the typist's own devices");
            assertTrue(carol.collect(Duration.ofMillis(300), f -> f.get("type").getAsString().equals("error")).isEmpty(),
                    "surplus typing is dropped silently");
        } finally {
            List.of(carol, carolOtherTab, dave).forEach(WsClient::close);
        }
    }

    @Test
    void aV1ClientStillWritesToANameAndGetsTheDirectConversation() {
        WsClient alice = cluster.connect(0, "alice");
        WsClient erin = cluster.connect(1, "erin");
        try {
            alice.chat("erin", "v1 hello", "v1-1");
            JsonObject ack = alice.next("ack", WAIT);
            assertEquals("alice|erin", ack.get("conversation").getAsString());
            JsonObject got = erin.next("chat msg", WAIT);
            assertEquals("erin", got.get("receiver").getAsString(), "v1 fields are all there");
            assertEquals("alice", got.get("sender").getAsString());
            assertEquals("alice|erin", got.get("conversation").getAsString());
            assertEquals(ack.get("seq"), got.get("seq"));

            erin.say("alice|erin", "v2 reply", "v2-1");
            assertEquals(ack.get("seq").getAsLong() + 1, erin.next("ack", WAIT).get("seq").getAsLong());
            JsonObject reply = alice.next("chat msg", WAIT);
            assertEquals("alice", reply.get("receiver").getAsString(), "a v2 message in a direct conversation still names its receiver");

            boolean listed = ok(api.call(1, "GET", "/api/conversations", "erin", null)).getAsJsonArray("conversations").asList().stream()
                    .anyMatch(c -> c.getAsJsonObject().get("id").getAsString().equals("alice|erin"));
            assertTrue(listed, "the v1 message made the conversation, and it is in the list");
            JsonObject v1 = ok(cluster.get(0, "/api/messages?with=erin", cluster.token("alice")));
            assertEquals(2, v1.getAsJsonArray("msgs").size(), "the v1 history API still serves it");
        } finally {
            alice.close();
            erin.close();
        }
    }

    @Test
    void twoPeopleWritingFirstAtTheSameMomentOnTwoInstancesAreBothStored() throws Exception {
        // Both first messages create the direct conversation and its members' entries: two upserts racing.
        for (int pair = 0; pair < 15; pair++) {
            String a = "race" + pair + "a";
            String b = "race" + pair + "b";
            cluster.createUsers(a, b);
            WsClient left = cluster.connect(0, a);
            WsClient right = cluster.connect(1, b);
            try {
                CountDownLatch go = new CountDownLatch(1);
                Thread t = Thread.ofVirtual().start(() -> {
                    awaitQuietly(go);
                    right.chat(a, "hi " + a, b + "-first");
                });
                go.countDown();
                left.chat(b, "hi " + b, a + "-first");
                t.join();
                JsonObject leftAck = left.next(f -> !f.get("type").getAsString().equals("chat msg"), WAIT);
                JsonObject rightAck = right.next(f -> !f.get("type").getAsString().equals("chat msg"), WAIT);
                assertEquals("ack", leftAck.get("type").getAsString(), leftAck.toString());
                assertEquals("ack", rightAck.get("type").getAsString(), rightAck.toString());
                assertEquals(Set.of(1L, 2L), Set.of(leftAck.get("seq").getAsLong(), rightAck.get("seq").getAsLong()));
            } finally {
                left.close();
                right.close();
            }
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static java.util.function.Predicate<JsonObject> chatIn(String conversation) {
        return f -> f.get("type").getAsString().equals("chat msg") && f.has("conversation")
                && conversation.equals(f.get("conversation").getAsString());
    }
}
