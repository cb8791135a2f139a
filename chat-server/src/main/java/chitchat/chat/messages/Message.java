package chitchat.chat.messages;

import java.time.Instant;
import org.bson.types.ObjectId;

/**
 * One stored message.
 *
 * <p>The id is a MongoDB ObjectId: it starts with the second it was made, so ids sort by time (roughly across
 * instances, exactly within one), which is what history pages on.
 */
public record Message(ObjectId id, String sender, String receiver, String text, Instant ts, String clientMsgId) {

    /** The conversation key: the two usernames sorted, so both directions share it. */
    public String conversation() {
        return conversationOf(sender, receiver);
    }

    public static String conversationOf(String a, String b) {
        return a.compareTo(b) <= 0 ? a + "|" + b : b + "|" + a;
    }
}
