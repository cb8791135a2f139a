package chitchat.chat.messages;

import chitchat.chat.protocol.Frames;
import java.time.Instant;
import org.bson.types.ObjectId;

/**
 * One stored message of a conversation: a person's text, or a system message recording a group change.
 *
 * <p>{@code seq} is its place in the conversation (1, 2, 3...), the order every client shows and pages by. The id is
 * a MongoDB ObjectId, unique across conversations; the v1 history API still pages by it. {@code receiver} is set in
 * direct conversations only, as v1 clients expect; {@code system} only on system messages.
 */
public record Message(ObjectId id, String conversation, long seq, String sender, String receiver, String text,
                      Instant ts, String clientMsgId, Frames.SystemEvent system) {

    /** The direct conversation's id: the two usernames sorted and joined by {@code |}, the same for both sides. */
    public static String directId(String a, String b) {
        return a.compareTo(b) <= 0 ? a + "|" + b : b + "|" + a;
    }

    /**
     * In a direct conversation that {@code user} is in, the other person (the v1 {@code receiver}); else null. The
     * server made direct ids, so reading them back is safe; clients never parse them.
     */
    public static String directPartner(String conversation, String user) {
        int bar = conversation.indexOf('|');
        if (bar < 0 || conversation.startsWith("g:")) {
            return null;
        }
        String a = conversation.substring(0, bar);
        String b = conversation.substring(bar + 1);
        return a.equals(user) ? b : b.equals(user) ? a : null;
    }

    /** As it is sent to clients and served in history. */
    public Frames.ChatMessage frame() {
        return Frames.chatMessage(id.toHexString(), conversation, seq, sender, receiver, text, ts, clientMsgId, system);
    }

    Message numbered(long seq) {
        return new Message(id, conversation, seq, sender, receiver, text, ts, clientMsgId, system);
    }
}
