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
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.bson.Document;

/**
 * The {@code users} collection: {@code {username (unique), passwordHash, createdAt}}.
 *
 * <p>Uniqueness is the database's job, not a check-then-insert: two sign-ups racing for one name both try to
 * insert and the unique index lets exactly one win; the other gets a duplicate-key error, reported as taken.
 */
public final class UserStore {

    /** A stored user. */
    public record User(String username, String passwordHash) {
    }

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

    /** Replaces {@code username}'s password hash; false when there is no such user. */
    public boolean setPasswordHash(String username, String passwordHash) {
        return users.updateOne(Filters.eq("username", username), com.mongodb.client.model.Updates.set("passwordHash", passwordHash))
                .getMatchedCount() == 1;
    }

    public boolean exists(String username) {
        return users.find(Filters.eq("username", username)).projection(Projections.include("_id")).first() != null;
    }

    /** Every username but {@code caller}, in alphabetical order. */
    public List<String> listExcept(String caller) {
        List<String> names = new ArrayList<>();
        users.find(Filters.ne("username", caller))
                .projection(Projections.fields(Projections.include("username"), Projections.excludeId()))
                .sort(Sorts.ascending("username"))
                .forEach(doc -> names.add(doc.getString("username")));
        return names;
    }
}
