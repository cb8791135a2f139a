package chitchat.chat.messages;

import chitchat.chat.protocol.Frames;
import com.mongodb.MongoException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Sorts;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.ObjectId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code messages} collection: one document {@code {_id, conv, seq, sender, receiver?, message, ts, clientMsgId,
 * system?}} per message.
 *
 * <p>Unique on {@code (conv, seq)}, so no two messages of a conversation can ever share a number, whatever a bug
 * elsewhere did; and unique on {@code (sender, clientMsgId)}, which makes sending idempotent without a
 * read-before-write: a client that re-sends after a lost ack inserts again, the index refuses the duplicate, and the
 * first copy is returned instead.
 */
public final class MessageStore implements AutoCloseable {

    /** A message to store: {@code receiver} in a direct conversation; {@code createDirect} for a v1 sender. */
    public record Draft(String conversation, String sender, String receiver, String text, String clientMsgId, boolean createDirect) {
    }

    /**
     * What {@link #save} did: stored the message, or found it already stored (a re-send), and the members it goes
     * to: for a new message as they were when it was numbered; for a re-send none, unless the instance that stored
     * it stopped before delivering it ({@link Numbering#recordLate}), and then the members now.
     */
    public record Saved(Message message, boolean duplicate, Set<String> members) {
    }

    /** The sender is not a member of the conversation, or there is no such conversation: nothing was stored. */
    public static final class NotMember extends RuntimeException {
        public NotMember(String conversation) {
            super("not a member of " + conversation, null, false, false);
        }
    }

    /**
     * The group commit's queue is full, or holds more than it can write soon: the store is writing as fast as it
     * can. Nothing was stored; the sender may send it again (same {@code clientMsgId}) after
     * {@code retryAfterMillis}. Not a {@link MongoException}: the store is up, only busy.
     */
    public static final class Overloaded extends RuntimeException {
        private final long retryAfterMillis;

        public Overloaded(long retryAfterMillis) {
            super("the message store's queue is full", null, false, false);
            this.retryAfterMillis = retryAfterMillis;
        }

        public long retryAfterMillis() {
            return retryAfterMillis;
        }
    }

    /**
     * How far before an {@code after=} id the v1 catch-up starts: ids from different instances are ordered by time
     * only roughly. (v2 catches up by seq, which needs no overlap.)
     */
    static final Duration CATCH_UP_OVERLAP = Duration.ofSeconds(5);

    private static final Logger log = LoggerFactory.getLogger(MessageStore.class);

    private final MongoCollection<Document> messages;
    private final Numbering numbering;
    private final InsertBatcher batcher;

    /**
     * The default of {@code MESSAGE_QUEUE_LIMIT}: about a second of messages at this machine's best rate, so that a
     * refusal comes while a retry can still be quick, and at most a few MB of messages wait in memory.
     */
    public static final int DEFAULT_QUEUE_LIMIT = 8192;

    /**
     * The default of {@code MESSAGE_QUEUE_MAX_WAIT_MS}: a message that would wait longer than this for the group
     * commit is refused at once instead. Latency past a couple of seconds helps no one: the sender's client retries
     * after the hint instead, and what is queued is still written quickly.
     */
    public static final java.time.Duration DEFAULT_QUEUE_MAX_WAIT = java.time.Duration.ofSeconds(2);

    /**
     * {@code queueLimit}: messages that may wait for the group commit before new ones are refused as overloaded;
     * {@code maxWait}: how long, at the writer's recent pace, the queue may take before they are refused.
     */
    public MessageStore(MongoDatabase database, Numbering numbering, int queueLimit, java.time.Duration maxWait) {
        this.messages = database.getCollection("messages");
        // Partial: a v1 message has no seq until the migration numbers it, and MongoDB would take every missing seq
        // as the same null.
        messages.createIndex(Indexes.ascending("conv", "seq"), new IndexOptions().unique(true).name("conv_seq_unique")
                .partialFilterExpression(Filters.exists("seq")));
        messages.createIndex(Indexes.ascending("conv", "_id"), new IndexOptions().name("conv_id"));
        messages.createIndex(Indexes.ascending("sender", "clientMsgId"), new IndexOptions().unique(true).name("sender_clientMsgId_unique"));
        messages.createIndex(Indexes.ascending("receiver", "_id"), new IndexOptions().name("receiver_id"));
        this.numbering = numbering;
        this.batcher = new InsertBatcher(messages, numbering, this::existing, queueLimit, maxWait);
    }

