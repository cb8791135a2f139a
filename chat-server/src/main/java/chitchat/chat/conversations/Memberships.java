package chitchat.chat.conversations;

import chitchat.store.DeferredCommit;
import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.BulkWriteOptions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * The {@code memberships} collection: one document {@code {_id: "<conv>#<user>", conv, user, active, readSeq,
 * deliveredSeq, joinedAt, muted}} per member of a conversation, for two jobs: each member's marks (and their own
 * settings for it: {@code muted}), and the index from a user to their conversations.
 *
 * <p>Who is a member is decided by the conversation's own {@code members} list, which changes atomically with the
 * numbering of messages; this collection follows it. It is written before a member is added and after one is
 * removed, so a crash in between can leave it claiming too much, never too little, and every reader checks the
 * conversation itself. The marks live here rather than in the conversation document so that a read in a large
 * group rewrites one small document, not the group's.
 */
final class Memberships {

    /**
     * A member's marks: read up to, and received (on some device) up to; and whether they muted the conversation,
     * which rides along because every reader of the caller's marks (the list, one conversation) shows it too.
     */
    record Marks(long readSeq, long deliveredSeq, boolean muted) {
        static final Marks NONE = new Marks(0, 0, false);
    }


    private final MongoCollection<Document> memberships;

    Memberships(MongoDatabase database) {
        this.memberships = database.getCollection("memberships");
        memberships.createIndex(Indexes.ascending("user", "active"), new IndexOptions().name("user_active"));
        memberships.createIndex(Indexes.ascending("conv"), new IndexOptions().name("conv"));
    }

    /** {@code #} appears in neither ids nor usernames, so the key is unique and never ambiguous. */
    static String key(String conversation, String user) {
        return conversation + "#" + user;
    }

    /** Makes each user an active member (keeping marks they had before, if they were a member once). */
    void join(String conversation, Collection<String> users, Date at) {
        List<UpdateOneModel<Document>> writes = new ArrayList<>();
        for (String user : users) {
            writes.add(new UpdateOneModel<>(Filters.eq("_id", key(conversation, user)),
                    Updates.combine(Updates.set("active", true),
                            Updates.setOnInsert("conv", conversation), Updates.setOnInsert("user", user),
                            Updates.setOnInsert("readSeq", 0L), Updates.setOnInsert("deliveredSeq", 0L),
                            Updates.setOnInsert("joinedAt", at)),
                    new UpdateOptions().upsert(true)));
        }
        if (writes.isEmpty()) {
            return;
        }
        try {
            memberships.bulkWrite(writes, new BulkWriteOptions().ordered(false));
        } catch (MongoBulkWriteException e) {
            boolean raced = e.getWriteErrors().stream()
                    .allMatch(error -> ErrorCategory.fromErrorCode(error.getCode()) == ErrorCategory.DUPLICATE_KEY);
            if (!raced) {
                throw e;
            }
            // Another instance inserted the same entries a moment ago (two upserts racing): now they exist, and
            // the same writes update them.
            memberships.bulkWrite(writes, new BulkWriteOptions().ordered(false));
        }
    }

    void leave(String conversation, String user) {
        memberships.updateOne(Filters.eq("_id", key(conversation, user)), Updates.set("active", false));
    }

    /**
     * Sets whether {@code user} muted {@code conversation}: their own setting, on their own membership only, so
     * muting never touches another member's document. Absent (older documents) reads as not muted. The caller
     * checked the conversation's members first; an entry missing all the same (a store restored from before it
     * was written) is made as {@link #join} would, rather than the setting being dropped without a word. It is
     * kept across leaving and joining again, like the marks.
     */
    void mute(String conversation, String user, boolean muted, Date at) {
        memberships.updateOne(Filters.eq("_id", key(conversation, user)),
                Updates.combine(Updates.set("muted", muted),
                        Updates.setOnInsert("conv", conversation), Updates.setOnInsert("user", user),
                        Updates.setOnInsert("active", true), Updates.setOnInsert("readSeq", 0L),
                        Updates.setOnInsert("deliveredSeq", 0L), Updates.setOnInsert("joinedAt", at)),
                new UpdateOptions().upsert(true));
    }

    /** The conversations {@code user} is an active member of, with their marks. */
    Map<String, Marks> of(String user) {
        Map<String, Marks> marks = new HashMap<>();
        memberships.find(Filters.and(Filters.eq("user", user), Filters.eq("active", true)))
                .forEach(doc -> marks.put(doc.getString("conv"), marks(doc)));
        return marks;
    }

    /** The active members of any of {@code conversations}. */
    java.util.Set<String> usersIn(Collection<String> conversations) {
        java.util.Set<String> users = new java.util.HashSet<>();
        if (conversations.isEmpty()) {
            return users;
        }
        memberships.find(Filters.and(Filters.in("conv", conversations), Filters.eq("active", true)))
                .projection(new Document("user", 1))
                .forEach(doc -> users.add(doc.getString("user")));
        return users;
    }

    /** The marks of every active member of {@code conversation}. */
    Map<String, Marks> in(String conversation) {
        Map<String, Marks> marks = new HashMap<>();
        memberships.find(Filters.and(Filters.eq("conv", conversation), Filters.eq("active", true)))
                .forEach(doc -> marks.put(doc.getString("user"), marks(doc)));
        return marks;
    }

    /** The marks of the members named by {@code keys} ({@code "<conv>#<user>"}), in one query. */
    Map<String, Marks> marksOf(java.util.Collection<String> keys) {
        Map<String, Marks> marks = new HashMap<>();
        memberships.find(Filters.in("_id", keys)).forEach(doc -> marks.put(doc.getString("_id"), marks(doc)));
        return marks;
    }

    /** A member's marks to raise: read up to, and received up to (0 leaves a mark as it is). */
    record Raise(String conversation, String user, long readSeq, long deliveredSeq) {
    }

    /** Raises every member's marks in one round trip; {@code $max}, so a mark never moves down. */
    void raiseAll(List<Raise> raises) {
        List<UpdateOneModel<Document>> writes = new ArrayList<>();
        for (Raise r : raises) {
            writes.add(new UpdateOneModel<>(Filters.eq("_id", key(r.conversation(), r.user())),
                    Updates.combine(Updates.max("readSeq", r.readSeq()), Updates.max("deliveredSeq", r.deliveredSeq()))));
        }
        if (!writes.isEmpty()) {
            // A mark may be lost in a crash (the client sends it again), never moved down: no commit of its own.
            memberships.bulkWrite(writes, new BulkWriteOptions().ordered(false).comment(DeferredCommit.COMMENT));
        }
    }

    /** Sending marks read: each sender's marks rise to the newest seq they sent, in one round trip for all. */
    void raiseForSenders(Map<String, Map<String, Long>> newestByConversationAndSender) {
        List<Raise> raises = new ArrayList<>();
        newestByConversationAndSender.forEach((conversation, bySender) -> bySender.forEach((sender, seq) ->
                raises.add(new Raise(conversation, sender, seq, seq))));
        raiseAll(raises);
    }

    private static Marks marks(Document doc) {
        Number read = doc.get("readSeq", Number.class);
        Number delivered = doc.get("deliveredSeq", Number.class);
        return new Marks(read == null ? 0 : read.longValue(), delivered == null ? 0 : delivered.longValue(),
                Boolean.TRUE.equals(doc.getBoolean("muted")));
    }
}
