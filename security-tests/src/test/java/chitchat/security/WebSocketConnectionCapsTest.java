package chitchat.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chitchat.testbed.RawWebSocket;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Caps on what one user, one address, or anyone at all can hold open on the WebSocket port. One user used to be
 * able to open ~19,900 WebSockets and exhaust the process's file descriptors, and a half-sent handshake was kept
 * forever. Here the caps are set low ({@code WS_MAX_CONNECTIONS_PER_USER=4}, {@code ..._PER_ADDRESS=6},
 * {@code WS_MAX_CONNECTIONS=30}, {@code WS_HANDSHAKE_SECONDS=2}); their defaults are in SECURITY.md. Addresses come
 * from {@code X-Forwarded-For}, as behind the ALB ({@code TRUST_PROXY=true}), so each test counts under its own.
 */
@Timeout(90)
class WebSocketConnectionCapsTest {

    private static TestSite site;
    private static final List<String> tokens = new ArrayList<>();

    @BeforeAll
    static void start() {
        site = TestSite.start(Map.of("WS_MAX_CONNECTIONS_PER_USER", "4", "WS_MAX_CONNECTIONS_PER_ADDRESS", "6",
                "WS_MAX_CONNECTIONS", "30", "WS_HANDSHAKE_SECONDS", "2", "TRUST_PROXY", "true"));
        for (String user : List.of("ann", "ben", "cat")) {
            tokens.add(site.signup(user, user + "-password"));
        }
    }

    @AfterAll
    static void stop() {
        site.close();
    }

    @Test
    void oneUserMayHoldOnlyTheirCapAndAClosedOneFreesItsPlace() throws Exception {
        List<RawWebSocket> open = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                open.add(site.rawSocket(tokens.get(0), 0, "X-Forwarded-For: 198.51.100." + i));
            }
            IOException refused = assertThrows(IOException.class,
                    () -> site.rawSocket(tokens.get(0), 0, "X-Forwarded-For: 198.51.100.9").close(),
                    "a fifth WebSocket of one user was accepted");
            assertTrue(refused.getMessage().contains("refused"), refused.getMessage());
            open.remove(0).close();
            open.add(eventuallyOpen(tokens.get(0), "198.51.100.10"));
        } finally {
            closeAll(open);
        }
    }

    @Test
    void oneAddressMayHoldOnlyItsCapWhoeverSignsIn() throws Exception {
        List<RawWebSocket> open = new ArrayList<>();
        try {
            for (int i = 0; i < 6; i++) {
                open.add(site.rawSocket(tokens.get(i % 3), 0, "X-Forwarded-For: 203.0.113.7"));
            }
            assertThrows(IOException.class, () -> site.rawSocket(tokens.get(2), 0, "X-Forwarded-For: 203.0.113.7").close(),
                    "a seventh WebSocket from one address was accepted");
            site.rawSocket(tokens.get(2), 0, "X-Forwarded-For: 203.0.113.8").close(); // another address is fine
        } finally {
            closeAll(open);
        }
    }

    @Test
    void socketsPastTheCapOrPastTheHandshakeTimeAreClosedAndThePortStaysOpen() throws Exception {
        List<Socket> idle = new ArrayList<>();
        try {
            for (int i = 0; i < 40; i++) { // a slowloris: connect, send half a handshake, never finish
                Socket socket = new Socket();
                socket.connect(new InetSocketAddress("127.0.0.1", site.wsPort()), 2000);
                socket.getOutputStream().write("GET /ws HTTP/1.1\r\nHost: x\r\n".getBytes());
                idle.add(socket);
            }
            Thread.sleep(300);
            long closedAtOnce = idle.stream().filter(WebSocketConnectionCapsTest::closedByServer).count();
            assertTrue(closedAtOnce >= 10, "past the cap of 30 open sockets, only " + closedAtOnce + " of 40 were closed");
            Thread.sleep(4000); // the handshake timeout (2 s) and a sweep (every second)
            long closedLater = idle.stream().filter(WebSocketConnectionCapsTest::closedByServer).count();
            assertEquals(40, closedLater, "half-sent handshakes kept open past the handshake timeout");
        } finally {
            for (Socket socket : idle) {
                socket.close();
            }
        }
        eventuallyOpen(tokens.get(1), "192.0.2.1").close();
        assertTrue(site.get("/healthz").body().contains("\"ws_listener\":\"up\""), site.get("/healthz").body());
    }

    /** Whether the server has closed the socket: a read sees the end (or a reset) rather than waiting. */
    private static boolean closedByServer(Socket socket) {
        try {
            socket.setSoTimeout(50);
            InputStream in = socket.getInputStream();
            while (true) {
                if (in.read() < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /** Opens a socket, retrying for a few seconds while a closed one is being counted out. */
    private static RawWebSocket eventuallyOpen(String token, String address) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (true) {
            try {
                return site.rawSocket(token, 0, "X-Forwarded-For: " + address);
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("no WebSocket could be opened again: " + e.getMessage(), e);
                }
                Thread.sleep(100);
            }
        }
    }

    private static void closeAll(List<RawWebSocket> sockets) throws IOException {
        for (RawWebSocket socket : sockets) {
            socket.close();
        }
    }
}
