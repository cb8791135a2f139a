package chitchat.chat.ws;

import chitchat.chat.messages.Message;
import chitchat.json.Json;
import com.google.gson.JsonObject;

/**
 * The contract's WebSocket frames, as records, and the one place they are parsed and written.
 *
 * <p>Inbound frames are parsed field by field with their expected types ({@link Json}), so a frame with a number
 * where a string belongs is an {@code error} frame, not an exception. Outbound frames are records whose first
 * component is {@code type}, which gson writes in declaration order.
 */
public final class Frames {

    public static final int MAX_TEXT_CHARS = 4096;
    public static final int MAX_CLIENT_MSG_ID_CHARS = 100;

    private Frames() {
    }

    /** {@code chat msg}, client to server. */
    public record Send(String receiver, String message, String clientMsgId) {
    }

    /** {@code chat msg}, server to client (and the Redis payload). */
    public record ChatMessage(String type, String id, String sender, String receiver, String message, String ts, String clientMsgId) {
    }

    public record Ack(String type, String clientMsgId, String id, String ts) {
    }

    public record Error(String type, String error, String message, String clientMsgId) {
    }

    public record Resync(String type) {
    }

    /** A frame the server cannot accept; {@code code} and message go back in an {@code error} frame. */
    public static final class Invalid extends RuntimeException {
        private final String code;
        private final String clientMsgId;

        Invalid(String code, String message, String clientMsgId) {
            super(message, null, false, false);
            this.code = code;
            this.clientMsgId = clientMsgId;
        }

        public String code() {
            return code;
        }

        public String clientMsgId() {
            return clientMsgId;
        }
    }

    /**
     * Parses a client frame. The sender is never read from the frame: it is whoever the connection's token names.
     *
     * @throws Invalid with a code for the client: {@code bad_json}, {@code unknown_type} or {@code invalid_message}
     */
    public static Send parseSend(String text) {
        JsonObject frame;
        try {
            frame = Json.parseObject(text);
        } catch (Json.BadJson e) {
            throw new Invalid("bad_json", "Frames must be JSON objects.", null);
        }
        String clientMsgId = null;
        try {
            clientMsgId = Json.optionalString(frame, "clientMsgId").orElse(null);
            String type = Json.optionalString(frame, "type").orElse(null);
            if (!"chat msg".equals(type)) {
                throw new Invalid("unknown_type", "Unknown frame type; send {\"type\":\"chat msg\",...}.", clientMsgId);
            }
            if (clientMsgId == null || clientMsgId.isEmpty() || clientMsgId.length() > MAX_CLIENT_MSG_ID_CHARS) {
                throw new Invalid("invalid_message", "clientMsgId must be 1-" + MAX_CLIENT_MSG_ID_CHARS + " characters.", null);
            }
            String receiver = Json.string(frame, "receiver");
            String message = Json.string(frame, "message");
            if (!wellFormed(message) || !wellFormed(clientMsgId)) {
                // A lone surrogate cannot be stored or sent as UTF-8: it would come back as another character.
                throw new Invalid("invalid_message", "Messages must be valid Unicode text.", wellFormed(clientMsgId) ? clientMsgId : null);
            }
            int chars = message.codePointCount(0, message.length());
            if (chars < 1 || chars > MAX_TEXT_CHARS || message.isBlank()) {
                throw new Invalid("invalid_message", "Messages are 1 to " + MAX_TEXT_CHARS + " characters.", clientMsgId);
            }
            return new Send(receiver, message, clientMsgId);
        } catch (Json.BadJson e) {
            throw new Invalid("invalid_message", e.getMessage() + ".", clientMsgId);
        }
    }

    /**
     * The {@code clientMsgId} of a frame that will not be processed (refused by the rate limit, or failed), so that
     * its error frame can name it as the protocol promises; null when the frame has none that can be sent back.
     */
    public static String clientMsgIdOf(String text) {
        try {
            String clientMsgId = Json.optionalString(Json.parseObject(text), "clientMsgId").orElse(null);
            return clientMsgId != null && wellFormed(clientMsgId) ? clientMsgId : null;
        } catch (Json.BadJson e) {
            return null;
        }
    }

    /** Whether every surrogate in {@code text} is half of a pair, so that it survives encoding as UTF-8. */
    static boolean wellFormed(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    public static ChatMessage chatMessage(Message m) {
        return new ChatMessage("chat msg", m.id().toHexString(), m.sender(), m.receiver(), m.text(), timestamp(m.ts()), m.clientMsgId());
    }

    public static String ack(Message m) {
        return Json.write(new Ack("ack", m.clientMsgId(), m.id().toHexString(), timestamp(m.ts())));
    }

    public static String error(String code, String message, String clientMsgId) {
        return Json.write(new Error("error", code, message, clientMsgId));
    }

    /** ISO-8601 UTC with exactly three fraction digits, so timestamps also sort as strings. */
    public static String timestamp(java.time.Instant ts) {
        return TIMESTAMP.format(ts);
    }

    private static final java.time.format.DateTimeFormatter TIMESTAMP =
            java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(java.time.ZoneOffset.UTC);

    public static final String RESYNC = Json.write(new Resync("resync"));
}
