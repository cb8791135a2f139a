package chitchat.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Queries that name documents by id answer what they did before {@link IdLookupCollection}: each runs against the
 * embedded store's file-backed collections (the lookup) and against its in-memory backend (the unmodified
 * library, which matches every document), and the answers and the updates' effects must be the same.
 */
@Timeout(60)
class IdLookupTest {

    @TempDir
    Path dir;

    @Test
    void idQueriesWithMoreConditionsAnswerAsAFullScanDoes() {
        ObjectId someId = new ObjectId();
        List<Bson> queries = List.of(
                Filters.and(Filters.eq("_id", "c3"), Filters.lt("lastSeq", 5L)),
                Filters.and(Filters.eq("_id", "c3"), Filters.lt("lastSeq", 2L)),
                Filters.and(Filters.eq("_id", "missing"), Filters.lt("lastSeq", 5L)),
                Filters.and(Filters.in("_id", List.of("c1", "c2", "c7", "c2", "nope")), Filters.eq("members", "u2")),
                Filters.and(Filters.in("_id", List.of("c1", "c4")), Filters.eq("kind", "group")),
                Filters.and(Filters.eq("_id", someId), Filters.eq("kind", "direct")),
                Filters.and(Filters.gt("_id", "c4"), Filters.eq("kind", "direct")), // a range: left to the backend
                Filters.or(Filters.eq("_id", "c1"), Filters.eq("_id", "c5")));
        try (EmbeddedMongo file = EmbeddedMongo.persistent(dir.resolve("data"), 0);
             EmbeddedMongo memory = EmbeddedMongo.inMemory();
             MongoClient fileClient = MongoClients.create(file.connectionString());
             MongoClient memoryClient = MongoClients.create(memory.connectionString())) {
            MongoCollection<Document> a = fileClient.getDatabase("t").getCollection("conversations");
            MongoCollection<Document> b = memoryClient.getDatabase("t").getCollection("conversations");
            for (MongoCollection<Document> c : List.of(a, b)) {
                for (int i = 0; i < 10; i++) {
                    c.insertOne(new Document("_id", "c" + i).append("kind", i % 3 == 0 ? "group" : "direct")
                            .append("members", List.of("u" + i, "u" + (i + 1))).append("lastSeq", (long) i));
                }
                c.insertOne(new Document("_id", someId).append("kind", "direct").append("lastSeq", 0L));
            }
            for (Bson query : queries) {
                assertEquals(find(b, query), find(a, query), query.toString());
            }
            for (MongoCollection<Document> c : List.of(a, b)) {
                c.updateOne(Filters.and(Filters.eq("_id", "c3"), Filters.lt("lastSeq", 7L)), Updates.set("lastSeq", 7L));
                c.updateOne(Filters.and(Filters.eq("_id", "c4"), Filters.lt("lastSeq", 2L)), Updates.set("lastSeq", 2L));
                c.updateMany(Filters.and(Filters.in("_id", List.of("c5", "c6")), Filters.eq("kind", "direct")), Updates.inc("lastSeq", 10L));
            }
            assertEquals(find(b, Filters.empty()), find(a, Filters.empty()), "the same updates took effect");
            assertEquals(7L, a.find(Filters.eq("_id", "c3")).first().getLong("lastSeq"));
            assertEquals(4L, a.find(Filters.eq("_id", "c4")).first().getLong("lastSeq"), "a condition that did not hold changed nothing");
            assertEquals(15L, a.find(Filters.eq("_id", "c5")).first().getLong("lastSeq"));
        }
    }

    private static List<Document> find(MongoCollection<Document> collection, Bson query) {
        return collection.find(query).sort(Sorts.ascending("lastSeq", "kind")).into(new ArrayList<>());
    }
}
