package chitchat.chat.conversations;

import chitchat.chat.messages.Message;
import chitchat.chat.messages.MessageStore;
import chitchat.chat.messages.Numbering;
import chitchat.store.DeferredCommit;
import com.mongodb.ErrorCategory;
import com.mongodb.MongoServerException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.Updates;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * The {@code conversations} collection: one document per conversation {@code {_id, kind, name?, createdBy,
 * createdAt, members, admins, reservedSeq, lastSeq, lastMessage?, updatedAt}}, and the atomic steps that number its
 * messages and change its members.
 *
 * <p>The members list lives in the conversation document (it is bounded by {@code MAX_GROUP_MEMBERS}, so the
 * document cannot grow without limit; the messages are elsewhere). That is what makes numbering and membership
 * one atomic thing: a batch reserves its numbers with {@code $inc reservedSeq} and reads back, in the same
 * operation, who the members were at that instant; a removal {@code $pull}s the member and takes its own number in
 * one operation too. So every message numbered after a removal was numbered without the removed member, on every
 * instance, with no cache to invalidate.
 *
 * <p>{@code reservedSeq} counts numbers given out; {@code lastSeq} is the seq of the newest message actually stored
 * (with a copy in {@code lastMessage} for previews). They differ by numbers in flight, and by numbers never used (a
 * re-sent duplicate, a crash between numbering and storing); unread counts and catch-up use {@code lastSeq}, so an
 * unused number never shows as an unread message.
 */
final class ConversationStore implements Numbering {

    private static final int MAX_KNOWN_DIRECT = 100_000;

    private final MongoCollection<Document> conversations;
    private final Memberships memberships;
    /** Direct conversations known to exist, so a v1 sender's message does not try to create one each time. */
    private final Set<String> knownDirect = ConcurrentHashMap.newKeySet();

    ConversationStore(MongoDatabase database, Memberships memberships) {
        this.conversations = database.getCollection("conversations");
        this.memberships = memberships;
    }

    /**
     * What numbering needs back from a conversation: its counter and its members. Not the rest, above all not its
     * newest message (a whole message document): numbering is the one store call per conversation in every batch.
     */
    private static final Document RESERVE_FIELDS = new Document("reservedSeq", 1).append("members", 1);

    Optional<Conversation> find(String id) {
        return Optional.ofNullable(conversations.find(Filters.eq("_id", id)).first()).map(ConversationStore::conversation);
    }

    /** Each of {@code ids} that exists, in one query (their newest message left out: not needed, and the biggest part). */
    Map<String, Conversation> findAll(java.util.Collection<String> ids) {
        Map<String, Conversation> found = new HashMap<>();
        conversations.find(Filters.in("_id", ids)).projection(new Document("lastMessage", 0))
                .forEach(doc -> found.put(doc.getString("_id"), conversation(doc)));
        return found;
    }

    /** {@code user}'s conversations (as {@code ids} names them, checked against each conversation), most recent first. */
    List<Conversation> recent(String user, Set<String> ids, int limit) {
        List<Conversation> found = new ArrayList<>();
        if (ids.isEmpty()) {
            return found;
        }
        conversations.find(Filters.and(Filters.in("_id", ids), Filters.eq("members", user)))
                .sort(Sorts.descending("updatedAt")).limit(limit)
                .forEach(doc -> found.add(conversation(doc)));
        return found;
    }

    /** The direct conversation of two users, created if it does not exist yet; its members' entries too. */
    Conversation direct(String caller, String other) {
        String id = Message.directId(caller, other);
        Date now = now();
        memberships.join(id, List.of(caller, other), now);
        upsertDirect(id, caller, Updates.setOnInsert("reservedSeq", 0L), now);
        rememberDirect(id);
        return find(id).orElseThrow(() -> new IllegalStateException("direct conversation " + id + " vanished"));
    }

    /** A new group, its first seq reserved for the {@code created} system message. */
    Conversation createGroup(String id, String creator, String name, List<String> members) {
        Date now = now();
        memberships.join(id, members, now);
        Document doc = new Document("_id", id).append("kind", "group").append("name", name)
                .append("createdBy", creator).append("createdAt", now)
                .append("members", members).append("admins", List.of(creator))
                .append("reservedSeq", 1L).append("lastSeq", 0L).append("updatedAt", now);
        conversations.insertOne(doc);
        return conversation(doc);
    }

