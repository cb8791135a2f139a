package chitchat.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chitchat.chat.testing.ChatCluster;
import chitchat.testbed.SlowLink;
import chitchat.testbed.TestMongo;
import chitchat.testbed.WsClient;
import com.google.gson.JsonObject;
import com.mongodb.ConnectionString;
import com.mongodb.client.model.Filters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A slow store makes answers late, never closes an honest client: the server keeps reading a connection's frames
 * while its messages are being stored, acks them in the order they were sent, and when it is truly saturated
 * refuses what it cannot queue with {@code overloaded}, naming the message and when to send it again.
 *
 * <p>The store is slowed by a {@link SlowLink} between the chat-server and the store: the same driver, the same
 * wire protocol, only later.
 */
@Timeout(120)
class BackpressureTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private ChatCluster cluster;
    private SlowLink link;

    private void start(Map<String, String> env) {
        ConnectionString store = new ConnectionString(TestMongo.uri());
        String[] hostPort = store.getHosts().get(0).split(":");
        link = SlowLink.to(hostPort[0], hostPort.length > 1 ? Integer.parseInt(hostPort[1]) : 27017);
        Map<String, String> all = new HashMap<>(env);
        all.put("MONGO_URI", "mongodb://127.0.0.1:" + link.port() + "/?directConnection=true");
        cluster = new ChatCluster(1, all);
        cluster.createUsers("alice", "bob");
        System.out.println("[backpressure] store " + TestMongo.kind() + " behind a slow link on port " + link.port());
    }

    @AfterEach
    void stop() {
        if (link != null) {
            link.release();
        }
        if (cluster != null) {
            cluster.close();
        }
        if (link != null) {
            link.close();
        }
    }

    @Test
    void aClientWithinItsRateLimitIsNeverClosedWhileTheStoreIsSlow() {
        start(Map.of());
        WsClient alice = cluster.connect(0, "alice");
        WsClient bob = cluster.connect(0, "bob");
        alice.chat("bob", "hello", "bp-0");
        String conversation = alice.next("ack", WAIT).get("conversation").getAsString();

        // Every request to the store now takes 200 ms more: a message's batch about a second, a mark's check as
        // long. For 12 s alice sends 13 messages and 13 read marks a second (within her limit of 30), bob 5
        // delivered marks: were marks checked on the connection's thread, alice's inbox would fill in seconds.
        link.delay(Duration.ofMillis(200));
        List<String> sent = new ArrayList<>(); // after bp-0, whose ack was taken above
        long start = System.nanoTime();
        long tickNanos = 1_000_000_000L / 26;
        for (int tick = 0; tick < 12 * 26; tick++) {
            long due = start + tick * tickNanos;
            ChatCluster.sleep(Math.max(0, (due - System.nanoTime()) / 1_000_000));
            if (tick % 2 == 0) {
                String id = "bp-" + (sent.size() + 1);
                alice.say(conversation, "message " + id, id);
                sent.add(id);
            } else {
                alice.sendJson(Map.of("type", "read", "conversation", conversation, "seq", sent.size()));
            }
            if (tick % 5 == 0) {
                bob.sendJson(Map.of("type", "delivered", "conversation", conversation, "seq", sent.size()));
            }
        }
        assertTrue(alice.isOpen(), "alice was closed (code " + alice.getConnection().getReadyState() + ")");
        assertTrue(bob.isOpen(), "bob was closed");

        List<String> acked = new ArrayList<>();
        List<JsonObject> errors = new ArrayList<>();
        collectUntil(alice, () -> acked.size() + errors.size() >= sent.size(), frame -> {
            switch (frame.get("type").getAsString()) {
                case "ack" -> acked.add(frame.get("clientMsgId").getAsString());
                case "error" -> errors.add(frame);
                default -> { }
            }
        });
        assertEquals(List.of(), errors, "no error for any frame of a client within its limit");
        assertEquals(sent, acked, "every message acked, in the order it was sent");

        Set<String> received = new HashSet<>();
        received.add("bp-0");
        collectUntil(bob, () -> received.size() >= sent.size() + 1, frame -> {
            if (frame.get("type").getAsString().equals("chat msg")) {
                received.add(frame.get("clientMsgId").getAsString());
            }
        });
        sent.add("bp-0");
        assertEquals(new HashSet<>(sent), received, "bob got every message");

        // The marks were written too, slow store or not: bob's delivered mark reaches the end of what he was sent.
        link.delay(Duration.ZERO);
        bob.sendJson(Map.of("type", "delivered", "conversation", conversation, "seq", sent.size()));
        JsonObject receipt = alice.next(f -> f.get("type").getAsString().equals("receipt")
                && f.get("user").getAsString().equals("bob") && f.get("deliveredSeq").getAsLong() == sent.size(), WAIT);
        assertEquals(sent.size(), receipt.get("deliveredSeq").getAsLong());
        assertTrue(alice.isOpen() && bob.isOpen());
    }

    @Test
    void aSaturatedServerRefusesWhatItCannotQueueNamingTheMessageAndWhenToRetry() {
        start(Map.of("MESSAGE_QUEUE_LIMIT", "16", "MESSAGE_QUEUE_MAX_WAIT_MS", "60000")); // the size bound alone
        WsClient alice = cluster.connect(0, "alice");
        WsClient bob = cluster.connect(0, "bob");
        alice.chat("bob", "hello", "sat-0");
        String conversation = alice.next("ack", WAIT).get("conversation").getAsString();
        bob.next("chat msg", WAIT);

        // The store stops answering: the batch being written waits, 16 messages queue behind it, the rest is refused.
        // The first of the burst goes alone, so that the batch the writer is stuck on holds exactly one.
        link.hold();
        List<String> burst = new ArrayList<>();
        for (int i = 1; i <= 50; i++) {
            burst.add("sat-" + i);
            alice.say(conversation, "burst " + i, "sat-" + i);
            if (i == 1) {
                ChatCluster.sleep(500);
            }
        }
        Map<String, Long> refused = new LinkedHashMap<>();
        List<JsonObject> otherErrors = new ArrayList<>();
        List<String> acked = new ArrayList<>();
        java.util.function.Consumer<JsonObject> answers = frame -> {
            switch (frame.get("type").getAsString()) {
                case "ack" -> acked.add(frame.get("clientMsgId").getAsString());
                case "error" -> {
                    if (frame.get("error").getAsString().equals("overloaded") && frame.has("clientMsgId")) {
                        refused.put(frame.get("clientMsgId").getAsString(), frame.get("retryAfterMs").getAsLong());
                    } else {
                        otherErrors.add(frame);
                    }
                }
                default -> { }
            }
        };
        collectUntil(alice, () -> refused.size() >= 50 - 1 - 16, answers);
        assertTrue(acked.isEmpty(), "nothing acked while the store does not answer: " + acked);
        refused.forEach((id, retryAfter) -> assertTrue(retryAfter >= 500 && retryAfter <= 10_000, id + " retryAfterMs " + retryAfter));
        ChatCluster.sleep(1000); // and nothing else refused meanwhile: what was queued stays queued
        alice.collect(Duration.ofMillis(200), f -> true).forEach(answers);
        assertEquals(50 - 1 - 16, refused.size(), "one being written, 16 queued, the rest refused: " + refused.keySet());
        assertEquals(List.of(), otherErrors);
        assertTrue(alice.isOpen(), "a saturated server refuses messages, it does not close the client");

        link.release();
        collectUntil(alice, () -> acked.size() + refused.size() >= burst.size(), answers);
        List<String> queued = burst.stream().filter(id -> !refused.containsKey(id)).toList();
        assertEquals(queued, acked, "what was queued is acked once the store answers, in the order it was sent");

        // The client sends the refused ones again, with the same clientMsgIds: each is stored once.
        // Like the browser client: after the hint, and within the rate limit.
        ChatCluster.sleep(refused.values().stream().mapToLong(Long::longValue).max().orElse(0));
        for (String id : refused.keySet()) {
            alice.say(conversation, "burst again " + id, id);
            ChatCluster.sleep(50);
        }
        collectUntil(alice, () -> acked.size() >= burst.size(), answers);
        assertEquals(new HashSet<>(burst), new HashSet<>(acked));
        assertEquals(List.of(), otherErrors);

        Set<String> received = new HashSet<>();
        List<String> receivedInOrder = new ArrayList<>();
        collectUntil(bob, () -> received.size() >= burst.size(), frame -> {
            if (frame.get("type").getAsString().equals("chat msg")) {
                received.add(frame.get("clientMsgId").getAsString());
                receivedInOrder.add(frame.get("clientMsgId").getAsString());
            }
        });
        assertEquals(new HashSet<>(burst), received);
        assertEquals(received.size(), receivedInOrder.size(), "nothing delivered twice");
        assertEquals(51, cluster.store().database().getCollection("messages").countDocuments(Filters.eq("conv", conversation)),
                "each message stored once, refused or not");
    }

    @Test
    void aQueueThatWouldTakeTooLongToWriteIsRefusedBeforeItIsFull() {
        start(Map.of("MESSAGE_QUEUE_MAX_WAIT_MS", "200"));
        WsClient alice = cluster.connect(0, "alice");
        alice.chat("bob", "hello", "slow-0");
        String conversation = alice.next("ack", WAIT).get("conversation").getAsString();

        // Each request to the store now takes 400 ms: a batch over a second. Once the writer has measured that (its
        // average batch time goes well past 200 ms), a message that would wait for a batch being written is refused.
        link.delay(Duration.ofMillis(400));
        alice.say(conversation, "measure", "slow-1");
        alice.next(f -> f.get("type").getAsString().equals("ack"), WAIT);
        List<String> burst = new ArrayList<>();
        for (int i = 2; i <= 21; i++) {
            burst.add("slow-" + i);
            alice.say(conversation, "burst " + i, "slow-" + i);
        }
        Map<String, Long> refused = new LinkedHashMap<>();
        List<String> acked = new ArrayList<>();
        List<JsonObject> otherErrors = new ArrayList<>();
        collectUntil(alice, () -> acked.size() + refused.size() + otherErrors.size() >= burst.size(), frame -> {
            switch (frame.get("type").getAsString()) {
                case "ack" -> acked.add(frame.get("clientMsgId").getAsString());
                case "error" -> {
                    if (frame.get("error").getAsString().equals("overloaded")) {
                        refused.put(frame.get("clientMsgId").getAsString(), frame.get("retryAfterMs").getAsLong());
                    } else {
                        otherErrors.add(frame);
                    }
                }
                default -> { }
            }
        });
        assertEquals(List.of(), otherErrors);
        assertTrue(refused.size() >= 10, "most of the burst refused long before 8,192 are queued: " + refused.keySet());
        assertTrue(!acked.isEmpty(), "what was queued was written: " + acked);
        refused.values().forEach(after -> assertTrue(after >= 500 && after <= 10_000, "retryAfterMs " + after));
        assertTrue(alice.isOpen());
    }

    private static void collectUntil(WsClient client, java.util.function.BooleanSupplier done, java.util.function.Consumer<JsonObject> each) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<JsonObject> seen = new ArrayList<>();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not done within " + WAIT + "; open " + client.isOpen() + "; the last frames: "
                        + seen.subList(Math.max(0, seen.size() - 5), seen.size()));
            }
            client.collect(Duration.ofMillis(100), f -> true).forEach(frame -> {
                seen.add(frame);
                each.accept(frame);
            });
        }
    }
}
