package chitchat.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chitchat.testbed.RawWebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SIGTERM, as a deploy sends it: the instance stops taking new work, stores and acks what it already took,
 * closes every connection with 1001 (going away) so the apps reconnect elsewhere at once, and exits within 10 s.
 */
@Timeout(120)
class GracefulShutdownTest extends FaultTest {

    /** Senders keep frames in flight at the moment of the signal; counted per message: stored if and only if acked. */
    @Test
    void sigtermStoresAndAcksWhatIsInFlightClosesConnectionsAndExitsWithin10Seconds() throws Exception {
        // Senders may go fast here: the point is a full pipeline at the moment of the signal.
        topology = new Topology("graceful-shutdown", 1, Map.of("WS_RATE_PER_SECOND", "5000", "WS_RATE_BURST", "5000"), List.of());
        topology.createUsers("sender1", "sender2", "sender3", "sender4", "reader1", "reader2", "idle1", "idle2");
        ChatProcess chat = topology.instance(0);
        List<Device> senders = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            senders.add(connect("sender" + i, 0));
        }
        List<Device> readers = List.of(connect("reader1", 0), connect("reader2", 0));
        List<RawWebSocket> idle = List.of(RawWebSocket.open(chat.wsPort(), topology.token("idle1"), 0),
                RawWebSocket.open(chat.wsPort(), topology.token("idle2"), 0));
        List<CompletableFuture<Integer>> idleCloseCodes = idle.stream()
                .map(ws -> CompletableFuture.supplyAsync(ws::awaitCloseFrame, r -> Thread.ofVirtual().start(r))).toList();

        // Each sender keeps up to 64 messages unacked (well inside the server's inbox of 128), as fast as it can.
        AtomicBoolean sending = new AtomicBoolean(true);
        List<Thread> threads = new ArrayList<>();
        for (Device s : senders) {
            threads.add(Thread.ofVirtual().start(() -> {
                for (int n = 0; sending.get() && s.isOpen(); n++) {
                    while (s.unacked().size() >= 64 && sending.get() && s.isOpen()) {
                        Waits.sleep(1);
                    }
                    s.send(n % 2 == 0 ? "reader1" : "reader2", "in flight " + n);
                }
            }));
        }
        Waits.sleep(1500);
        Set<String> unackedAtSignal = new java.util.HashSet<>();
        senders.forEach(s -> unackedAtSignal.addAll(s.unacked().keySet()));
        long signalled = System.nanoTime();
        boolean exited = chat.terminate(Duration.ofSeconds(10));
        long exitMillis = (System.nanoTime() - signalled) / 1_000_000;
        sending.set(false);
        for (Thread t : threads) {
            t.join(5000);
        }
        assertTrue(exited, "the process must exit within 10 s of SIGTERM\n" + chat.process().tail(30));
        assertTrue(chat.process().tail(20).contains("event=chat_stopped"), "the shutdown ran to its end:\n" + chat.process().tail(20));

        // Every connection was closed by the server, with 1001 in its close frame.
        for (CompletableFuture<Integer> code : idleCloseCodes) {
            assertEquals(1001, code.get(10, TimeUnit.SECONDS), "the close frame an idle client reads");
        }
        devices.forEach(d -> d.awaitClosed(Duration.ofSeconds(5)));
        List<List<Integer>> codes = devices.stream().map(Device::closeCodes).toList();
        // A busy client may report 1006 instead: Java-WebSocket closes the TCP connection as soon as its close frame
        // is written, without waiting for the client's, and a client writing at that moment can hit the reset first.
        codes.forEach(c -> assertTrue(c.equals(List.of(1001)) || c.equals(List.of(1006)), "closed once, going away: " + devices));

        // Stored if and only if acked: what the server took was stored and acked, nothing stored went unanswered.
        StoredMessages stored = new StoredMessages(topology, senders);
        Map<Device.Sent, Device.Ack> acked = Device.acked(senders);
        stored.assertAckedAreStoredOnce(acked);
        List<String> storedButNotAcked = new ArrayList<>();
        for (Device s : senders) {
            s.sent().values().stream().filter(m -> !s.acks().containsKey(m.clientMsgId()) && stored.contains(m))
                    .forEach(m -> storedButNotAcked.add(m.clientMsgId()));
            // What came after the server stopped taking frames was refused, and said so, naming each message it
            // refused: none of those was stored or acked, so the client knows exactly what to send again.
            s.otherErrors().forEach(e -> assertEquals("shutting_down", e.get("error").getAsString(), s.user() + ": " + e));
            s.errors().forEach((clientMsgId, code) -> {
                assertEquals("shutting_down", code, s.user() + ": " + clientMsgId);
                assertFalse(s.acks().containsKey(clientMsgId), "refused and acked: " + clientMsgId);
                assertFalse(stored.contains(s.sent().get(clientMsgId)), "refused and stored: " + clientMsgId);
            });
            assertEquals(List.of(), s.problems(), s.user());
        }
        assertEquals(List.of(), storedButNotAcked, "stored during shutdown but never acked");
        assertEquals(acked.size(), stored.size(), "the store holds exactly the acked messages");
        long inFlightFinished = unackedAtSignal.stream().filter(id -> acked.keySet().stream().anyMatch(m -> m.clientMsgId().equals(id))).count();
        assertTrue(inFlightFinished > 0, "messages in flight at the signal were stored and acked after it");
        readers.forEach(r -> assertEquals(List.of(), r.problems(), r.user()));
        for (RawWebSocket ws : idle) {
            ws.close();
        }
        System.out.printf("[reliability] sigterm: exited after %d ms; %d acked and stored, of which %d of the %d in flight "
                + "at the signal; close codes %s%n", exitMillis, acked.size(), inFlightFinished, unackedAtSignal.size(), codes);
    }
}