    /**
     * One group change, atomically: applies {@code update} if the group still satisfies {@code condition}, and
     * reserves the seq of the system message that records it. Empty when the condition no longer held (someone
     * else changed the group meanwhile).
     */
    Optional<Reservation> change(String id, Bson condition, Bson update) {
        Document before = conversations.findOneAndUpdate(Filters.and(Filters.eq("_id", id), Filters.eq("kind", "group"), condition),
                Updates.combine(update, Updates.inc("reservedSeq", 1L)),
                new FindOneAndUpdateOptions().returnDocument(ReturnDocument.BEFORE));
        if (before == null) {
            return Optional.empty();
        }
        Conversation was = conversation(before);
        return Optional.of(new Reservation(reserved(before) + 1, was));
    }

    /** The seq reserved for a system message, and the conversation as it was just before the change. */
    record Reservation(long seq, Conversation before) {
    }

    @Override
    public Optional<Set<String>> recordLate(Message message) {
        // stored()'s update, on its own: it matches only while lastSeq is below the message.
        Document before = conversations.findOneAndUpdate(unrecorded(message), recording(message),
                new FindOneAndUpdateOptions().returnDocument(ReturnDocument.BEFORE).projection(RESERVE_FIELDS));
        if (before == null) {
            return Optional.empty();
        }
        memberships.raiseForSenders(Map.of(message.conversation(), Map.of(message.sender(), message.seq())));
        return Optional.of(Set.copyOf(strings(before, "members")));
    }

    /** The conversation of {@code m}, while its lastSeq is below {@code m}: only ever raised, never lowered. */
    private static Bson unrecorded(Message m) {
        return Filters.and(Filters.eq("_id", m.conversation()), Filters.lt("lastSeq", m.seq()));
    }

    /** {@code m} as its conversation's latest: lastSeq, the preview, and the time the list sorts by. */
    private static Bson recording(Message m) {
        return Updates.combine(Updates.set("lastSeq", m.seq()), Updates.set("lastMessage", MessageStore.document(m)),
                Updates.set("updatedAt", Date.from(m.ts())));
    }

    @Override
    public Optional<Reserved> reserve(String conversation, int count, String creator) {
        if (creator != null && !knownDirect.contains(conversation)) {
            // First message of a v1 sender to this person: create the conversation (and the members' entries) if it
            // is not there yet, in the same operation that numbers the message.
            List<String> pair = directMembers(conversation);
            Date now = now();
            memberships.join(conversation, pair, now);
            Document before = upsertDirect(conversation, creator, Updates.inc("reservedSeq", (long) count), now);
            rememberDirect(conversation);
            return Optional.of(before == null
                    ? new Reserved(1, Set.copyOf(pair))
                    : new Reserved(reserved(before) + 1, Set.copyOf(strings(before, "members"))));
        }
        // Committed by the store with the insert that follows (DeferredCommit): a reservation on its own is worth
        // nothing to keep.
        Document before = conversations.findOneAndUpdate(Filters.eq("_id", conversation), Updates.inc("reservedSeq", (long) count),
                new FindOneAndUpdateOptions().returnDocument(ReturnDocument.BEFORE).comment(DeferredCommit.COMMENT)
                        .projection(RESERVE_FIELDS));
        if (before == null) {
            return Optional.empty();
        }
        return Optional.of(new Reserved(reserved(before) + 1, Set.copyOf(strings(before, "members"))));
    }

