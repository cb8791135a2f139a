package chitchat.chat.protocol;

import chitchat.json.Json;
import com.google.gson.annotations.JsonAdapter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The frames the server sends, as records, and the one place they are written.
 *
 * <p>Each record's first component is {@code type}, which gson writes first (it keeps declaration order). A null
 * component is left out, so a direct message carries {@code receiver} and a group message does not, and only a
 * system message has {@code system}: the shape the protocol describes, without a null field a client must skip.
 */
public final class Frames {

    private Frames() {
    }

    /** A stored message: the {@code chat msg} frame, the Redis payload, and an entry of a history page. */
    public record ChatMessage(String type, String id, String conversation, long seq, String sender, String receiver,
                              String message, String ts, String clientMsgId, SystemEvent system) {
    }

    /** What a system message records: who did what to whom (or which new name). */
    public record SystemEvent(String action, String actor, String target, String name) {
    }

    public record Ack(String type, String clientMsgId, String id, String conversation, long seq, String ts) {
    }

    public record Receipt(String type, String conversation, String user, long readSeq, long deliveredSeq) {
    }

    public record TypingNotice(String type, String conversation, String user) {
    }

    /** {@code retryAfterMs} only on {@code overloaded}: when to send the message again. */
    public record Error(String type, String error, String message, String clientMsgId, Long retryAfterMs) {
    }

    public record Resync(String type) {
    }

    /** The caller muted or unmuted a conversation: sent to their own connections only, so their other devices follow. */
    public record Mute(String type, String conversation, boolean muted) {
    }

    /** {@code online} and {@code lastSeen} are written as {@code null} when unknown, as the contract shows them. */
    public record PresenceNotice(String type, String user,
                                 @JsonAdapter(value = Json.NullAsNull.class, nullSafe = false) Boolean online,
                                 @JsonAdapter(value = Json.NullAsNull.class, nullSafe = false) String lastSeen) {
    }

    /** Every presence frame starts with this, so a delivery can tell one from a message without parsing it. */
    public static final String PRESENCE_PREFIX = "{\"type\":\"presence\",";

    public static ChatMessage chatMessage(String id, String conversation, long seq, String sender, String receiver,
                                          String text, Instant ts, String clientMsgId, SystemEvent system) {
        return new ChatMessage("chat msg", id, conversation, seq, sender, receiver, text, timestamp(ts), clientMsgId, system);
    }

    public static String ack(ChatMessage stored) {
        return Json.write(new Ack("ack", stored.clientMsgId(), stored.id(), stored.conversation(), stored.seq(), stored.ts()));
    }

    public static String receipt(String conversation, String user, long readSeq, long deliveredSeq) {
        return Json.write(new Receipt("receipt", conversation, user, readSeq, deliveredSeq));
    }

    public static String typing(String conversation, String user) {
        return Json.write(new TypingNotice("typing", conversation, user));
    }

    public static String presence(String user, boolean online, Instant lastSeen) {
        return Json.write(new PresenceNotice("presence", user, online, lastSeen == null ? null : timestamp(lastSeen)));
    }

    /** For a user who is not the watcher's contact (or no user at all): nothing is told. */
    public static String presenceUnknown(String user) {
        return Json.write(new PresenceNotice("presence", user, null, null));
    }

    public static String mute(String conversation, boolean muted) {
        return Json.write(new Mute("mute", conversation, muted));
    }

    public static String error(ErrorCode code, String message, String clientMsgId) {
        return Json.write(new Error("error", code.wire(), message, clientMsgId, null));
    }

    /**
     * The server is saturated: {@code clientMsgId} was not stored; send it again after {@code retryAfterMs}. Without
     * a clientMsgId (a mark or a group change refused by a full inbox), the words say so without speaking of a message.
     */
    public static String overloaded(String clientMsgId, long retryAfterMs) {
        String words = clientMsgId == null ? "The server is busy; try that again in a moment."
                : "The server is busy; your message was not sent yet and will be retried.";
        return Json.write(new Error("error", ErrorCode.OVERLOADED.wire(), words, clientMsgId, retryAfterMs));
    }

    /** ISO-8601 UTC with exactly three fraction digits, so timestamps also sort as strings. */
    public static String timestamp(Instant ts) {
        return TIMESTAMP.format(ts);
    }

    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    public static final String RESYNC = Json.write(new Resync("resync"));
}
