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
 * Queries that {@link StoreCollection} answers from an index range or from the ids they name answer what they did
 * before: each runs against the embedded store's file-backed collections and against its in-memory backend (the
 * unmodified library, which matches every document), and the answers, in order, and the updates' effects must be
 * the same.
 */
@Timeout(60)
class StoreQueriesTest {

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
        try (Stores stores = Stores.open(dir.resolve("data"))) {
            MongoCollection<Document> a = stores.changed("conversations");
            MongoCollection<Document> b = stores.library("conversations");
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

    @Test
    void pagesOfAConversationAnswerAsAFullScanDoes() {
        try (Stores stores = Stores.open(dir.resolve("pages"))) {
            MongoCollection<Document> a = stores.changed("messages");
            MongoCollection<Document> b = stores.library("messages");
            for (MongoCollection<Document> c : List.of(a, b)) {
                c.createIndex(com.mongodb.client.model.Indexes.ascending("conv", "seq"),
                        new com.mongodb.client.model.IndexOptions().unique(true).name("conv_seq_unique"));
                List<Document> all = new ArrayList<>();
                for (int i = 1; i <= 300; i++) {
                    String conv = "c" + (i % 3);
                    all.add(new Document("_id", new ObjectId(new java.util.Date(1_700_000_000_000L + i * 1000L), i))
                            .append("conv", conv).append("seq", (long) i).append("sender", "u" + (i % 4)));
                }
                java.util.Collections.shuffle(all, new java.util.Random(7)); // not in index order on disk
                c.insertMany(all);
            }
            record Page(Bson filter, Bson sort, int limit, int skip) {
            }
            List<Page> pages = List.of(
                    new Page(Filters.and(Filters.eq("conv", "c1"), Filters.exists("seq")), Sorts.descending("seq"), 50, 0),
                    new Page(Filters.and(Filters.eq("conv", "c1"), Filters.lt("seq", 100L)), Sorts.descending("seq"), 10, 0),
                    new Page(Filters.and(Filters.eq("conv", "c1"), Filters.lt("seq", 100)), Sorts.descending("seq"), 10, 0),
                    new Page(Filters.and(Filters.eq("conv", "c2"), Filters.gt("seq", 200L)), Sorts.ascending("seq"), 7, 0),
                    new Page(Filters.and(Filters.eq("conv", "c2"), Filters.gte("seq", 200L)), Sorts.ascending("seq"), 7, 0),
                    new Page(Filters.and(Filters.eq("conv", "c2"), Filters.lte("seq", 200.0)), Sorts.descending("seq"), 3, 2),
                    new Page(Filters.and(Filters.eq("conv", "c0"), Filters.gt("seq", 30L), Filters.lt("seq", 60L)), null, 0, 0),
                    new Page(Filters.and(Filters.eq("conv", "c0"), Filters.gt("seq", 30L), Filters.eq("sender", "u2")), Sorts.descending("seq"), 4, 0),
                    new Page(Filters.and(Filters.eq("conv", "c0"), Filters.exists("seq")), Sorts.descending("sender"), 0, 0),
                    new Page(Filters.and(Filters.eq("conv", "c1"), Filters.eq("seq", 7L)), null, 0, 0),
                    new Page(Filters.and(Filters.eq("conv", "none"), Filters.exists("seq")), Sorts.descending("seq"), 50, 0),
                    new Page(Filters.eq("conv", "c1"), Sorts.ascending("seq"), 5, 0),
                    new Page(Filters.eq("conv", "c1"), Sorts.descending("_id"), 5, 0), // v1: newest by id
                    new Page(Filters.and(Filters.eq("conv", "c2"), Filters.lt("_id", new ObjectId(new java.util.Date(1_700_000_100_000L), 0))),
                            Sorts.descending("_id"), 5, 0),
                    new Page(Filters.eq("sender", "u1"), Sorts.ascending("_id"), 0, 0));
            for (Page page : pages) {
                assertEquals(page(b, page.filter(), page.sort(), page.limit(), page.skip()),
                        page(a, page.filter(), page.sort(), page.limit(), page.skip()), page.toString());
            }
            assertEquals(50, page(a, pages.get(0).filter(), pages.get(0).sort(), 50, 0).size());
            assertEquals(298L, page(a, pages.get(0).filter(), pages.get(0).sort(), 50, 0).get(0).getLong("seq"));
        }
    }

    /** The file-backed store (the code under test) and the in-memory backend (the library's own matching). */
    private record Stores(EmbeddedMongo file, EmbeddedMongo memory, MongoClient fileClient, MongoClient memoryClient)
            implements AutoCloseable {

        static Stores open(Path data) {
            EmbeddedMongo file = EmbeddedMongo.persistent(data, 0);
            EmbeddedMongo memory = EmbeddedMongo.inMemory();
            return new Stores(file, memory, MongoClients.create(file.connectionString()), MongoClients.create(memory.connectionString()));
        }

        MongoCollection<Document> changed(String name) {
            return fileClient.getDatabase("t").getCollection(name);
        }

        MongoCollection<Document> library(String name) {
            return memoryClient.getDatabase("t").getCollection(name);
        }

        @Override
        public void close() {
            fileClient.close();
            memoryClient.close();
            file.close();
            memory.close();
        }
    }

    private static List<Document> page(MongoCollection<Document> collection, Bson filter, Bson sort, int limit, int skip) {
        var found = collection.find(filter).limit(limit).skip(skip);
        if (sort != null) {
            found = found.sort(sort);
        }
        List<Document> page = found.into(new ArrayList<>());
        if (sort == null || sort.toBsonDocument().containsKey("sender")) { // ties and no order: compare as sets
            page.sort(java.util.Comparator.comparing(d -> d.getLong("seq")));
        }
        return page;
    }

    private static List<Document> find(MongoCollection<Document> collection, Bson query) {
        return collection.find(query).sort(Sorts.ascending("lastSeq", "kind")).into(new ArrayList<>());
    }
}
