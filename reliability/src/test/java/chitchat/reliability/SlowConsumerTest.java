package chitchat.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chitchat.testbed.RawWebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A client that stops reading while 20,000 messages are sent to it. The server buffers a bounded number of
 * frames for it ({@code WS_MAX_OUTBOUND_FRAMES}), then disconnects it (it will catch up from history when it
 * comes back) instead of letting its queue grow the heap; everyone else is unaffected.
 *
 * <p>Loopback's kernel buffers can swallow megabytes before anything queues in the server, so the slow client
 * is a bare socket with a 4 KiB receive buffer, and the messages are near the 4096-character limit.
 */
@Timeout(240)
class SlowConsumerTest extends FaultTest {

    private static final int MESSAGES = 20_000;
    private static final int SENDERS = 8;
    private static final int MAX_OUTBOUND_FRAMES = 256;
    private static final String HEAP_LIMIT = "-Xmx192m";

    @Test
    void aClientThatStopsReadingIsDisconnectedOnceItsBufferIsFullHeapStaysBoundedOthersKeepReceiving() throws Exception {
        topology = new Topology("slow-consumer", 1, Map.of(
                "WS_MAX_OUTBOUND_FRAMES", String.valueOf(MAX_OUTBOUND_FRAMES),
                "WS_RATE_PER_SECOND", "100000", "WS_RATE_BURST", "100000"), List.of(HEAP_LIMIT));
        List<String> names = new ArrayList<>(List.of("slow", "carol", "dave"));
        for (int i = 1; i <= SENDERS; i++) {
            names.add("sender" + i);
        }
        topology.createUsers(names.toArray(String[]::new));
        ChatProcess chat = topology.instance(0);

        // The slow consumer: registered (it answered the probe), then it never reads again.
        RawWebSocket slow = RawWebSocket.open(chat.wsPort(), topology.token("slow"), 4096);
        slow.sendText("{\"type\":\"ready?\"}");
        assertTrue(slow.readText().contains("unknown_type"));
        Device carol = connect("carol", 0);
        Device dave = connect("dave", 0);
        List<Device> senders = new ArrayList<>();
        for (int i = 1; i <= SENDERS; i++) {
            senders.add(connect("sender" + i, 0));
        }
        double heapBefore = chat.metric("jvm_memory_used_bytes", "area=\"heap\"");

        // Watch the server while it works: its heap, and when it gives up on the slow consumer.
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong maxHeap = new AtomicLong();
        AtomicInteger sent = new AtomicInteger();
        AtomicInteger sentWhenDisconnected = new AtomicInteger(-1);
        Thread watcher = Thread.ofVirtual().start(() -> {
            while (running.get()) {
                double heap = chat.metric("jvm_memory_used_bytes", "area=\"heap\"");
                if (!Double.isNaN(heap)) {
                    maxHeap.accumulateAndGet((long) heap, Math::max);
                }
                if (sentWhenDisconnected.get() < 0 && chat.metric("chat_slow_consumer_disconnects_total") >= 1) {
                    sentWhenDisconnected.set(sent.get());
                }
                Waits.sleep(200);
            }
        });
        // Meanwhile dave keeps writing to carol, on the same instance.
        Traffic others = new Traffic(Map.of(dave, List.of("carol")), Duration.ofMillis(50));
        String body = "x".repeat(3990);
        List<Thread> threads = new ArrayList<>();
        try {
            for (Device s : senders) {
                threads.add(Thread.ofVirtual().start(() -> {
                    for (int n = 0; n < MESSAGES / SENDERS; n++) {
                        while (s.unacked().size() >= 64) {
                            Waits.sleep(1);
                        }
                        s.send("slow", String.format("%6d ", n) + body);
                        sent.incrementAndGet();
                    }
                }));
            }
            for (Thread t : threads) {
                t.join(Duration.ofSeconds(180));
            }
            Waits.await("all " + MESSAGES + " acked", Duration.ofSeconds(60),
                    () -> senders.stream().allMatch(d -> d.unacked().isEmpty()), senders::toString);
        } finally {
            others.stop();
            running.set(false);
            watcher.join(5000);
        }
        Waits.await("dave's messages acked", Duration.ofSeconds(20), () -> dave.unacked().isEmpty(), dave::toString);

        long heapBound = 110L << 20; // measured: about 65 MB bounded, over 150 MB unbounded (WS_MAX_OUTBOUND_FRAMES=1000000)
        System.out.printf("[reliability] slow consumer: disconnected after %d of %d sends; heap %.0f MB before, %d MB max "
                + "(bound %d MB, %s)%n", sentWhenDisconnected.get(), MESSAGES, heapBefore / (1 << 20), maxHeap.get() >> 20, heapBound >> 20, HEAP_LIMIT);

        // The slow consumer was disconnected, once, while the messages were still coming: the server closed its
        // socket (it reads what the kernel held for it, then the end).
        assertEquals(MESSAGES, sent.get());
        assertEquals(1.0, chat.metric("chat_slow_consumer_disconnects_total"), "exactly one connection was too slow");
        assertTrue(sentWhenDisconnected.get() >= 0 && sentWhenDisconnected.get() < MESSAGES,
                "disconnected while the messages were still being sent (after " + sentWhenDisconnected + ")");
        assertTrue(slow.endsWithin(Duration.ofSeconds(30)), "the server closed the slow consumer's connection");
        slow.close();

        // Everyone else is unaffected: still connected, all acked, carol got every one of dave's messages live.
        ChatProcess.Health health = chat.health();
        assertEquals(200, health.status(), health.body().toString());
        assertEquals(SENDERS + 2, health.figure("connections"), health.body().toString());
        for (Device d : devices) {
            assertEquals(List.of(), d.closeCodes(), d.user() + " was disconnected");
            assertEquals(Map.of(), d.errors(), d.user());
            assertEquals(List.of(), d.problems(), d.user());
        }
        Map<Device.Sent, Device.Ack> fromDave = Device.acked(List.of(dave));
        Waits.await("carol shows all of dave's messages", Duration.ofSeconds(10),
                () -> fromDave.values().stream().allMatch(a -> carol.shownLive().contains(a.id())), carol::toString);
        assertTrue(fromDave.size() > 20, "dave kept writing during the flood: " + fromDave.size());

        // The heap stayed bounded: a queue of 20,000 frames of 4 KB would pin over 80 MB.
        assertTrue(maxHeap.get() < heapBound, "heap grew to " + (maxHeap.get() >> 20) + " MB");
        assertTrue(!chat.process().tail(10_000).contains("OutOfMemoryError"), "the server ran out of memory");
    }
}
