package chitchat.chat.conversations;

import chitchat.chat.protocol.Frames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Read and delivered marks, written a few times a second instead of once per frame.
 *
 * <p>Every device of every member sends {@code delivered} about once a second per busy conversation, and
 * {@code read} as its user scrolls: written one by one, marks would cost more store writes than the messages they
 * acknowledge. So a frame's mark only raises a pending entry here (per member of a conversation: the highest read
 * and delivered seq asked for), and every {@link #FLUSH_INTERVAL} one thread writes all pending entries at once:
 * one read of their current marks and one bulk {@code $max} write, however many frames raised them. Then it sends a
 * {@code receipt} for each member whose marks moved, with the marks as they now are, to every member.
 *
 * <p>Whether the sender of a mark is a member is checked here too, at the flush, with one read of all the flush's
 * conversations, and not on the connection's thread when the frame arrives: a frame that waited for the store
 * there would hold up every frame behind it, and a client marking what it reads while the store is slow would
 * fill its inbox and be closed as a flooder. A mark of a conversation the user is not in is answered
 * {@code not_found} a moment later, through the refusal its frame left ({@link #raise}), and written nowhere.
 *
 * <p>{@code $max} is what keeps marks from ever moving back, whatever the order of flushes on different instances.
 * A crash loses at most the marks of one interval, which the clients send again with their next frames (a mark is
 * never acknowledged to a client, so no client relies on one having been written).
 */
final class MarkWriter implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MarkWriter.class);
    static final Duration FLUSH_INTERVAL = Duration.ofMillis(200);

    /**
     * Refusals kept per pending entry: one per frame would let a client that marks a stranger's conversation grow
     * the list for as long as a flush takes; a few tell it all it needs (the rest of its frames get no answer).
     */
    private static final int MAX_REFUSALS = 4;

    /**
     * The marks asked for one member of one conversation since the last flush, and how to tell the devices that
     * asked, should the user turn out not to be a member.
     */
    private record Pending(String conversation, String user, long readSeq, long deliveredSeq, List<Runnable> refusals) {
        Pending raise(long read, long delivered, Runnable refusal) {
            List<Runnable> more = refusals;
            if (refusals.size() < MAX_REFUSALS) {
                more = new ArrayList<>(refusals);
                more.add(refusal);
            }
            return new Pending(conversation, user, Math.max(readSeq, read), Math.max(deliveredSeq, delivered), more);
        }
    }

    private final ConversationStore conversations;
    private final Memberships memberships;
    private final Fanout fanout;
    private final Object lock = new Object();
    private Map<String, Pending> pending = new HashMap<>(); // guarded by lock
    private final Thread flusher;
    private volatile boolean closed;

    MarkWriter(ConversationStore conversations, Memberships memberships, Fanout fanout) {
        this.conversations = conversations;
        this.memberships = memberships;
        this.fanout = fanout;
        this.flusher = Thread.ofPlatform().name("mark-writer").daemon().start(this::run);
    }

    /**
     * Asks for {@code user}'s marks in {@code conversation} to be raised to {@code seq} (read and delivered, or
     * delivered only), with the next flush; never waits for the store. At the flush a seq past the newest message
     * is lowered to it, and if the user is not a member, {@code notMember} runs instead (on the flush's thread: it
     * must not block).
     */
    void raise(String conversation, String user, long seq, boolean read, Runnable notMember) {
        String key = Memberships.key(conversation, user);
        synchronized (lock) {
            Pending was = pending.get(key);
            Pending now = was == null
                    ? new Pending(conversation, user, read ? seq : 0, seq, List.of(notMember))
                    : was.raise(read ? seq : 0, seq, notMember);
            pending.put(key, now);
        }
    }

    private void run() {
        while (!closed) {
            try {
                Thread.sleep(FLUSH_INTERVAL);
            } catch (InterruptedException e) {
                break;
            }
            flush();
        }
        flush(); // what was asked for before the close
    }

    /**
     * Writes every pending mark in three round trips: the conversations (who is a member, the newest seq), the marks
     * as they are, and one bulk {@code $max}. Then announces those that moved to the conversations' members.
     */
    void flush() {
        Map<String, Pending> batch;
        synchronized (lock) {
            if (pending.isEmpty()) {
                return;
            }
            batch = pending;
            pending = new HashMap<>();
        }
        try {
            Map<String, Conversation> found = conversations.findAll(batch.values().stream().map(Pending::conversation).distinct().toList());
            List<Pending> entries = new ArrayList<>(batch.size());
            for (Pending p : batch.values()) {
                Conversation c = found.get(p.conversation());
                if (c == null || !c.hasMember(p.user())) {
                    p.refusals().forEach(Runnable::run);
                } else {
                    entries.add(new Pending(p.conversation(), p.user(), Math.min(p.readSeq(), c.lastSeq()),
                            Math.min(p.deliveredSeq(), c.lastSeq()), List.of()));
                }
            }
            if (entries.isEmpty()) {
                return;
            }
            Map<String, Memberships.Marks> before = memberships.marksOf(
                    entries.stream().map(p -> Memberships.key(p.conversation(), p.user())).toList());
            memberships.raiseAll(entries.stream()
                    .map(p -> new Memberships.Raise(p.conversation(), p.user(), p.readSeq(), p.deliveredSeq())).toList());
            for (Pending p : entries) {
                Memberships.Marks was = before.getOrDefault(Memberships.key(p.conversation(), p.user()), Memberships.Marks.NONE);
                long read = Math.max(was.readSeq(), p.readSeq());
                long delivered = Math.max(was.deliveredSeq(), p.deliveredSeq());
                if (read != was.readSeq() || delivered != was.deliveredSeq()) {
                    fanout.publish(found.get(p.conversation()).members(), Frames.receipt(p.conversation(), p.user(), read, delivered));
                }
            }
        } catch (RuntimeException e) {
            // Marks are only ever raised, and clients send newer ones soon: dropping this batch loses nothing for long.
            log.warn("event=marks_write_failed marks={} error=\"{}\"", batch.size(), e.toString());
        }
    }

    @Override
    public void close() {
        closed = true; // not an interrupt: the last flush must not be cut off in the middle of a write
        try {
            flusher.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
