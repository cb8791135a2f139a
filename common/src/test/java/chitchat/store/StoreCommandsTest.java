package chitchat.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The store's round-trip counts, which the benchmark divides by messages: one per command the driver sends, by
 * command and collection, whatever the number of documents in it.
 */
@Timeout(30)
class StoreCommandsTest {

    @Test
    void eachCommandCountsOnceByCommandAndCollection() {
        try (EmbeddedMongo mongo = EmbeddedMongo.inMemory(); DatabaseConnection store = DatabaseConnection.connect(mongo.connectionString(), "commands_test")) {
            MongoCollection<Document> messages = store.database().getCollection("messages");
            MongoCollection<Document> users = store.database().getCollection("users");
            messages.insertMany(List.of(new Document("_id", 1), new Document("_id", 2), new Document("_id", 3)));
            messages.updateOne(Filters.eq("_id", 1), Updates.set("seen", true));
            messages.find(Filters.eq("_id", 2)).first();
            users.insertOne(new Document("_id", "alice"));

            StoreCommands counts = store.commands();
            assertEquals(1, counts.count("insert", "messages"), "one insertMany is one round trip");
            assertEquals(1, counts.count("update", "messages"));
            assertEquals(1, counts.count("find", "messages"));
            assertEquals(1, counts.count("insert", "other"), "collections not named apart count as other");
            assertEquals(0, counts.count("delete", "messages"));
        }
    }
}
