package chitchat.chat.conversations;

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

    final ConversationStore store;
    final Memberships memberships;
    private final MarkWriter marks;

    /** {@code fanout} is how receipts reach the members when their marks move. */
    public Conversations(MongoDatabase database, Fanout fanout) {
        this.memberships = new Memberships(database);
        this.store = new ConversationStore(database, memberships);
        this.marks = new MarkWriter(store, memberships, fanout);
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
     * but never past the newest stored message and never down; written with others a moment later
     * ({@link MarkWriter}), and then announced to the members with a {@code receipt} if they moved. Never waits for
     * the store: whether the user is a member is found out at the write, and if not, {@code notMember} runs then.
     */
    public void mark(String user, String id, long seq, boolean read, Runnable notMember) {
        marks.raise(id, user, seq, read, notMember);
    }

    /** Writes the marks still pending; after this, marks are no longer taken. */
    public void close() {
        marks.close();
    }

    /**
     * Everyone who shares an (active) conversation with {@code user}, themself included: whose presence they may
     * see. Two queries, from the memberships index; a membership a crash left behind may count one contact too many.
     */
    public java.util.Set<String> contactsOf(String user) {
        return memberships.usersIn(memberships.of(user).keySet());
    }
}
