package chitchat.users;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bson.Document;

/**
 * The {@code deletions} collection: accounts deleted on the auth-server whose groups the chat-server still has to
 * take them out of. {@code {_id: username, at, done, leaseUntil?, doneAt?}}.
 *
 * <p>The two services never call each other, so the auth-server writes the work down here and every chat-server
 * instance polls for it. The username is the {@code _id}: a name is deleted once (its tombstone keeps it taken),
 * so writing the entry again, after a failure half-way, changes nothing. Several instances see the same entry;
 * the one whose {@link #claim} (a conditional {@code findOneAndUpdate}) sets the lease does the work, and an
 * instance that dies half-way leaves the lease to run out, after which another claims it and finishes (each step
 * of the work is itself conditional, so doing part of it twice records nothing twice).
 */
public final class Deletions {

    /** One deleted account, and whether its groups have been dealt with. */
    public record Entry(String username, Instant at, boolean done) {
    }

    private final MongoCollection<Document> deletions;

    public Deletions(MongoDatabase database) {
        this.deletions = database.getCollection("deletions");
        deletions.createIndex(Indexes.ascending("done"), new IndexOptions().name("done"));
        deletions.createIndex(Indexes.ascending("at"), new IndexOptions().name("at"));
    }

    /** Writes down that {@code username} was deleted at {@code at}; again for the same name, nothing changes. */
    public void record(String username, Instant at) {
        deletions.updateOne(Filters.eq("_id", username),
                Updates.combine(Updates.setOnInsert("at", Date.from(at)), Updates.setOnInsert("done", false)),
                new UpdateOptions().upsert(true));
    }

    /** The entries written at or after {@code from}, and every one not done yet, whenever it was written. */
    public List<Entry> sinceOrPending(Instant from) {
        List<Entry> entries = new ArrayList<>();
        deletions.find(Filters.or(Filters.gte("at", Date.from(from)), Filters.eq("done", false))).forEach(doc -> {
            Date at = doc.getDate("at");
            entries.add(new Entry(doc.getString("_id"), at == null ? Instant.EPOCH : at.toInstant(), Boolean.TRUE.equals(doc.getBoolean("done"))));
        });
        return entries;
    }

    /** Takes the work on {@code username} for {@code lease}; false when it is done, or another instance holds it. */
    public boolean claim(String username, Instant now, Duration lease) {
        return deletions.findOneAndUpdate(
                Filters.and(Filters.eq("_id", username), Filters.eq("done", false),
                        Filters.or(Filters.exists("leaseUntil", false), Filters.lt("leaseUntil", Date.from(now)))),
                Updates.set("leaseUntil", Date.from(now.plus(lease)))) != null;
    }

    /** The work on {@code username} is finished: no instance takes it again. */
    public void finish(String username, Instant now) {
        deletions.updateOne(Filters.eq("_id", username), Updates.combine(Updates.set("done", true), Updates.set("doneAt", Date.from(now))));
    }
}
