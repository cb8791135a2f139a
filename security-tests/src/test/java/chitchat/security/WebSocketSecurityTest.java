package chitchat.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chitchat.testbed.WsClient;
import com.google.gson.JsonObject;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.java_websocket.enums.Opcode;
import org.java_websocket.framing.TextFrame;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The WebSocket handshake and frame limits against the whole product: cross-site WebSocket hijacking (another site's
 * page opening a socket that carries the victim's cookie) is refused by the Origin check, forged tokens never open a
 * socket, the token is taken only from the cookie or the Authorization header, and a frame too large or not UTF-8
 * closes only the connection that sent it, however it is fragmented.
 */
@Timeout(90)
class WebSocketSecurityTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static TestSite site;
    private static String aliceToken;
    private static String bobToken;

    @BeforeAll
    static void start() {
        site = TestSite.start();
        aliceToken = site.signup("alice", "alice-password");
        bobToken = site.signup("bob", "bob-password");
    }

    @AfterAll
    static void stop() {
        site.close();
    }

    @Test
    void aForeignOriginWithAValidCookieIsRefusedBeforeAnyFrame() {
        int port = site.httpPort();
        List<String> foreign = List.of("https://evil.example", "null", "http://localhost:" + port + ".evil.example",
                "http://localhost:" + (port + 1), "https://localhost:" + port, "http://localhost", "http://evil.example:" + port,
                "http://127.0.0.1.evil.example:" + port, "file://", "chrome-extension://abcdef", "HTTP://LOCALHOST:" + port);
        for (String origin : foreign) {
            WsClient socket = site.ws(Map.of("Cookie", "token=" + aliceToken, "Origin", origin));
            assertFalse(socket.open(), "a page on " + origin + " opened a socket with alice's cookie");
            assertTrue(socket.collect(Duration.ofMillis(50), frame -> true).isEmpty(), "frames after a refused handshake");
        }
        // The site's own origins are allowed: the refusals above are the Origin check's doing.
        for (String origin : List.of(site.origin(), "http://127.0.0.1:" + port)) {
            WsClient socket = site.ws(Map.of("Cookie", "token=" + aliceToken, "Origin", origin));
            assertTrue(socket.open(), origin);
            socket.close();
        }
    }

    @Test
    void aRefusedHijackCannotSendAnything() throws Exception {
        WsClient bob = site.browserSocket(bobToken);
        WsClient hijack = site.ws(Map.of("Cookie", "token=" + aliceToken, "Origin", "https://evil.example"));
        assertFalse(hijack.open());
        try {
            hijack.chat("bob", "sent by evil.example as alice", "hijack-1");
        } catch (RuntimeException expected) {
            // not connected
        }
        assertTrue(bob.collect(Duration.ofMillis(500), frame -> true).isEmpty(), "bob received something from the refused socket");
        HttpResponse<String> history = site.get("/api/messages?with=alice", "Cookie", "token=" + bobToken);
        assertFalse(history.body().contains("evil.example"), "stored: " + history.body());
        bob.close();
    }

    @Test
    void forgedTokensNeverOpenASocketNorReadAnything() {
        for (String forged : ForgedTokens.all("bob", aliceToken, TestSite.SECRET)) {
            WsClient viaCookie = site.ws(Map.of("Cookie", "token=" + forged, "Origin", site.origin()));
            assertFalse(viaCookie.open(), "cookie " + forged);
            WsClient viaHeader = site.ws(Map.of("Authorization", "Bearer " + forged));
            assertFalse(viaHeader.open(), "bearer " + forged);
            assertEquals(401, site.get("/api/auth/me", "Authorization", "Bearer " + forged).statusCode(), "HTTP " + forged);
            assertEquals(401, site.get("/api/messages?with=alice", "Cookie", "token=" + forged).statusCode(), "HTTP " + forged);
        }
    }

    @Test
    void theTokenIsTakenOnlyFromTheCookieOrTheAuthorizationHeader() {
        // A token in the URL would end up in access logs, proxies and browser history: it is not accepted.
        for (String path : List.of("/ws?token=" + aliceToken, "/ws?access_token=" + aliceToken, "/ws?Authorization=Bearer%20" + aliceToken)) {
            WsClient socket = site.ws(path, Map.of("Origin", site.origin()));
            assertFalse(socket.open(), path);
        }
        for (String path : List.of("/", "/ws/", "/ws/x", "/wss", "/WS", "/ws/../ws", "/api/messages")) {
            WsClient socket = site.ws(path, Map.of("Cookie", "token=" + aliceToken, "Origin", site.origin()));
            assertFalse(socket.open(), "handshake on " + path);
        }
    }

    @Test
    void fragmentsAddingUpToMoreThanSixteenKibCloseOnlyThatConnection() {
        WsClient bob = site.browserSocket(bobToken);
        WsClient alice = site.browserSocket(aliceToken);
        byte[] piece = "y".repeat(5000).getBytes(StandardCharsets.UTF_8);
        alice.sendFragmentedFrame(Opcode.TEXT, ByteBuffer.wrap("{\"type\":\"chat msg\",\"message\":\"".getBytes(StandardCharsets.UTF_8)), false);
        for (int i = 0; i < 4; i++) {
            alice.sendFragmentedFrame(Opcode.TEXT, ByteBuffer.wrap(piece), false);
        }
        alice.sendFragmentedFrame(Opcode.TEXT, ByteBuffer.wrap("\"}".getBytes(StandardCharsets.UTF_8)), true);
        assertEquals(1009, alice.awaitClosed(WAIT), "20 KB in fragments of 5 KB is over the 16 KiB limit");
        assertTrue(bob.isOpen());

        // Fragments within the limit are one ordinary frame.
        WsClient again = site.browserSocket(aliceToken);
        String text = "\u00e9".repeat(4000); // 4000 characters, 8000 bytes
        String frame = "{\"type\":\"chat msg\",\"receiver\":\"bob\",\"clientMsgId\":\"fragmented\",\"message\":\"" + text + "\"}";
        byte[] bytes = frame.getBytes(StandardCharsets.UTF_8);
        int third = bytes.length / 3;
        again.sendFragmentedFrame(Opcode.TEXT, ByteBuffer.wrap(bytes, 0, third), false);
        again.sendFragmentedFrame(Opcode.TEXT, ByteBuffer.wrap(bytes, third, third), false);
        again.sendFragmentedFrame(Opcode.TEXT, ByteBuffer.wrap(bytes, 2 * third, bytes.length - 2 * third), true);
        assertEquals("fragmented", again.next("ack", WAIT).get("clientMsgId").getAsString());
        JsonObject delivered = bob.next("chat msg", WAIT);
        assertEquals(text, delivered.get("message").getAsString());
        again.close();
        bob.close();
    }

    @Test
    void aTextFrameThatIsNotUtf8ClosesOnlyThatConnection() {
        WsClient bob = site.browserSocket(bobToken);
        WsClient alice = site.browserSocket(aliceToken);
        TextFrame frame = new TextFrame();
        frame.setPayload(ByteBuffer.wrap(new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', '}'}));
        frame.setFin(true);
        alice.sendFrame(frame);
        assertEquals(1007, alice.awaitClosed(WAIT), "invalid UTF-8 in a text frame");
        assertTrue(bob.isOpen());
        bob.close();
    }
}
