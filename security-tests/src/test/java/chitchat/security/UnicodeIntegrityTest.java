package chitchat.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import chitchat.chat.protocol.Inbound;
import chitchat.chat.protocol.InvalidFrame;
import chitchat.json.Json;
import chitchat.testbed.WsClient;
import com.google.gson.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A message reads the same everywhere: as sent, as delivered live, and as history returns it, whatever Unicode it
 * holds; text that is not Unicode at all (an unpaired surrogate, which JSON can spell as {@code "\ud800"} but UTF-8
 * cannot encode) is refused rather than stored as something else.
 */
@Timeout(60)
class UnicodeIntegrityTest {

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
    void everyKindOfUnicodeReadsTheSameLiveAndInHistory() {
        WsClient alice = site.browserSocket(aliceToken);
        WsClient bob = site.browserSocket(bobToken);
        String[] texts = {"caf\u00e9 \u4f60\u597d \u0645\u0631\u062d\u0628\u0627", "\ud83d\ude00\ud83d\udc4d\ud83c\udffd", "e\u0301 \u212a \u0130 \u00df",
                "\u202eevil\u202c \u200b \ufeff", "<b>&amp;</b> \" \\ ' \u2028 \u2029 \u0007", "\uffff \ufffd \u0000"};
        for (int i = 0; i < texts.length; i++) {
            // Sent as the browser would, and once more with every non-ASCII character as a JSON escape.
            for (String frame : new String[] {chatFrame(texts[i], "u" + i), escapedChatFrame(texts[i], "e" + i)}) {
                alice.send(frame);
                JsonObject ack = alice.next("ack", WAIT);
                JsonObject live = bob.next("chat msg", WAIT);
                assertEquals(texts[i], live.get("message").getAsString(), "live, frame " + frame);
                assertEquals(texts[i], historyText(ack.get("id").getAsString()), "history, frame " + frame);
            }
        }
        alice.close();
        bob.close();
    }

    @Test
    void unpairedSurrogatesAreRefused() {
        for (String text : new String[] {"\ud800", "x\udfffx", "\ude00\ud83d"}) {
            assertThrows(InvalidFrame.class, () -> Inbound.parse(escapedChatFrame(text, "lone")), text);
            assertThrows(InvalidFrame.class, () -> Inbound.parse(escapedChatFrameWithId("hello", text)), "clientMsgId " + text);
        }
        WsClient alice = site.browserSocket(aliceToken);
        alice.send(escapedChatFrame("x\ud800x", "lone-over-the-socket"));
        assertEquals("invalid_message", alice.next(WAIT).get("error").getAsString());
        alice.close();
    }

    private static String historyText(String id) {
        HttpResponse<String> response = site.get("/api/messages?with=alice", "Cookie", "token=" + bobToken);
        assertEquals(200, response.statusCode());
        for (var element : Json.parseObject(response.body()).getAsJsonArray("msgs")) {
            JsonObject message = element.getAsJsonObject();
            if (message.get("id").getAsString().equals(id)) {
                return message.get("message").getAsString();
            }
        }
        throw new AssertionError("message " + id + " not in history");
    }

    private static String chatFrame(String text, String clientMsgId) {
        return "{\"type\":\"chat msg\",\"receiver\":\"bob\",\"message\":" + Fuzz.quote(text) + ",\"clientMsgId\":\"" + clientMsgId + "\"}";
    }

    private static String escapedChatFrame(String text, String clientMsgId) {
        return "{\"type\":\"chat msg\",\"receiver\":\"bob\",\"message\":\"" + escapeAll(text) + "\",\"clientMsgId\":\"" + clientMsgId + "\"}";
    }

    private static String escapedChatFrameWithId(String text, String clientMsgId) {
        return "{\"type\":\"chat msg\",\"receiver\":\"bob\",\"message\":\"" + escapeAll(text) + "\",\"clientMsgId\":\"" + escapeAll(clientMsgId) + "\"}";
    }

    /** Every character outside printable ASCII (and quote and backslash) as a JSON {@code \\uXXXX} escape. */
    private static String escapeAll(String text) {
        StringBuilder out = new StringBuilder();
        for (char c : text.toCharArray()) {
            if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
                out.append(c);
            } else {
                out.append(String.format("\\u%04x", (int) c));
            }
        }
        return out.toString();
    }
}