    /**
     * Numbers and stores a new message, or finds the one this sender already stored under the same
     * {@code clientMsgId}: the future completes when its batch is written, or fails as {@link #failure} says. The
     * caller does not wait for the store: a connection reads its next frame while this one is being written.
     */
    public java.util.concurrent.CompletableFuture<Saved> submit(Draft draft) {
        Message message = new Message(new ObjectId(), draft.conversation(), 0, draft.sender(), draft.receiver(), draft.text(),
                Instant.now().truncatedTo(ChronoUnit.MILLIS), draft.clientMsgId(), null);
        return batcher.submit(message, draft.createDirect());
    }

    /**
     * What a failed {@link #submit} means, as one exception: {@link NotMember}, {@link Overloaded}, or a
     * {@link MongoException} (the store could not take it, or did not answer within 20 s).
     */
    public static RuntimeException failure(Throwable cause) {
        if (cause instanceof java.util.concurrent.CompletionException wrapped && wrapped.getCause() != null) {
            cause = wrapped.getCause();
        }
        if (cause instanceof NotMember notMember) {
            return notMember;
        }
        if (cause instanceof Overloaded overloaded) {
            return overloaded;
        }
        if (cause instanceof MongoException mongo) {
            return mongo;
        }
        if (cause instanceof java.util.concurrent.TimeoutException) {
            return new MongoException("store write timed out");
        }
        return new MongoException("store write failed", cause);
    }

    /** Stores a system message under the seq already reserved for it (with the change it records). */
    public Message saveSystem(String conversation, long seq, String text, Frames.SystemEvent event) {
        Message message = new Message(new ObjectId(), conversation, seq, event.actor(), null, text,
                Instant.now().truncatedTo(ChronoUnit.MILLIS), "system:" + new ObjectId().toHexString(), event);
        return batcher.save(message, false).message();
    }

    /**
     * The copy of a re-sent message that is already stored. Usually it was delivered when it was stored and only
     * its ack was lost; but its sender also re-sends when the instance that stored it died before acking, and then
     * perhaps before recording and delivering it too: {@link Numbering#recordLate} finishes that work. (An
     * instance that is only slow, not dead, may then deliver it a second time; clients drop a seq they hold.)
     */
    private Saved existing(Message resent) {
        Message stored = find(resent.sender(), resent.clientMsgId())
                .orElseThrow(() -> new MongoException("duplicate key but no stored message for " + resent.clientMsgId()));
        Set<String> undelivered = stored.seq() > 0 ? numbering.recordLate(stored).orElse(Set.of()) : Set.of();
        if (!undelivered.isEmpty()) {
            log.info("event=recorded_late conversation={} seq={} sender={}", stored.conversation(), stored.seq(), stored.sender());
        }
        return new Saved(stored, true, undelivered);
    }

    public Optional<Message> find(String sender, String clientMsgId) {
        return Optional.ofNullable(messages.find(Filters.and(Filters.eq("sender", sender), Filters.eq("clientMsgId", clientMsgId))).first())
                .map(MessageStore::message);
    }

    /** The newest {@code limit} messages of a conversation, with a seq below {@code before} when given, oldest first. */
    public List<Message> before(String conversation, Optional<Long> before, int limit) {
        // "seq exists" even without a bound: it lets MongoDB use the partial (conv, seq) index for the newest page.
        Bson filter = Filters.and(Filters.eq("conv", conversation),
                before.map(seq -> Filters.lt("seq", seq)).orElse(Filters.exists("seq")));
        List<Message> page = new ArrayList<>(limit);
        messages.find(filter).sort(Sorts.descending("seq")).limit(limit).forEach(doc -> page.add(message(doc)));
        Collections.reverse(page);
        return page;
    }

    /** Up to {@code limit} messages of a conversation with a seq above {@code after}, oldest first. */
    public List<Message> after(String conversation, long after, int limit) {
        List<Message> page = new ArrayList<>(limit);
        messages.find(Filters.and(Filters.eq("conv", conversation), Filters.gt("seq", after)))
                .sort(Sorts.ascending("seq")).limit(limit).forEach(doc -> page.add(message(doc)));
        return page;
    }

