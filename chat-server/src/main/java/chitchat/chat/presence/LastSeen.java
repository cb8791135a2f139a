package chitchat.chat.presence;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Updates;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import org.bson.Document;

/**
 * The {@code lastSeen} field of the {@code users} collection (a Date): when the user's last connection on any
 * instance closed. Written once per going offline, never per heartbeat, so a connected user costs no writes.
 */
final class LastSeen {

    private final MongoCollection<Document> users;

    LastSeen(MongoDatabase database) {
        this.users = database.getCollection("users");
    }

    void write(String user, Instant at) {
        users.updateOne(Filters.eq("username", user), Updates.set("lastSeen", Date.from(at)));
    }

    /** The users of {@code names} that have a {@code lastSeen}, with it; one query. */
    Map<String, Instant> of(Collection<String> names) {
        Map<String, Instant> seen = new HashMap<>();
        if (names.isEmpty()) {
            return seen;
        }
        users.find(Filters.in("username", names))
                .projection(Projections.fields(Projections.include("username", "lastSeen"), Projections.excludeId()))
                .forEach(doc -> {
                    Date at = doc.getDate("lastSeen");
                    if (at != null) {
                        seen.put(doc.getString("username"), at.toInstant());
                    }
                });
        return seen;
    }
}
