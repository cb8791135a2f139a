package chitchat.store;

/**
 * A tag for writes whose durability may ride on the next write: the embedded store does not commit its file for
 * them, and the next write that is committed (or H2's own commit, about a second later) takes them along.
 *
 * <p>The embedded store makes every write durable before it answers ({@link DurableH2Backend}), and each commit
 * writes a chunk of its file: that commit, not the write, is most of what a message costs there. A stored message
 * takes four writes: its conversation's numbers reserved, the message inserted, the conversation's newest message
 * and the sender's marks updated. Only the insert is what an ack promises. The reservation before it needs no
 * commit of its own, because H2 commits everything at once: the insert's commit holds the reservation too, and a
 * reservation lost in a crash before any insert numbered nothing. The two updates after it may be lost in a crash
 * of the store within a second of the last message: the conversation's preview and unread count then lag until
 * its next message, and a mark (which may be lost at a crash anyway) is sent again by the client. So a batch of
 * messages costs one commit, not four.
 *
 * <p>It is passed as the command's {@code comment}, which MongoDB itself only writes to its logs: against a real
 * MongoDB, whose journal makes each write durable as it goes, the tag changes nothing.
 */
public final class DeferredCommit {

    /** The {@code comment} of a write that the next committed write may make durable. */
    public static final String COMMENT = "chitchat:commit-with-next-write";

    private DeferredCommit() {
    }
}
