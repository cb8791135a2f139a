package chitchat.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import chitchat.chat.protocol.Inbound;
import chitchat.chat.protocol.InvalidFrame;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import java.io.StringReader;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link Inbound#parse}, the one place a client's WebSocket text becomes a message, on hostile input: it never
 * throws anything but {@link InvalidFrame}, and what it accepts keeps the contract's rules (a {@code chat msg}
 * with string fields, 1-4096 characters of text, a clientMsgId of 1-100 characters).
 */
class FrameParserProperties {

    private static final Set<String> CODES = Set.of("bad_json", "unknown_type", "invalid_message", "invalid_frame", "not_found");
    private static final List<String> USERS = List.of("alice", "bob", "carol");

    @Property(tries = 1000)
    void randomTextIsAFrameOrInvalid(@ForAll("randomText") String text) {
        check(text);
    }

    @Property(tries = 3000)
    void mutatedFramesAreAcceptedOnlyWhenValid(@ForAll("mutatedFrames") String text) {
        check(text);
    }

    @Property(tries = 500)
    void wellFormedFramesWithinTheLimitsAreAccepted(@ForAll("wellFormedFrames") Fuzz.RawObject frame) {
        JsonObject fields = strictParse(frame.render());
        String message = fields.get("message").getAsString();
        String clientMsgId = fields.get("clientMsgId").getAsString();
        int chars = message.codePointCount(0, message.length());
        boolean valid = chars >= 1 && chars <= Inbound.MAX_TEXT_CHARS && !message.isBlank()
                && !clientMsgId.isEmpty() && clientMsgId.length() <= Inbound.MAX_CLIENT_MSG_ID_CHARS
                && noLoneSurrogate(message) && noLoneSurrogate(clientMsgId);
        if (valid) {
            Inbound.ChatToUser send = (Inbound.ChatToUser) Inbound.parse(frame.render());
            assertEquals(fields.get("receiver").getAsString(), send.receiver());
            assertEquals(message, send.message());
            assertEquals(clientMsgId, send.clientMsgId());
        } else {
            check(frame.render());
            assertThrowsInvalid(frame.render());
        }
    }

    @Example
    void pathologicalInputIsInvalidNotAnException() {
        for (String text : List.of(
                "", " ", "null", "[]", "\"chat msg\"", "1", "{", "}", "{}", "{\"type\":\"chat msg\"}",
                "[".repeat(100_000), "{\"a\":".repeat(50_000), "{\"type\":" + "[".repeat(10_000) + "}",
                "{\"type\":\"chat msg\",\"receiver\":\"bob\",\"message\":1e99999999999,\"clientMsgId\":\"x\"}",
                "{\"type\":\"chat msg\",\"receiver\":\"bob\",\"message\":\"hi\",\"clientMsgId\":123456789012345678901234567890}",
                "{\"type\":\"chat msg\",\"receiver\":\"bob\",\"message\":\"hi\",\"clientMsgId\":\"1\"}{\"type\":\"x\"}",
                "{\"type\":\"chat msg\",\"receiver\":\"bob\",\"message\":\"hi\",\"clientMsgId\":\"1\",}",
                "{'type':'chat msg','receiver':'bob','message':'hi','clientMsgId':'1'}",
                "{type:\"chat msg\",receiver:\"bob\",message:\"hi\",clientMsgId:\"1\"}",
                "\ufeff{\"type\":\"chat msg\",\"receiver\":\"bob\",\"message\":\"hi\",\"clientMsgId\":\"1\"}",
                "{\"type\":\"chat msg\",\"receiver\":\"bob\",\"message\":\"\\ud800\",\"clientMsgId\":\"\\udfff\"}",
                "{\"type\":\"chat msg\",\"receiver\":{\"$ne\":null},\"message\":\"hi\",\"clientMsgId\":\"1\"}")) {
            check(text);
        }
    }

