package chitchat.chat.messages;

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
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.ObjectId;

/**
 * The {@code messages} collection: one document {@code {_id, conv, sender, receiver, message, ts, clientMsgId}}
 * per message, indexed on {@code (conv, _id)} for history pages and unique on {@code (sender, clientMsgId)}.
 *
 * <p>That unique index makes sending idempotent without a read-before-write: a client that re-sends after a lost
 * ack inserts again, the index refuses the duplicate, and the first copy is returned instead.
 */
public final class MessageStore implements AutoCloseable {

    /** What {@link #save} did: stored the message, or found it already stored (a re-send). */
    public record Saved(Message message, boolean duplicate) {
    }

    /**
     * How far before an {@code after=} id catch-up starts: ids from different instances are ordered by time only
     * roughly, so a message stored a moment before another may carry a slightly larger id. The client drops ids
     * it already has, so the overlap costs a little bandwidth and never shows a message twice.
     */
    static final Duration CATCH_UP_OVERLAP = Duration.ofSeconds(5);

    private final MongoCollection<Document> messages;
    private final InsertBatcher batcher;

    public MessageStore(MongoDatabase database) {
        this.messages = database.getCollection("messages");
        messages.createIndex(Indexes.ascending("conv", "_id"), new IndexOptions().name("conv_id"));
        messages.createIndex(Indexes.ascending("sender", "clientMsgId"), new IndexOptions().unique(true).name("sender_clientMsgId_unique"));
        messages.createIndex(Indexes.ascending("receiver", "_id"), new IndexOptions().name("receiver_id"));
        this.batcher = new InsertBatcher(messages, this::existing);
    }

    /** Stores a new message, or returns the one this sender already stored under the same {@code clientMsgId}. */
    public Saved save(String sender, String receiver, String text, String clientMsgId) {
        Message message = new Message(new ObjectId(), sender, receiver, text, Instant.now().truncatedTo(ChronoUnit.MILLIS), clientMsgId);
        return batcher.save(message, toDocument(message));
    }

    /** The copy of a re-sent message that is already stored. */
    private Saved existing(Message resent) {
        return find(resent.sender(), resent.clientMsgId()).map(existing -> new Saved(existing, true))
                .orElseThrow(() -> new com.mongodb.MongoException("duplicate key but no stored message for " + resent.clientMsgId()));
    }

    public Optional<Message> find(String sender, String clientMsgId) {
        return Optional.ofNullable(messages.find(Filters.and(Filters.eq("sender", sender), Filters.eq("clientMsgId", clientMsgId))).first())
                .map(MessageStore::fromDocument);
    }

    /** The newest {@code limit} messages between two users, older than {@code before} when given, oldest first. */
    public List<Message> conversation(String a, String b, Optional<ObjectId> before, int limit) {
        Bson filter = Filters.eq("conv", Message.conversationOf(a, b));
        if (before.isPresent()) {
            filter = Filters.and(filter, Filters.lt("_id", before.get()));
        }
        List<Message> page = new ArrayList<>(limit);
        messages.find(filter).sort(Sorts.descending("_id")).limit(limit).forEach(doc -> page.add(fromDocument(doc)));
        Collections.reverse(page);
        return page;
    }

    /**
     * Up to {@code limit} of {@code user}'s messages in every conversation, oldest first: some from the
     * {@link #CATCH_UP_OVERLAP} before {@code after}, which another instance may have stored late (at most half the
     * page, the nearest ones), then the rest of the page strictly newer than {@code after} (or from the first).
     *
     * <p>So a full page always holds something newer than {@code after}, and a short page means there is nothing
     * newer left: a client that asks again after the newest id it got always moves forward, and stops at a short
     * page, however many messages fall inside the overlap.
     */
    public List<Message> since(String user, Optional<ObjectId> after, int limit) {
        Bson mine = Filters.or(Filters.eq("sender", user), Filters.eq("receiver", user));
        List<Message> page = new ArrayList<>(limit);
        if (after.isPresent() && limit > 1) {
            Bson overlap = Filters.and(mine, Filters.gte("_id", overlapStart(after.get())), Filters.lte("_id", after.get()));
            messages.find(overlap).sort(Sorts.descending("_id")).limit(limit / 2).forEach(doc -> page.add(fromDocument(doc)));
            Collections.reverse(page);
        }
        Bson newer = after.map(id -> Filters.and(mine, Filters.gt("_id", id))).orElse(mine);
        messages.find(newer).sort(Sorts.ascending("_id")).limit(limit - page.size()).forEach(doc -> page.add(fromDocument(doc)));
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

    private static Document toDocument(Message m) {
        return new Document("_id", m.id())
                .append("conv", m.conversation())
                .append("sender", m.sender())
                .append("receiver", m.receiver())
                .append("message", m.text())
                .append("ts", Date.from(m.ts()))
                .append("clientMsgId", m.clientMsgId());
    }

    private static Message fromDocument(Document d) {
        return new Message(d.getObjectId("_id"), d.getString("sender"), d.getString("receiver"),
                d.getString("message"), d.getDate("ts").toInstant(), d.getString("clientMsgId"));
    }
}