    @Override
    public void stored(List<Message> messages) {
        Map<String, Message> newest = new HashMap<>();
        Map<String, Map<String, Long>> bySender = new HashMap<>();
        for (Message m : messages) {
            newest.merge(m.conversation(), m, (a, b) -> a.seq() >= b.seq() ? a : b);
            bySender.computeIfAbsent(m.conversation(), c -> new HashMap<>()).merge(m.sender(), m.seq(), Math::max);
        }
        List<UpdateOneModel<Document>> writes = new ArrayList<>();
        newest.forEach((conversation, m) -> writes.add(new UpdateOneModel<>(unrecorded(m), recording(m))));
        // Two collections, two round trips: made at the same time, so the batch waits for one.
        java.util.concurrent.CompletableFuture<Void> marks = java.util.concurrent.CompletableFuture.runAsync(
                () -> memberships.raiseForSenders(bySender), command -> Thread.ofVirtual().start(command));
        // Previews and marks: worth a commit of their own only to a store that crashes within the next second
        // (DeferredCommit says what is lost then).
        conversations.bulkWrite(writes, new BulkWriteOptions().ordered(false).comment(DeferredCommit.COMMENT));
        try {
            marks.join();
        } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /**
     * Creates the direct conversation {@code id} if it does not exist and applies {@code update} either way; returns
     * the document as it was before, or null when this call created it.
     *
     * <p>Always {@code BEFORE}, never {@code AFTER}: the embedded store answers {@code AFTER} by reading the document
     * again once the update is done, so two concurrent increments can both be told the same new value (seen here:
     * 884 duplicates in 2,000 concurrent {@code $inc}s), while its {@code BEFORE} is taken atomically. Real MongoDB
     * is atomic either way; computing from {@code BEFORE} is right on both.
     */
    private Document upsertDirect(String id, String createdBy, Bson update, Date now) {
        List<String> pair = directMembers(id);
        Bson onInsert = Updates.combine(Updates.setOnInsert("kind", "direct"), Updates.setOnInsert("createdBy", createdBy),
                Updates.setOnInsert("createdAt", now), Updates.setOnInsert("members", pair),
                Updates.setOnInsert("admins", List.of()), Updates.setOnInsert("lastSeq", 0L),
                Updates.setOnInsert("updatedAt", now));
        FindOneAndUpdateOptions options = new FindOneAndUpdateOptions().upsert(true).returnDocument(ReturnDocument.BEFORE);
        try {
            return conversations.findOneAndUpdate(Filters.eq("_id", id), Updates.combine(update, onInsert), options);
        } catch (MongoServerException e) {
            // findAndModify reports a duplicate key as a command error, not a write error: both are server errors.
            if (ErrorCategory.fromErrorCode(e.getCode()) != ErrorCategory.DUPLICATE_KEY) {
                throw e;
            }
            // Two instances created it at the same moment, and this one lost: it exists now.
            return conversations.findOneAndUpdate(Filters.eq("_id", id), update, options);
        }
    }

    private void rememberDirect(String id) {
        if (knownDirect.size() < MAX_KNOWN_DIRECT) {
            knownDirect.add(id);
        }
    }

    /** The two members of a direct conversation: the server made the id from them ({@link Message#directId}). */
    static List<String> directMembers(String id) {
        int bar = id.indexOf('|');
        return List.of(id.substring(0, bar), id.substring(bar + 1));
    }

    static Conversation conversation(Document d) {
        Document last = d.get("lastMessage", Document.class);
        return new Conversation(d.getString("_id"), "group".equals(d.getString("kind")) ? Conversation.Kind.GROUP : Conversation.Kind.DIRECT,
                d.getString("name"), d.getString("createdBy"), instant(d.getDate("createdAt")),
                strings(d, "members"), strings(d, "admins"), number(d, "lastSeq"), instant(d.getDate("updatedAt")),
                Optional.ofNullable(last).map(MessageStore::message));
    }

    private static long reserved(Document d) {
        return number(d, "reservedSeq");
    }

    private static long number(Document d, String field) {
        Number n = d.get(field, Number.class);
        return n == null ? 0 : n.longValue();
    }

    private static List<String> strings(Document d, String field) {
        List<String> list = d.getList(field, String.class);
        return list == null ? List.of() : List.copyOf(new LinkedHashSet<>(list));
    }

    private static Instant instant(Date date) {
        return date == null ? Instant.EPOCH : date.toInstant();
    }

    private static Date now() {
        return Date.from(Instant.now().truncatedTo(ChronoUnit.MILLIS));
    }
}
