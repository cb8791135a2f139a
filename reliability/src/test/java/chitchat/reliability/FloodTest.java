package chitchat.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chitchat.json.Json;
import chitchat.testbed.RawWebSocket;
import com.google.gson.JsonObject;
import com.mongodb.client.model.Filters;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A connection sends frames as fast as it can. With the default limits (30 a second, bursts of 60) it gets
 * {@code rate_limited} error frames, then is closed with 1008 (policy violation); what it sent within its limit
 * is stored and delivered like anyone's, the rest never is. Other users' delivery goes on, across instances too.
 */
@Timeout(120)
class FloodTest extends FaultTest {

    @Test
    void aFloodingConnectionIsRateLimitedThenClosedWith1008AndOthersKeepChatting() throws IOException {
        topology = new Topology("flood", 2, Map.of(), List.of());
        topology.createUsers("mallory", "bob", "carol", "dave");
        Device bob = connect("bob", 0);
        Device carol = connect("carol", 0);
        Device dave = connect("dave", 1);
        // The flood comes from a bare socket, so that afterwards it can read, in order, every frame the server sent it.
        RawWebSocket mallory = RawWebSocket.open(topology.instance(0).wsPort(), topology.token("mallory"), 0);

        // carol and dave chat (same instance as the flood, and across), before, during and after it.
        Traffic others = new Traffic(Map.of(carol, List.of("dave", "bob"), dave, List.of("carol")), Duration.ofMillis(100));
        int frames = 0;
        List<String> answers = new ArrayList<>();
        int closeCode;
        try {
            Waits.sleep(500);
            try {
                for (; frames < 100_000; frames++) {
                    mallory.sendText(Json.write(Map.of("type", "chat msg", "receiver", "bob", "message", "spam " + frames,
                            "clientMsgId", "flood-" + frames)));
                }
            } catch (IOException closedOnUs) {
                // the server closed the connection: the flood is over
            }
            closeCode = readUntilClose(mallory, answers);
            Waits.sleep(1500);
        } finally {
            others.stop();
            mallory.close();
        }

        // Told it was too fast, then closed as a policy violation.
        List<String> errors = answers.stream().filter(a -> !a.equals("ack")).toList();
        assertTrue(errors.contains("rate_limited"), "rate_limited error frames before the close: " + errors);
        assertEquals(List.of("rate_limited"), errors.stream().distinct().toList(), "no other errors");
        // Java-WebSocket closes the TCP connection as soon as its close frame is written; with the flood still unread
        // on the server's side, the kernel may answer with a reset that discards that frame. Then the server's log
        // says what it did.
        boolean floodClosedInLog = topology.instance(0).process().tail(10_000).contains("event=ws_flood_closed user=mallory");
        assertTrue(closeCode == 1008 || (closeCode == -1 && floodClosedInLog),
                "the flood is closed with 1008 after " + frames + " frames (close frame " + closeCode + "); it was told " + answers);

        // carol and dave were not disturbed: everything acked, everything shown, nobody else closed.
        Waits.await("the others' messages acked", Duration.ofSeconds(20),
                () -> carol.unacked().isEmpty() && dave.unacked().isEmpty(), devices::toString);
        List<Device> others2 = List.of(bob, carol, dave);
        assertEquals(List.of(), bob.otherErrors());
        others2.forEach(d -> assertEquals(List.of(), d.closeCodes(), d.user() + " was closed"));
        StoredMessages stored = new StoredMessages(topology, others2);
        Map<Device.Sent, Device.Ack> acked = Device.acked(others2);
        stored.assertAckedAreStoredOnce(acked);
        assertTrue(acked.size() >= 30, "the others kept sending during the flood: " + acked.size());
        for (Device d : others2) {
            assertEquals(List.of(), Device.missing(d, acked), d.user() + " missed messages");
            assertEquals(List.of(), d.problems(), d.user());
        }
        // What the flood got stored stayed within its burst and rate, was acked to it, and bob got it, nothing more.
        List<String> floodIds = new ArrayList<>();
        topology.messages().find(Filters.eq("sender", "mallory")).forEach(doc -> floodIds.add(doc.getObjectId("_id").toHexString()));
        long acks = answers.stream().filter("ack"::equals).count();
        assertTrue(floodIds.size() <= 60 + 30 * 5, "the flood stored " + floodIds.size() + " of " + frames + " frames");
        // It may have been acked fewer: what it got in within its limit is still stored after the close, unacked.
        assertTrue(acks <= floodIds.size(), acks + " acks for " + floodIds.size() + " stored");
        Waits.until(Duration.ofSeconds(5), () -> bob.shownLive().containsAll(floodIds));
        assertTrue(bob.shownLive().containsAll(floodIds), "bob got what of the flood was stored");
        System.out.printf("[reliability] flood: close frame %d after %d frames, %d rate_limited errors, %d stored, %d acked; "
                + "others: %d messages, all delivered%n", closeCode, frames, errors.size(), floodIds.size(), acks, acked.size());
    }

    /**
     * Reads what the server sent, in order, until its close frame: the {@code error} code of each error frame, and
     * "ack" for each ack. Returns the close code, or -1 when the connection ended without a close frame.
     */
    private static int readUntilClose(RawWebSocket ws, List<String> answers) {
        try {
            while (true) {
                RawWebSocket.Frame frame = ws.readFrame();
                if (frame.opcode() == RawWebSocket.CLOSE) {
                    return frame.closeCode();
                }
                if (frame.opcode() == RawWebSocket.TEXT) {
                    JsonObject json = Json.parseObject(frame.text());
                    answers.add("error".equals(json.get("type").getAsString()) ? json.get("error").getAsString() : json.get("type").getAsString());
                }
            }
        } catch (IOException e) {
            return -1;
        }
    }
}