    @Example
    void duplicateFieldsNeverSmuggleAnInvalidValuePastTheChecks() {
        String text = "{\"type\":\"chat msg\",\"receiver\":\"bob\",\"message\":\"ok\",\"message\":\"" + "x".repeat(5000)
                + "\",\"clientMsgId\":\"1\"}";
        check(text);
        assertThrowsInvalid(text);
    }

    /** The property: {@link InvalidFrame} with a known code, or a frame that keeps every rule. */
    static void check(String text) {
        Inbound parsed;
        try {
            parsed = Inbound.parse(text);
        } catch (InvalidFrame e) {
            assertTrue(CODES.contains(e.code().wire()), "unknown error code " + e.code());
            assertNotNull(e.getMessage());
            assertFalse(e.getMessage().isBlank());
            Leaks.assertNoInternals("error message", e.getMessage());
            return;
        } catch (Throwable t) {
            fail("parseSend threw " + t + " for " + Leaks.abbreviate(text), t);
            return;
        }
        JsonObject frame = strictParse(text);
        if (!(parsed instanceof Inbound.ChatToUser send)) {
            // A mutation that made another valid frame kind (a v2 chat msg, read, typing...): its type must be the text's.
            String type = stringField(frame, "type");
            assertTrue(type != null && (type.equals("chat msg") || Set.of("read", "delivered", "typing", "watch").contains(type)),
                    "accepted " + parsed + " from " + Leaks.abbreviate(text));
            return;
        }
        assertNotNull(send.receiver());
        assertNotNull(send.message());
        int chars = send.message().codePointCount(0, send.message().length());
        assertTrue(chars >= 1 && chars <= Inbound.MAX_TEXT_CHARS, "accepted a message of " + chars + " characters");
        assertFalse(send.message().isBlank(), "accepted a blank message");
        assertTrue(send.clientMsgId() != null && !send.clientMsgId().isEmpty()
                && send.clientMsgId().length() <= Inbound.MAX_CLIENT_MSG_ID_CHARS, "accepted clientMsgId " + send.clientMsgId());

        // What was accepted is what a strict JSON parser reads in the text: a chat msg with these string fields.
        assertEquals("chat msg", stringField(frame, "type"));
        assertEquals(send.receiver(), stringField(frame, "receiver"));
        assertEquals(send.message(), stringField(frame, "message"));
        assertEquals(send.clientMsgId(), stringField(frame, "clientMsgId"));
    }

    private static void assertThrowsInvalid(String text) {
        try {
            Inbound.parse(text);
            fail("accepted " + Leaks.abbreviate(text));
        } catch (InvalidFrame expected) {
            // refused, as it should be
        }
    }

    private static JsonObject strictParse(String text) {
        try {
            JsonReader reader = new JsonReader(new StringReader(text));
            reader.setStrictness(Strictness.STRICT);
            JsonElement element = JsonParser.parseReader(reader);
            return element.getAsJsonObject();
        } catch (RuntimeException e) {
            throw new AssertionError("accepted text that is not a strict JSON object: " + Leaks.abbreviate(text), e);
        }
    }

    private static String stringField(JsonObject frame, String name) {
        JsonElement value = frame.get(name);
        assertTrue(value != null && value.isJsonPrimitive() && value.getAsJsonPrimitive().isString(), name + " is not a string: " + value);
        return value.getAsString();
    }

    @Provide
    Arbitrary<String> randomText() {
        return Fuzz.anyText(2000);
    }

    @Provide
    Arbitrary<String> mutatedFrames() {
        return Fuzz.frames(USERS);
    }

    @Provide
    Arbitrary<Fuzz.RawObject> wellFormedFrames() {
        return Fuzz.chatFrames(USERS);
    }

    /** Valid Unicode text: a surrogate only as half of a pair (a lone one cannot be encoded as UTF-8). */
    private static boolean noLoneSurrogate(String text) {
        return text.codePoints().noneMatch(cp -> cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE);
    }
}
