package chitchat.chat.messages;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What the message store needs from the conversations: numbers for new messages, and word of what was stored.
 *
 * <p>An interface here, implemented by {@code conversations}, so that messages do not depend on how conversations
 * are stored, and the two packages do not depend on each other in a cycle.
 */
public interface Numbering {

    /**
     * The numbers {@code first .. first + count - 1}, reserved for this batch and never given out again, and the
     * conversation's members at the moment they were reserved (so a member removed before that moment is not
     * among them, whichever instance removed them).
     */
    record Reserved(long first, Set<String> members) {
    }

    /**
     * Reserves {@code count} numbers in {@code conversation}, in one atomic step on the store. When {@code creator} is
     * not null and the direct conversation does not exist yet, it is created by them (a v1 client writes to a name,
     * not to a conversation). Empty when there is no such conversation.
     */
    Optional<Reserved> reserve(String conversation, int count, String creator);

    /** The messages just stored, in seq order per conversation: each conversation's latest and its senders' marks move. */
    void stored(List<Message> messages);

    /**
     * A message found already stored when its sender sent it again. If its conversation never recorded it (the
     * instance that stored it stopped between the insert and {@link #stored}, so it also never delivered it), it is
     * recorded now and the answer is the members to deliver it to; otherwise empty. Without this, a conversation's
     * {@code lastSeq} would stay below a stored message, and a client catching up by {@code lastSeq} would not look.
     */
    Optional<Set<String>> recordLate(Message message);
}
