package chitchat.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chitchat.testbed.WsClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * When the process runs out of file descriptors, an {@code accept} on the WebSocket port fails, and Java-WebSocket
 * then closes its listening socket for good, silently: new clients could never connect again while
 * {@code /healthz} said ok. Now {@code /healthz} reports the listener ({@code ws_listener}, 503 when down) and the
 * port is reopened as soon as it can be.
 *
 * <p>The server runs in this JVM, so the test exhausts this JVM's descriptors itself (opening {@code /dev/null}
 * until refused), makes one connection fail to be accepted, then holds the port so that it cannot be reopened,
 * and checks health says so, then lets go and checks the port comes back. Connections made before stay up.
 */
@Timeout(60)
class WebSocketListenerSurvivalTest {

    private TestSite site;

    @BeforeEach
    void start() {
        site = TestSite.start();
    }

    @AfterEach
    void stop() {
        site.close();
    }

    @Test
    void theListenerIsReopenedAndConnectionsMadeBeforeCarryOn() throws Exception {
        String alice = site.signup("alice", "alice-password");
        WsClient before = WsClient.connect(site.wsPort(), site.signup("bob", "bob-password"));
        long selectors = selectorThreads();
        List<FileChannel> hog = new ArrayList<>();
        try {
            failOneAccept(hog);
        } finally {
            closeAll(hog);
        }
        WsClient after = eventuallyConnect(alice);
        HttpResponse<String> health = awaitHealth(200);
        assertTrue(health.body().contains("\"ws_listener\":\"up\""), health.body());
        after.chat("bob", "after the port came back", "survive-1");
        assertEquals("after the port came back", before.next("chat msg", Duration.ofSeconds(5)).get("message").getAsString());
        after.close();
        before.close();
        // The old server, its port gone and its last connection closed, is stopped: no threads left behind.
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (selectorThreads() > selectors && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertEquals(selectors, selectorThreads(), "WebSocket selector threads after the old server's last connection closed");
    }

    /** Java-WebSocket's selector threads alive now: one per running server. */
    private static long selectorThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("WebSocketSelector-")).count();
    }

    @Test
    void healthSaysUnavailableWhileThePortCannotBeReopened() throws Exception {
        String alice = site.signup("alice", "alice-password");
        List<FileChannel> hog = new ArrayList<>();
        Socket squatter;
        try {
            failOneAccept(hog);
            hog.remove(hog.size() - 1).close();
            // Take the port while the server cannot: bound, not listening, without SO_REUSEADDR, so the server can
            // neither reopen it nor be reached on it.
            squatter = new Socket();
            squatter.setReuseAddress(false);
            squatter.bind(new InetSocketAddress(site.wsPort()));
        } finally {
            closeAll(hog);
        }
        try (squatter) {
            HttpResponse<String> health = awaitHealth(503);
            assertTrue(health.body().contains("\"ws_listener\":\"down\""), health.body());
        }
        assertTrue(awaitHealth(200).body().contains("\"ws_listener\":\"up\""));
        eventuallyConnect(alice).close();
    }

    /** Leaves the process exactly one descriptor, which a connection to the WebSocket port takes: its accept fails. */
    private void failOneAccept(List<FileChannel> hog) throws IOException, InterruptedException {
        exhaustDescriptors(hog);
        hog.remove(hog.size() - 1).close();
        try (Socket refused = new Socket()) {
            refused.connect(new InetSocketAddress("127.0.0.1", site.wsPort()), 1000);
            Thread.sleep(300);
        } catch (IOException expected) {
            // the connect itself may fail too; the server's accept is what matters
        }
    }

    /** Connects, retrying for a while: the port is watched every 2 s and reopened when found closed. */
    private WsClient eventuallyConnect(String token) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (true) {
            try {
                return WsClient.connect(site.wsPort(), token);
            } catch (AssertionError refused) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the WebSocket port never accepted connections again", refused);
                }
                Thread.sleep(250);
            }
        }
    }

    private static void closeAll(List<FileChannel> channels) throws IOException {
        for (FileChannel channel : channels) {
            channel.close();
        }
    }

    private static void exhaustDescriptors(List<FileChannel> hog) {
        try {
            while (hog.size() < 100_000) {
                hog.add(FileChannel.open(Path.of("/dev/null")));
            }
        } catch (IOException outOfDescriptors) {
            // exactly what was wanted
        }
        assertTrue(hog.size() > 2, "could not open files at all");
    }

    private HttpResponse<String> awaitHealth(int status) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        HttpResponse<String> health;
        do {
            health = site.get("/healthz");
            if (health.statusCode() == status) {
                return health;
            }
            Thread.sleep(250);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("/healthz never answered " + status + ": last " + health.statusCode() + " " + health.body());
    }
}
