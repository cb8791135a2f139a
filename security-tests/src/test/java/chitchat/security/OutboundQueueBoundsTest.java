package chitchat.security;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chitchat.testbed.RawWebSocket;
import chitchat.testbed.WsClient;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a client that never reads can make the server hold for it. Java-WebSocket's outgoing queue has no bound of
 * its own: every pong it owes and every message for a stalled reader waits there. The server bounds it in bytes
 * per connection, answers pings only for a client that reads, and cuts a connection whose queue stopped moving.
 *
 * <p>The server runs in this JVM, so its heap is this JVM's: the memory assertions compare the heap retained
 * (after a full GC) before and after the attack, while the attacking sockets are still open.
 */
@Timeout(120)
class OutboundQueueBoundsTest {

    /** About 12 KB of UTF-8: 4,000 characters of 3 bytes each, within the 4,096-character limit. */
    static final String BIG_TEXT = "€".repeat(4000);

    private static TestSite site;
    private static String victim;
    private static String sender;

    @BeforeAll
    static void start() {
        site = TestSite.start(Map.of("WS_RATE_PER_SECOND", "2000", "WS_RATE_BURST", "2000"));
        victim = site.signup("victim", "victim-password");
        sender = site.signup("sender", "sender-password");
    }

    @AfterAll
    static void stop() {
        site.close();
    }

    @Test
    void pingsGetAFewPongsNotOneEach() throws IOException {
        try (RawWebSocket ws = site.rawSocket(victim, 0)) {
            for (int i = 0; i < 1000; i++) {
                ws.send(RawWebSocket.PING, true, true, new byte[] {(byte) i});
            }
            int pongs = 0;
            RawWebSocket.Frame frame;
            while ((frame = ws.read(Duration.ofSeconds(2))) != null) {
                if (frame.opcode() == RawWebSocket.PONG) {
                    pongs++;
                }
            }
            assertTrue(pongs > 0 && pongs <= 20, "pongs for 1000 pings: " + pongs);
        }
    }

    @Test
    void aPingFloodFromAClientThatNeverReadsRetainsNoHeap() throws Exception {
        long before = retainedHeap();
        try (RawWebSocket ws = site.rawSocket(victim, 4096)) {
            byte[] payload = new byte[125]; // the largest ping: each used to queue a 127-byte pong
            for (int i = 0; i < 200_000; i++) {
                ws.send(RawWebSocket.PING, true, true, payload);
            }
            Thread.sleep(500); // let the server read the last of them
            long grown = retainedHeap() - before;
            assertTrue(grown < 15_000_000, "heap retained after 200,000 pings (25 MB) from a non-reading client: " + grown / 1_000_000 + " MB");
        }
    }

    @Test
    void readersThatStopAreCutByQueuedBytesAndTheHeapStaysBounded() throws Exception {
        long before = retainedHeap();
        List<RawWebSocket> stalled = new ArrayList<>();
        WsClient from = WsClient.connect(site.wsPort(), sender);
        try {
            for (int i = 0; i < 16; i++) {
                stalled.add(site.rawSocket(victim, 4096));
            }
            sendPaced(from, "victim", 400); // 400 x 12 KB = 4.8 MB for each of 16 connections: 77 MB if all were kept
            long grown = retainedHeap() - before;
            assertTrue(grown < 30_000_000, "heap retained for 16 stalled readers: " + grown / 1_000_000 + " MB");
            for (RawWebSocket ws : stalled) {
                assertNotEquals(-1, ws.awaitClosed(Duration.ofSeconds(20)), "a reader that stopped was never cut");
            }
        } finally {
            from.close();
            for (RawWebSocket ws : stalled) {
                ws.close();
            }
        }
    }

    /** Sends {@code count} big messages, waiting for the acks in batches so the sender itself is never a flooder. */
    static void sendPaced(WsClient from, String to, int count) {
        for (int i = 0; i < count; i += 20) {
            int batch = Math.min(20, count - i);
            for (int j = 0; j < batch; j++) {
                from.chat(to, BIG_TEXT, "big-" + System.nanoTime() + "-" + j);
            }
            for (int j = 0; j < batch; j++) {
                from.next("ack", Duration.ofSeconds(10));
            }
        }
    }

    private static long retainedHeap() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
