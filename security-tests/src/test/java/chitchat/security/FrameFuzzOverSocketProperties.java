package chitchat.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chitchat.chat.messages.Message;
import chitchat.chat.protocol.Inbound;
import chitchat.chat.testing.ChatCluster;
import chitchat.chat.ws.Limits;
import chitchat.testbed.WsClient;
import com.google.gson.JsonObject;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.bson.Document;
import org.bson.types.ObjectId;

/**
 * The whole frame path over a real socket, against a running chat-server (one instance, real Redis, the store):
 * alice's connection sends random and mutated frames, and
 * <ul>
 *   <li>gets exactly one answer per frame, an {@code ack} or an {@code error}, never the {@code internal} error that
 *       means an exception escaped the handler, and stays open unless it sent a frame over 16 KiB (closed 1009);</li>
 *   <li>every message stored is valid: sender alice (the token's user, whatever the frame says), an existing
 *       receiver other than alice, 1-4096 characters, a clientMsgId of 1-100, and the contract's fields only;
 *       nothing is stored without an ack;</li>
 *   <li>every message delivered (to bob, carol and alice's other tab) is such a stored message, and eve, whom no
 *       frame can address, receives nothing;</li>
 *   <li>no other connection is ever closed.</li>
 * </ul>
 * The rate limit is raised for this cluster so the fuzzer never floods: flooding is the Faults tests' subject.
 */
class FrameFuzzOverSocketProperties {

    /** Longer than any answer takes, even on a loaded machine; the store itself gives up after 20 s. */
    private static final Duration WAIT = Duration.ofSeconds(25);
    /** Users who exist; eve connects (her token is valid) but does not exist, so no message can reach her. */
    private static final Set<String> EXISTING = Set.of("alice", "bob", "carol");
    private static final Set<String> DOCUMENT_FIELDS = Set.of("_id", "conv", "seq", "sender", "receiver", "message", "ts", "clientMsgId");

    private static ChatCluster cluster;
    private static WsClient fuzzer;
    private static WsClient aliceTab;
    private static WsClient bob;
    private static WsClient carol;
    private static WsClient eve;
    private static ObjectId lastSeen = new ObjectId(new Date(0), 0);
    private static int round;

    /** One frame the fuzzer sends: text, or (for {@code binary != null}) a binary frame. */
    record Sent(String text, byte[] binary) {
        int bytes() {
            return binary != null ? binary.length : text.getBytes(StandardCharsets.UTF_8).length;
        }

        @Override
        public String toString() {
            return binary != null ? "binary[" + binary.length + "]" : "text(" + bytes() + " bytes) " + Leaks.abbreviate(text);
        }
    }

    @BeforeContainer
    static void start() {
        cluster = new ChatCluster(1, Map.of("WS_RATE_PER_SECOND", "100000", "WS_RATE_BURST", "100000"));
        cluster.createUsers("alice", "bob", "carol");
        // Connect once the broker link is up: messages published before the first link are not delivered live.
        cluster.awaitHealthy(Duration.ofSeconds(15));
        fuzzer = cluster.connect(0, "alice");
        aliceTab = cluster.connect(0, "alice");
        bob = cluster.connect(0, "bob");
        carol = cluster.connect(0, "carol");
        eve = cluster.connect(0, "eve");
    }