    /** v1: the newest {@code limit} messages between two users, older than {@code before} when given, oldest first. */
    public List<Message> conversation(String a, String b, Optional<ObjectId> before, int limit) {
        Bson filter = Filters.eq("conv", Message.directId(a, b));
        if (before.isPresent()) {
            filter = Filters.and(filter, Filters.lt("_id", before.get()));
        }
        List<Message> page = new ArrayList<>(limit);
        messages.find(filter).sort(Sorts.descending("_id")).limit(limit).forEach(doc -> page.add(message(doc)));
        Collections.reverse(page);
        return page;
    }

    /**
     * v1: up to {@code limit} of {@code user}'s direct messages in every conversation, oldest first: some from the
     * {@link #CATCH_UP_OVERLAP} before {@code after}, which another instance may have stored late (at most half the
     * page, the nearest ones), then the rest of the page strictly newer than {@code after} (or from the first).
     *
     * <p>So a full page always holds something newer than {@code after}, and a short page means there is nothing
     * newer left: a client that asks again after the newest id it got always moves forward, and stops at a short
     * page, however many messages fall inside the overlap. Group messages are not included: a v1 client has no way
     * to show them.
     */
    public List<Message> since(String user, Optional<ObjectId> after, int limit) {
        // Direct messages only (they have a receiver): a v1 client has no way to show a group's.
        Bson mine = Filters.and(Filters.or(Filters.eq("sender", user), Filters.eq("receiver", user)), Filters.exists("receiver"));
        List<Message> page = new ArrayList<>(limit);
        if (after.isPresent() && limit > 1) {
            Bson overlap = Filters.and(mine, Filters.gte("_id", overlapStart(after.get())), Filters.lte("_id", after.get()));
            messages.find(overlap).sort(Sorts.descending("_id")).limit(limit / 2).forEach(doc -> page.add(message(doc)));
            Collections.reverse(page);
        }
        Bson newer = after.map(id -> Filters.and(mine, Filters.gt("_id", id))).orElse(mine);
        messages.find(newer).sort(Sorts.ascending("_id")).limit(limit - page.size()).forEach(doc -> page.add(message(doc)));
        return page;
    }

    /** The smallest id made {@link #CATCH_UP_OVERLAP} before {@code id}. */
    static ObjectId overlapStart(ObjectId id) {
        long seconds = Math.max(0, id.getTimestamp() - CATCH_UP_OVERLAP.toSeconds());
        byte[] bytes = new byte[12];
        bytes[0] = (byte) (seconds >>> 24);
        bytes[1] = (byte) (seconds >>> 16);
        bytes[2] = (byte) (seconds >>> 8);
        bytes[3] = (byte) seconds;
        return new ObjectId(bytes);
    }

    @Override
    public void close() {
        batcher.close();
    }

    /** A message as it is stored (and kept as a conversation's latest). */
    public static Document document(Message m) {
        Document doc = new Document("_id", m.id())
                .append("conv", m.conversation())
                .append("seq", m.seq())
                .append("sender", m.sender());
        if (m.receiver() != null) {
            doc.append("receiver", m.receiver());
        }
        doc.append("message", m.text())
                .append("ts", Date.from(m.ts()))
                .append("clientMsgId", m.clientMsgId());
        if (m.system() != null) {
            Document system = new Document("action", m.system().action()).append("actor", m.system().actor());
            if (m.system().target() != null) {
                system.append("target", m.system().target());
            }
            if (m.system().name() != null) {
                system.append("name", m.system().name());
            }
            doc.append("system", system);
        }
        return doc;
    }

    /** A stored message; a v1 one not numbered yet reads with seq 0. */
    public static Message message(Document d) {
        Document system = d.get("system", Document.class);
        Number seq = d.get("seq", Number.class);
        return new Message(d.getObjectId("_id"), d.getString("conv"), seq == null ? 0 : seq.longValue(), d.getString("sender"),
                d.getString("receiver"), d.getString("message"), d.getDate("ts").toInstant(), d.getString("clientMsgId"),
                system == null ? null : new Frames.SystemEvent(system.getString("action"), system.getString("actor"),
                        system.getString("target"), system.getString("name")));
    }
}
