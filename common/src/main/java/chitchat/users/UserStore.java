package chitchat.users;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * The {@code users} collection: {@code {username (unique), passwordHash, createdAt}}, or, once the account is
 * deleted, a tombstone {@code {username, deleted: true, deletedAt}} with no password hash.
 *
 * <p>Uniqueness is the database's job, not a check-then-insert: two sign-ups racing for one name both try to
 * insert and the unique index lets exactly one win; the other gets a duplicate-key error, reported as taken.
 *
 * <p>A deleted account keeps its document so that its name stays taken forever: whoever signed up with it again
 * would read as the sender of the old messages and could be taken for the person who left. So {@link #taken}
 * counts tombstones, while {@link #exists} and {@link #listExcept} (everything that means "a user one can talk
 * to") do not; with no hash, {@link #find} gives nothing a password can match.
 */
public final class UserStore {

    /** A stored user. */
    public record User(String username, String passwordHash) {
    }

    /** Live accounts: a tombstone has {@code deleted: true}; every other document has no such field. */
    private static final Bson NOT_DELETED = Filters.ne("deleted", true);

    private final MongoCollection<Document> users;

    public UserStore(MongoDatabase database) {
        this.users = database.getCollection("users");
        users.createIndex(Indexes.ascending("username"), new IndexOptions().unique(true).name("username_unique"));
    }

    /** Inserts a user; false when the name is taken. {@code username} must be canonical. */
    public boolean create(String username, String passwordHash) {
        try {
            users.insertOne(new Document("username", username)
                    .append("passwordHash", passwordHash)
                    .append("createdAt", Date.from(Instant.now())));
            return true;
        } catch (MongoWriteException e) {
            if (e.getError().getCategory() == ErrorCategory.DUPLICATE_KEY) {
                return false;
            }
            throw e;
        }
    }

    public Optional<User> find(String username) {
        Document doc = users.find(Filters.eq("username", username)).first();
        return Optional.ofNullable(doc).map(d -> new User(d.getString("username"), d.getString("passwordHash")));
    }

    /** Replaces {@code username}'s password hash; false when there is no such user (or it was deleted). */
    public boolean setPasswordHash(String username, String passwordHash) {
        return users.updateOne(Filters.and(Filters.eq("username", username), NOT_DELETED), Updates.set("passwordHash", passwordHash))
                .getMatchedCount() == 1;
    }

    /** Whether {@code username} is a live account (not deleted): someone one can write to or add. */
    public boolean exists(String username) {
        return users.find(Filters.and(Filters.eq("username", username), NOT_DELETED)).projection(Projections.include("_id")).first() != null;
    }

    /** Whether the name is used, by a live account or a deleted one: a sign-up with it is refused. */
    public boolean taken(String username) {
        return users.find(Filters.eq("username", username)).projection(Projections.include("_id")).first() != null;
    }

    /**
     * Turns {@code username}'s document into a tombstone: no password hash (no login can match), {@code deleted},
     * {@code deletedAt}. False when there is no live account of that name (never was, or already deleted).
     */
    public boolean tombstone(String username, Instant at) {
        return users.updateOne(Filters.and(Filters.eq("username", username), NOT_DELETED),
                        Updates.combine(Updates.set("deleted", true), Updates.set("deletedAt", Date.from(at)), Updates.unset("passwordHash")))
                .getMatchedCount() == 1;
    }

    /** The names of every deleted account, in alphabetical order. */
    public List<String> deletedNames() {
        List<String> names = new ArrayList<>();
        users.find(Filters.eq("deleted", true))
                .projection(Projections.fields(Projections.include("username"), Projections.excludeId()))
                .sort(Sorts.ascending("username"))
                .forEach(doc -> names.add(doc.getString("username")));
        return names;
    }

    /** Every live username but {@code caller}, in alphabetical order. */
    public List<String> listExcept(String caller) {
        List<String> names = new ArrayList<>();
        users.find(Filters.and(Filters.ne("username", caller), NOT_DELETED))
                .projection(Projections.fields(Projections.include("username"), Projections.excludeId()))
                .sort(Sorts.ascending("username"))
                .forEach(doc -> names.add(doc.getString("username")));
        return names;
    }
}
