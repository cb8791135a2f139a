package chitchat.security;

import static org.junit.jupiter.api.Assertions.assertTrue;

import chitchat.testbed.RawWebSocket;
import chitchat.testbed.WsClient;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A client that reads nothing but keeps the heartbeat happy with pongs used to be kept forever, its queue pinned
 * in memory. Whatever it sends, a connection whose outgoing queue makes no progress for {@code WS_STALL_SECONDS}
 * is cut. The byte cap is raised here so that it is the stall rule, not the cap, that cuts it.
 */
@Timeout(120)
class StalledQueueTest {

    private static TestSite site;
    private static String victim;
    private static String sender;

    @BeforeAll
    static void start() {
        site = TestSite.start(Map.of("WS_RATE_PER_SECOND", "2000", "WS_RATE_BURST", "2000", "WS_STALL_SECONDS", "3",
                "WS_MAX_OUTBOUND_KIB", "65536", "WS_MAX_OUTBOUND_FRAMES", "100000"));
        victim = site.signup("victim", "victim-password");
        sender = site.signup("sender", "sender-password");
    }

    @AfterAll
    static void stop() {
        site.close();
    }

    @Test
    void aQueueThatStopsMovingIsCutEvenWhileTheClientSendsPongs() throws Exception {
        WsClient from = WsClient.connect(site.wsPort(), sender);
        try (RawWebSocket ws = site.rawSocket(victim, 4096)) {
            OutboundQueueBoundsTest.sendPaced(from, "victim", 500); // 6 MB: below this test's byte cap, more than the socket buffers take
            long deadline = System.nanoTime() + Duration.ofSeconds(12).toNanos();
            boolean cut = false;
            while (!cut && System.nanoTime() < deadline) {
                try {
                    ws.send(RawWebSocket.PONG, true, true, new byte[0]); // "I am alive", while reading nothing
                    Thread.sleep(300);
                } catch (IOException e) {
                    cut = true; // the server reset the connection
                }
            }
            assertTrue(cut || ws.awaitClosed(Duration.ofSeconds(1)) != -1, "a connection whose queue never moved was kept open");
        } finally {
            from.close();
        }
        // A healthy reader is never cut: the same sender, a reading victim.
        WsClient reader = WsClient.connect(site.wsPort(), victim);
        WsClient again = WsClient.connect(site.wsPort(), sender);
        OutboundQueueBoundsTest.sendPaced(again, "victim", 5);
        Thread.sleep(4500);
        assertTrue(reader.isOpen(), "a client that reads was cut");
        reader.close();
        again.close();
    }

}
