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
 * <p>{@code $max} is what keeps marks from ever moving back, whatever the order of flushes on different instances.
 * A crash loses at most the marks of one interval, which the clients send again with their next frames (a mark is
 * never acknowledged to a client, so no client relies on one having been written).
 */
final class MarkWriter implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MarkWriter.class);
    static final Duration FLUSH_INTERVAL = Duration.ofMillis(200);

    /** The marks asked for one member of one conversation since the last flush. */
    private record Pending(String conversation, String user, long readSeq, long deliveredSeq) {
        Pending raise(long read, long delivered) {
            return new Pending(conversation, user, Math.max(readSeq, read), Math.max(deliveredSeq, delivered));
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
     * delivered only), with the next flush. The caller has checked that the user is a member, and capped the seq.
     */
    void raise(String conversation, String user, long seq, boolean read) {
        String key = Memberships.key(conversation, user);
        synchronized (lock) {
            Pending was = pending.get(key);
            Pending now = was == null
                    ? new Pending(conversation, user, read ? seq : 0, seq)
                    : was.raise(read ? seq : 0, seq);
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
     * Writes every pending mark in two round trips, then announces those that moved to the conversations' members as
     * they are now (a third read): someone removed since the frame hears nothing more of the group.
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
        List<Pending> entries = new ArrayList<>(batch.values());
        try {
            Map<String, Memberships.Marks> before = memberships.marksOf(batch.keySet());
            memberships.raiseAll(entries.stream()
                    .map(p -> new Memberships.Raise(p.conversation(), p.user(), p.readSeq(), p.deliveredSeq())).toList());
            Map<String, List<String>> members = conversations.membersOf(entries.stream().map(Pending::conversation).distinct().toList());
            for (Pending p : entries) {
                Memberships.Marks was = before.getOrDefault(Memberships.key(p.conversation(), p.user()), Memberships.Marks.NONE);
                long read = Math.max(was.readSeq(), p.readSeq());
                long delivered = Math.max(was.deliveredSeq(), p.deliveredSeq());
                if (read != was.readSeq() || delivered != was.deliveredSeq()) {
                    fanout.publish(members.getOrDefault(p.conversation(), List.of()), Frames.receipt(p.conversation(), p.user(), read, delivered));
                }
            }
        } catch (RuntimeException e) {
            // Marks are only ever raised, and clients send newer ones soon: dropping this batch loses nothing for long.
            log.warn("event=marks_write_failed marks={} error=\"{}\"", entries.size(), e.toString());
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
