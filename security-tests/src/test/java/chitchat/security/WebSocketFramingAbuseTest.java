package chitchat.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chitchat.testbed.RawWebSocket;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Frames a library client never sends, from a signed-up user on a bare socket: a fragmented message that never
 * ends (it used to be buffered without limit until the heap ran out), unmasked frames (RFC 6455 requires a
 * close), floods of binary frames (they used to skip the rate limit), and JSON with a key given twice.
 */
@Timeout(60)
class WebSocketFramingAbuseTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static TestSite site;
    private static String token;
    private static String bobToken;

    @BeforeAll
    static void start() {
        site = TestSite.start();
        token = site.signup("mallory", "mallory-password");
        bobToken = site.signup("bob", "bob-password");
    }

    @AfterAll
    static void stop() {
        site.close();
    }

    @Test
    void aFragmentedMessageThatNeverEndsIsClosedWith1009OnceItsTotalPassesTheLimit() throws IOException {
        try (RawWebSocket ws = site.rawSocket(token, 0)) {
            byte[] fragment = filled(6000);
            ws.send(RawWebSocket.TEXT, false, true, fragment);
            ws.send(RawWebSocket.CONTINUATION, false, true, fragment);
            ws.send(RawWebSocket.CONTINUATION, false, true, fragment); // 18,000 bytes: past 16 KiB, and no FIN
            assertEquals(1009, ws.awaitClosed(WAIT), "the server kept buffering a message past 16 KiB");
        }
    }

    @Test
    void fragmentsWithinTheLimitStillMakeOneMessage() throws IOException {
        try (RawWebSocket ws = site.rawSocket(token, 0)) {
            byte[] frame = "{\"type\":\"chat msg\",\"receiver\":\"bob\",\"message\":\"in three parts\",\"clientMsgId\":\"frag-1\"}"
                    .getBytes(StandardCharsets.UTF_8);
            int third = frame.length / 3;
            ws.send(RawWebSocket.TEXT, false, true, Arrays.copyOfRange(frame, 0, third));
            ws.send(RawWebSocket.PING, true, true, new byte[0]); // a control frame between fragments is allowed
            ws.send(RawWebSocket.CONTINUATION, false, true, Arrays.copyOfRange(frame, third, 2 * third));
            ws.send(RawWebSocket.CONTINUATION, true, true, Arrays.copyOfRange(frame, 2 * third, frame.length));
            assertTrue(nextOfType(ws, "ack").toString().contains("frag-1"), "a fragmented message was not acked");
        }
    }

    @Test
    void anUnmaskedFrameIsClosedWith1002() throws IOException {
        try (RawWebSocket ws = site.rawSocket(token, 0)) {
            ws.send(RawWebSocket.TEXT, true, false,
                    "{\"type\":\"chat msg\",\"receiver\":\"bob\",\"message\":\"unmasked\",\"clientMsgId\":\"u-1\"}".getBytes(StandardCharsets.UTF_8));
            assertEquals(1002, ws.awaitClosed(WAIT), "an unmasked client frame was accepted");
        }
        String history = site.get("/api/messages?with=mallory", "Cookie", "token=" + bobToken).body();
        assertTrue(history.contains("\"msgs\"") && !history.contains("unmasked"), "an unmasked frame's message was stored: " + history);
    }

    @Test
    void binaryFramesCountAsStrikesAndAFloodOfThemIsClosed() throws IOException {
        try (RawWebSocket ws = site.rawSocket(token, 0)) {
            boolean closedUnderUs = false;
            try {
                for (int i = 0; i < 300; i++) {
                    ws.send(RawWebSocket.BINARY, true, true, new byte[] {1, 2, 3});
                }
            } catch (java.net.SocketException e) {
                // The server closed while the flood was still being written: a write then fails (broken pipe or
                // reset), and the reset may discard its close frame before this side reads it.
                closedUnderUs = true;
            }
            int code = ws.awaitClosed(WAIT);
            assertTrue(code == 1008 || (closedUnderUs && code == 1006),
                    "300 binary frames in a row were answered and the socket kept open (close code " + code + ")");
        }
    }

    @Test
    void aKeyGivenTwiceIsRefusedOnTheSocketAndOverHttp() throws IOException {
        try (RawWebSocket ws = site.rawSocket(token, 0)) {
            ws.sendText("{\"type\":\"chat msg\",\"receiver\":\"bob\",\"receiver\":\"bob\",\"message\":\"twice\",\"clientMsgId\":\"d-1\"}");
            JsonObject error = nextOfType(ws, "error");
            assertEquals("bad_json", error.get("error").getAsString(), error.toString());
        }
        var response = site.postJson("/api/auth/login", "{\"username\":\"mallory\",\"username\":\"bob\",\"password\":\"bob-password\"}",
                "Origin", site.origin());
        assertEquals(400, response.statusCode(), response.body());
    }

    private static JsonObject nextOfType(RawWebSocket ws, String type) throws IOException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            RawWebSocket.Frame frame = ws.read(WAIT);
            if (frame != null && frame.opcode() == RawWebSocket.TEXT) {
                JsonObject json = chitchat.json.Json.parseObject(frame.text());
                if (type.equals(json.get("type").getAsString())) {
                    return json;
                }
            }
        }
        throw new AssertionError("no " + type + " frame within " + WAIT);
    }

    private static byte[] filled(int size) {
        byte[] bytes = new byte[size];
        Arrays.fill(bytes, (byte) 'a');
        return bytes;
    }
}
