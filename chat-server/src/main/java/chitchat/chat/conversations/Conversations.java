package chitchat.chat.conversations;

import chitchat.chat.messages.MessageStore;
import chitchat.chat.messages.Numbering;
import com.mongodb.client.MongoDatabase;
import java.util.List;
import java.util.Optional;

/**
 * The conversations a server knows, as the rest of the chat-server sees them: who may see one, and the marks of
 * its members.
 *
 * <p>Everything here is scoped to a caller: a conversation the caller is not a member of is empty, the same as one
 * that does not exist, so no answer can tell the two apart.
 */
public final class Conversations {

    /** A member's marks after a {@code read} or {@code delivered} frame, and whom to tell. */
    public record MarksMoved(String conversation, String user, long readSeq, long deliveredSeq, List<String> members) {
    }

    final ConversationStore store;
    final Memberships memberships;

    public Conversations(MongoDatabase database) {
        this.memberships = new Memberships(database);
        this.store = new ConversationStore(database, memberships);
    }

    /** For the message store: how messages are numbered and what storing them changes here. */
    public Numbering numbering() {
        return store;
    }

    /** The members of conversation {@code id}, if {@code user} is one of them. */
    public Optional<List<String>> membersFor(String id, String user) {
        return visible(id, user).map(Conversation::members);
    }

    Optional<Conversation> visible(String id, String user) {
        return store.find(id).filter(c -> c.hasMember(user));
    }

    /**
     * Moves {@code user}'s marks in conversation {@code id} up to {@code seq} (read and delivered, or delivered only),
     * but never past the newest stored message and never down. Empty when nothing moved.
     *
     * @throws MessageStore.NotMember when the user is not a member (or there is no such conversation)
     */
    public Optional<MarksMoved> mark(String user, String id, long seq, boolean read) {
        Optional<Conversation> conversation = visible(id, user);
        if (conversation.isEmpty()) {
            throw new MessageStore.NotMember(id);
        }
        long capped = Math.min(seq, conversation.get().lastSeq());
        Memberships.Raised raised = memberships.raise(id, user, capped, read);
        if (!raised.moved()) {
            return Optional.empty();
        }
        return Optional.of(new MarksMoved(id, user, raised.now().readSeq(), raised.now().deliveredSeq(), conversation.get().members()));
    }

    /** Whether {@code id} names a conversation that {@code user} is in (for the frames that need no more). */
    public boolean isMember(String id, String user) {
        return visible(id, user).isPresent();
    }
}