    @AfterContainer
    static void stop() {
        for (WsClient client : new WsClient[] {fuzzer, aliceTab, bob, carol, eve}) {
            if (client != null) {
                client.close();
            }
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Property(tries = 200)
    void fuzzedFramesHurtNoOneAndStoreNothingInvalid(@ForAll("sessions") List<Sent> frames) {
        round++;
        if (fuzzer == null || !fuzzer.isOpen()) {
            fuzzer = cluster.connect(0, "alice");
        }
        // Frames up to the first one over 16 KiB are answered; that one closes the connection. A probe between
        // them makes sure everything before the big frame was processed before the connection goes.
        int expectedAnswers = 0;
        Sent oversized = null;
        for (Sent frame : frames) {
            if (frame.binary() == null && frame.bytes() > Limits.MAX_FRAME_BYTES) {
                oversized = frame;
                break;
            }
            if (frame.binary() != null) {
                fuzzer.send(ByteBuffer.wrap(frame.binary()));
            } else {
                fuzzer.send(frame.text());
            }
            expectedAnswers++;
        }
        Set<String> acked = new HashSet<>();
        List<JsonObject> answers = answersUntilProbe(fuzzer, acked);
        assertEquals(expectedAnswers, answers.size(), "one answer per frame: " + answers);
        for (JsonObject answer : answers) {
            String type = answer.get("type").getAsString();
            if (type.equals("ack")) {
                acked.add(answer.get("id").getAsString());
            } else {
                assertEquals("error", type, "an answer is an ack or an error: " + answer);
                String code = answer.get("error").getAsString();
                assertFalse(Set.of("internal", "store_unavailable").contains(code), "the handler failed: " + answer);
                Leaks.assertNoInternals("error frame", answer.toString());
            }
        }
        assertTrue(fuzzer.isOpen(), "the fuzzed connection stays open while it sends no frame over 16 KiB");
        if (oversized != null) {
            fuzzer.send(oversized.text());
            assertEquals(1009, fuzzer.awaitClosed(WAIT), "a frame over 16 KiB closes the connection with 1009");
            fuzzer = cluster.connect(0, "alice");
        }

        for (Document doc : newlyStored()) {
            assertValidStoredMessage(doc);
            assertTrue(acked.contains(doc.getObjectId("_id").toHexString()), "stored without an ack: " + doc);
        }
        for (String id : acked) {
            Document doc = messages().find(Filters.eq("_id", new ObjectId(id))).first();
            assertNotNull(doc, "acked but not stored: " + id);
            assertValidStoredMessage(doc);
        }

        // Sentinels mark the end of this round's deliveries; everything before them is checked.
        String toBob = "sentinel-" + round + "-bob-" + UUID.randomUUID();
        String toCarol = "sentinel-" + round + "-carol-" + UUID.randomUUID();
        fuzzer.chat("bob", "sentinel " + round, toBob);
        fuzzer.chat("carol", "sentinel " + round, toCarol);
        Set<String> sentinelAcks = new HashSet<>();
        while (sentinelAcks.size() < 2) {
            JsonObject answer = nextOrDiagnose(fuzzer, "sentinel acks so far: " + sentinelAcks);
            if (isOwnMessageFromAnotherConnection(answer)) {
                continue;
            }
            assertEquals("ack", answer.get("type").getAsString(), "sentinel answer: " + answer);
            sentinelAcks.add(answer.get("id").getAsString());
        }
        for (Document doc : newlyStored()) {
            assertTrue(sentinelAcks.contains(doc.getObjectId("_id").toHexString()), "stored without an ack: " + doc);
        }
        assertDeliveriesValid(bob, "bob", Set.of(toBob));
        assertDeliveriesValid(carol, "carol", Set.of(toCarol));
        assertDeliveriesValid(aliceTab, null, Set.of(toBob, toCarol));
        assertTrue(eve.collect(Duration.ZERO, frame -> true).isEmpty(), "eve, whom no frame can address, received something");

        for (WsClient other : List.of(aliceTab, bob, carol, eve)) {
            assertTrue(other.isOpen(), "another connection was closed");
        }
    }

    /**
     * Every answer up to the ack of a probe message, and the probe's own id, last. Frames are taken in order, and a
     * connection's acks come in the order its messages were sent, after the errors of the frames before them; so
     * once the probe is acked, every earlier frame has had its answer (an error can overtake an earlier ack, an ack
     * never overtakes an earlier message's).
     */
    private static List<JsonObject> answersUntilProbe(WsClient client, Set<String> acked) {
        String probe = "probe-" + UUID.randomUUID();
        client.chat("bob", "probe", probe);
        List<JsonObject> answers = new ArrayList<>();
        while (true) {
            JsonObject frame = nextOrDiagnose(client, "answers so far: " + answers);
            if (isOwnMessageFromAnotherConnection(frame)) {
                continue;
            }
            if (frame.has("clientMsgId") && probe.equals(frame.get("clientMsgId").getAsString())) {
                assertEquals("ack", frame.get("type").getAsString(), "the probe is a valid message: " + frame);
                acked.add(frame.get("id").getAsString());
                return answers;
            }
            answers.add(frame);
        }
    }

    /**
     * A message alice sent, delivered to this connection as to any other device of hers: after a frame over 16 KiB
     * closed the fuzzer's connection, the one opened in its place may still receive what the old one sent (its
     * publish was on its way). That is the protocol working, not an answer to a frame of this round.
     */
    private static boolean isOwnMessageFromAnotherConnection(JsonObject frame) {
        return "chat msg".equals(frame.get("type").getAsString()) && frame.has("sender")
                && "alice".equals(frame.get("sender").getAsString());
    }

    private static void assertDeliveriesValid(WsClient client, String receiver, Set<String> sentinels) {
        Set<String> waiting = new HashSet<>(sentinels);
        List<JsonObject> seen = new ArrayList<>();
        while (!waiting.isEmpty()) {
            JsonObject frame = nextOrDiagnose(client, "not delivered to " + (receiver == null ? "alice's other tab" : receiver)
                    + ": " + waiting + " (stored: " + messages().countDocuments(Filters.in("clientMsgId", waiting))
                    + ", received meanwhile: " + seen + ")");
            seen.add(frame);
            String type = frame.get("type").getAsString();
            if (type.equals("resync")) {
                continue;
            }
            assertEquals("chat msg", type, "delivered: " + frame);
            assertEquals("alice", frame.get("sender").getAsString(), "the sender is the token's user: " + frame);
            if (receiver != null) {
                assertEquals(receiver, frame.get("receiver").getAsString(), "delivered to the wrong user: " + frame);
            }
            Document doc = messages().find(Filters.eq("_id", new ObjectId(frame.get("id").getAsString()))).first();
            assertNotNull(doc, "delivered but not stored: " + frame);
            assertValidStoredMessage(doc);
            assertEquals(doc.getString("message"), frame.get("message").getAsString());
            assertEquals(doc.getString("receiver"), frame.get("receiver").getAsString());
            assertEquals(doc.getString("clientMsgId"), frame.get("clientMsgId").getAsString());
            waiting.remove(frame.get("clientMsgId").getAsString());
        }
    }

    /**
     * The next frame; when none comes, a failure that says what was going on, with every thread of this JVM (virtual
     * ones included, so each connection's) dumped to {@code target/} for whoever investigates.
     */
    private static JsonObject nextOrDiagnose(WsClient client, String context) {
        try {
            return client.next(WAIT);
        } catch (AssertionError timeout) {
            String dump = "target/fuzz-thread-dump-" + System.currentTimeMillis() + ".txt";
            try {
                ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                        .dumpThreads(Path.of(dump).toAbsolutePath().toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.TEXT_PLAIN);
            } catch (IOException | RuntimeException e) {
                dump = "none (" + e + ")";
            }
            throw new AssertionError("no frame within " + WAIT + "; " + context + "; connection open: " + client.isOpen()
                    + "; health: " + cluster.get(0, "/healthz", null).body() + "; thread dump: " + dump, timeout);
        }
    }

    private static void assertValidStoredMessage(Document doc) {
        assertEquals(DOCUMENT_FIELDS, doc.keySet(), "stored fields: " + doc);
        assertEquals("alice", doc.getString("sender"), "stored under another sender: " + doc);
        String receiver = doc.getString("receiver");
        assertTrue(EXISTING.contains(receiver) && !receiver.equals("alice"), "stored for receiver " + receiver);
        assertEquals(Message.directId("alice", receiver), doc.getString("conv"));
        String text = doc.getString("message");
        int chars = text.codePointCount(0, text.length());
        assertTrue(chars >= 1 && chars <= Inbound.MAX_TEXT_CHARS && !text.isBlank(), "stored a message of " + chars + " characters");
        String clientMsgId = doc.getString("clientMsgId");
        assertTrue(clientMsgId != null && !clientMsgId.isEmpty() && clientMsgId.length() <= Inbound.MAX_CLIENT_MSG_ID_CHARS,
                "stored clientMsgId " + clientMsgId);
        assertNotNull(doc.getDate("ts"));
    }

    /** Documents stored since the last call (ids from one instance only grow). */
    private static List<Document> newlyStored() {
        List<Document> docs = messages().find(Filters.gt("_id", lastSeen)).sort(Sorts.ascending("_id")).into(new ArrayList<>());
        if (!docs.isEmpty()) {
            lastSeen = docs.get(docs.size() - 1).getObjectId("_id");
        }
        return docs;
    }

    private static MongoCollection<Document> messages() {
        return cluster.store().database().getCollection("messages");
    }

    @Provide
    Arbitrary<List<Sent>> sessions() {
        // Without surrogate escapes: an unpaired one is stored and delivered as different text, a known bug
        // (UnicodeIntegrityTest.unpairedSurrogatesAreRefused) that would otherwise fail this property at random.
        Arbitrary<Sent> text = Fuzz.frames(List.of("bob", "carol", "alice")).filter(t -> !Fuzz.escapesSurrogate(t)).map(t -> new Sent(t, null));
        Arbitrary<Sent> binary = Arbitraries.bytes().array(byte[].class).ofMaxSize(64).map(b -> new Sent(null, b));
        Arbitrary<Sent> nearTheLimit = Arbitraries.of(
                        Limits.MAX_FRAME_BYTES - 1, Limits.MAX_FRAME_BYTES, Limits.MAX_FRAME_BYTES + 1, 20_000, 64 * 1024)
                .map(FrameFuzzOverSocketProperties::frameOfBytes);
        return Arbitraries.frequencyOf(Tuple.of(60, text), Tuple.of(2, binary), Tuple.of(1, nearTheLimit))
                .list().ofMinSize(1).ofMaxSize(8);
    }

    /** A chat frame of exactly {@code bytes} bytes of UTF-8 (its text is far over 4096 characters). */
    private static Sent frameOfBytes(int bytes) {
        String head = "{\"type\":\"chat msg\",\"receiver\":\"bob\",\"clientMsgId\":\"big-" + bytes + "\",\"message\":\"";
        String tail = "\"}";
        return new Sent(head + "y".repeat(bytes - head.length() - tail.length()) + tail, null);
    }
}
