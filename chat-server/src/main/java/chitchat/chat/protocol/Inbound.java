package chitchat.chat.protocol;

import chitchat.json.Json;
import com.google.gson.JsonObject;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Every frame a client may send, one record per kind, and the one place where frames are parsed into them.
 *
 * <p>A sealed type, so the code that handles frames is a {@code switch} the compiler checks is complete: adding a
 * frame kind here makes every handler that forgot it fail to compile. Parsing reads each field with its expected
 * type ({@link Json}), so a number where a string belongs is an {@code error} frame, never an exception further in.
 * The sender is never read from a frame: it is whoever the connection's token names.
 */
public sealed interface Inbound {

    int MAX_TEXT_CHARS = 4096;
    int MAX_CLIENT_MSG_ID_CHARS = 100;
    int MAX_WATCHED = 500;
    /** Conversation ids: at most 80 of {@code A-Z a-z 0-9 : _ . | -}. Clients never parse them; the server checks. */
    Pattern CONVERSATION_ID = Pattern.compile("[A-Za-z0-9:_.|-]{1,80}");

    /** v2 {@code chat msg}: to a conversation the sender is a member of. */
    record ChatToConversation(String conversation, String message, String clientMsgId) implements Inbound {
    }

    /** v1 {@code chat msg}: to the direct conversation with {@code receiver} (not yet checked to be a username). */
    record ChatToUser(String receiver, String message, String clientMsgId) implements Inbound {
    }

    /** {@code read}: the user has read the conversation up to {@code seq}. */
    record Read(String conversation, long seq) implements Inbound {
    }

    /** {@code delivered}: one of the user's devices has received the conversation up to {@code seq}. */
    record Delivered(String conversation, long seq) implements Inbound {
    }

    /** {@code typing}: the user is typing in the conversation. */
    record Typing(String conversation) implements Inbound {
    }

    /** {@code watch}: the users whose presence this connection wants, replacing the previous set. */
    record Watch(List<String> users) implements Inbound {
    }

    /**
     * Parses a client frame.
     *
     * @throws InvalidFrame saying why it cannot be accepted, with its clientMsgId when it had one that can be sent back
     */
    static Inbound parse(String text) {
        JsonObject frame;
        try {
            frame = Json.parseObject(text);
        } catch (Json.BadJson e) {
            throw new InvalidFrame(ErrorCode.BAD_JSON, "Frames must be JSON objects.", null);
        }
        String clientMsgId = null;
        String type = null;
        try {
            clientMsgId = Json.optionalString(frame, "clientMsgId").orElse(null);
            type = Json.optionalString(frame, "type").orElse(null);
            return switch (type == null ? "" : type) {
                case "chat msg" -> chat(frame, clientMsgId);
                case "read" -> new Read(conversation(frame, clientMsgId), seq(frame));
                case "delivered" -> new Delivered(conversation(frame, clientMsgId), seq(frame));
                case "typing" -> new Typing(conversation(frame, clientMsgId));
                case "watch" -> new Watch(Json.stringList(frame, "users", MAX_WATCHED));
                default -> throw new InvalidFrame(ErrorCode.UNKNOWN_TYPE,
                        "Unknown frame type; send chat msg, read, delivered, typing or watch.", sendable(clientMsgId));
            };
        } catch (Json.BadJson e) {
            ErrorCode code = "chat msg".equals(type) || type == null ? ErrorCode.INVALID_MESSAGE : ErrorCode.INVALID_FRAME;
            throw new InvalidFrame(code, e.getMessage() + ".", sendable(clientMsgId));
        }
    }

    private static Inbound chat(JsonObject frame, String clientMsgId) {
        if (clientMsgId == null || clientMsgId.isEmpty() || clientMsgId.length() > MAX_CLIENT_MSG_ID_CHARS) {
            throw new InvalidFrame(ErrorCode.INVALID_MESSAGE, "clientMsgId must be 1-" + MAX_CLIENT_MSG_ID_CHARS + " characters.", null);
        }
        String conversation = Json.optionalString(frame, "conversation").orElse(null);
        String receiver = conversation == null ? Json.string(frame, "receiver") : null;
        if (conversation != null && !CONVERSATION_ID.matcher(conversation).matches()) {
            throw new InvalidFrame(ErrorCode.NOT_FOUND, "There is no such conversation.", sendable(clientMsgId));
        }
        String message = Json.string(frame, "message");
        if (!wellFormed(message) || !wellFormed(clientMsgId)) {
            // A lone surrogate cannot be stored or sent as UTF-8: it would come back as another character.
            throw new InvalidFrame(ErrorCode.INVALID_MESSAGE, "Messages must be valid Unicode text.", sendable(clientMsgId));
        }
        int chars = message.codePointCount(0, message.length());
        if (chars < 1 || chars > MAX_TEXT_CHARS || message.isBlank()) {
            throw new InvalidFrame(ErrorCode.INVALID_MESSAGE, "Messages are 1 to " + MAX_TEXT_CHARS + " characters.", clientMsgId);
        }
        return conversation != null
                ? new ChatToConversation(conversation, message, clientMsgId)
                : new ChatToUser(receiver, message, clientMsgId);
    }

    private static String conversation(JsonObject frame, String clientMsgId) {
        String id = Json.string(frame, "conversation");
        if (!CONVERSATION_ID.matcher(id).matches()) {
            throw new InvalidFrame(ErrorCode.NOT_FOUND, "There is no such conversation.", sendable(clientMsgId));
        }
        return id;
    }

    private static long seq(JsonObject frame) {
        return Json.wholeNumber(frame, "seq", 0, Long.MAX_VALUE);
    }

    /**
     * Whether {@code text} is a {@code typing} frame, for the connection's separate allowance of them. Cheap for the
     * other frames: only a text holding the JSON string {@code "typing"} is parsed (a quote inside a JSON string is
     * always escaped, so the words of a message cannot look like it), and then only its {@code type} decides.
     */
    static boolean isTyping(String text) {
        if (!text.contains("\"typing\"")) {
            return false;
        }
        try {
            return "typing".equals(Json.optionalString(Json.parseObject(text), "type").orElse(null));
        } catch (Json.BadJson e) {
            return false;
        }
    }

    /**
     * The {@code clientMsgId} of a frame that will not be processed (refused by the rate limit, or failed), so that
     * its error frame can name it as the protocol promises; null when the frame has none that can be sent back.
     */
    static String clientMsgIdOf(String text) {
        try {
            return sendable(Json.optionalString(Json.parseObject(text), "clientMsgId").orElse(null));
        } catch (Json.BadJson e) {
            return null;
        }
    }

    /** The clientMsgId if it can be sent back as it came: a string of valid Unicode, of the allowed length. */
    private static String sendable(String clientMsgId) {
        return clientMsgId != null && clientMsgId.length() <= MAX_CLIENT_MSG_ID_CHARS && wellFormed(clientMsgId) ? clientMsgId : null;
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
}
