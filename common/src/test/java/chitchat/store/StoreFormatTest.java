package chitchat.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.bson.ObjectId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.bson.Document;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded store's unique indexes, ordered by {@link StoreDataType}: they find and refuse what they did when
 * ordered by serialized bytes, and a file written by the unmodified backend is migrated on its first open (its
 * old index maps removed, the new ones built from the documents), without losing a key. Run against the embedded store (mongo-java-server,
 * H2 backend): the only store these classes exist for.
 */
@Timeout(60)
class StoreFormatTest {

    private static final StoreDataType ORDER = new StoreDataType();

    @TempDir
    Path dir;

    @Test
    void aFileOfTheUnmodifiedBackendIsMigratedWithEveryKey() throws Exception {
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        String file = data.resolve("chitchat-store.mv.db").toString();
        MongoServer legacy = new MongoServer(new H2Backend(file));
        legacy.bind("127.0.0.1", 0);
        try (MongoClient client = MongoClients.create("mongodb://127.0.0.1:" + legacy.getLocalAddress().getPort())) {
            MongoCollection<Document> messages = messages(client);
            messages.createIndex(Indexes.ascending("conv", "seq"), new IndexOptions().unique(true).name("conv_seq_unique"));
            List<Document> batch = new ArrayList<>();
            for (int i = 1; i <= 500; i++) {
                batch.add(new Document("_id", "m" + i).append("conv", "c" + (i % 7)).append("seq", (long) i));
            }
            messages.insertMany(batch);
        } finally {
            legacy.shutdownNow();
        }

        try (EmbeddedMongo store = EmbeddedMongo.persistent(data, 0);
             MongoClient client = MongoClients.create(store.connectionString())) {
            MongoCollection<Document> messages = messages(client);
            for (int i = 1; i <= 500; i += 37) {
                Document found = messages.find(Filters.eq("_id", "m" + i)).first(); // served by the _id index
                assertNotNull(found, "m" + i + " found through the migrated _id index");
                assertEquals((long) i, found.getLong("seq"));
            }
            assertDuplicate(() -> messages.insertOne(new Document("_id", "m1")));
            assertDuplicate(() -> messages.insertOne(new Document("_id", "other").append("conv", "c3").append("seq", 3L)));
            messages.insertOne(new Document("_id", "m501").append("conv", "c0").append("seq", 501L));
            assertEquals(501, messages.countDocuments());
        }

        MVStore reopened = MVStore.open(file);
        try {
            assertTrue(reopened.getMapNames().stream().noneMatch(name -> name.contains("._index_")),
                    "the old index maps are gone: " + reopened.getMapNames());
            assertTrue(reopened.getMapNames().contains("databases.t.messages$bson"), reopened.getMapNames().toString());
            assertFalse(reopened.getMapNames().contains("databases.t.messages"), "the old documents' map is gone");
            assertTrue(reopened.getMapNames().stream().anyMatch(name -> name.endsWith("._ordered_index_conv_seq_unique")));
        } finally {
            reopened.close();
        }
    }

    @Test
    void uniqueKeysAreFoundAndRefusedAcrossARestart() {
        Path data = dir.resolve("fresh");
        try (EmbeddedMongo store = EmbeddedMongo.persistent(data, 0);
             MongoClient client = MongoClients.create(store.connectionString())) {
            MongoCollection<Document> messages = messages(client);
            messages.createIndex(Indexes.ascending("sender", "clientMsgId"), new IndexOptions().unique(true).name("sender_clientMsgId_unique"));
            for (int i = 0; i < 300; i++) {
                messages.insertOne(new Document("_id", new org.bson.types.ObjectId()).append("sender", "u" + (i % 10)).append("clientMsgId", "k" + i));
            }
            assertDuplicate(() -> messages.insertOne(new Document("sender", "u3").append("clientMsgId", "k13")));
            messages.insertOne(new Document("sender", "u4").append("clientMsgId", "k13")); // same id, other sender
        }
        try (EmbeddedMongo store = EmbeddedMongo.persistent(data, 0);
             MongoClient client = MongoClients.create(store.connectionString())) {
            MongoCollection<Document> messages = messages(client);
            assertDuplicate(() -> messages.insertOne(new Document("sender", "u7").append("clientMsgId", "k117")));
            assertEquals(301, messages.countDocuments());
        }
    }

    @Test
    void theOrderIsTotalAndAgreesWithEquality() {
        Random random = new Random(42);
        List<KeyValue> keys = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            Object first = switch (random.nextInt(3)) {
                case 0 -> "c" + random.nextInt(5);
                case 1 -> (long) random.nextInt(5);
                default -> new ObjectId();
            };
            keys.add(random.nextBoolean() ? new KeyValue(first) : new KeyValue(first, (double) random.nextInt(3)));
        }
        for (KeyValue a : keys) {
            for (KeyValue b : keys) {
                int ab = ORDER.compare(a, b);
                assertEquals(-Integer.signum(ORDER.compare(b, a)), Integer.signum(ab), a + " vs " + b);
                assertEquals(a.equals(b), ab == 0, a + " vs " + b);
                for (KeyValue c : keys) {
                    if (ab <= 0 && ORDER.compare(b, c) <= 0) {
                        assertFalse(ORDER.compare(a, c) > 0, a + " <= " + b + " <= " + c);
                    }
                }
            }
        }
    }

    @Test
    void keysAreWrittenAndReadBackFieldByField() {
        List<Object> written = List.of(new KeyValue("c1", 42L), new KeyValue(new ObjectId()), new KeyValue("ü", 1.5, true),
                new KeyValue(de.bwaldvogel.mongo.backend.Missing.getInstance()), "not a key", 7L);
        org.h2.mvstore.WriteBuffer buffer = new org.h2.mvstore.WriteBuffer();
        written.forEach(key -> ORDER.write(buffer, key));
        java.nio.ByteBuffer bytes = buffer.getBuffer();
        bytes.flip();
        for (Object key : written) {
            Object read = ORDER.read(bytes);
            assertEquals(key, read);
            if (key instanceof KeyValue) {
                assertEquals(0, ORDER.compare(key, read));
            }
        }
        assertFalse(bytes.hasRemaining());
    }

    @Test
    void documentsAreWrittenAsBsonAndReadBackWithTheirTypes() {
        de.bwaldvogel.mongo.bson.Document nested = new de.bwaldvogel.mongo.bson.Document("text", "héllo 👋").append("n", 3);
        de.bwaldvogel.mongo.bson.Document document = new de.bwaldvogel.mongo.bson.Document("_id", new ObjectId())
                .append("seq", 42L).append("ratio", 0.5).append("ok", true).append("none", null)
                .append("ts", java.time.Instant.ofEpochMilli(1_700_000_000_123L)).append("members", List.of("a", "b"))
                .append("lastMessage", nested);
        org.h2.mvstore.WriteBuffer buffer = new org.h2.mvstore.WriteBuffer();
        ORDER.write(buffer, document);
        java.nio.ByteBuffer bytes = buffer.getBuffer();
        bytes.flip();
        de.bwaldvogel.mongo.bson.Document read = (de.bwaldvogel.mongo.bson.Document) ORDER.read(bytes);
        assertEquals(document, read);
        assertEquals(Long.class, read.get("seq").getClass());
        assertEquals(Integer.class, ((de.bwaldvogel.mongo.bson.Document) read.get("lastMessage")).get("n").getClass());
    }

    @Test
    void aRenamedCollectionKeepsItsDocumentsAndIndexesAcrossARestart() {
        Path data = dir.resolve("renamed");
        try (EmbeddedMongo store = EmbeddedMongo.persistent(data, 0);
             MongoClient client = MongoClients.create(store.connectionString())) {
            MongoCollection<Document> messages = messages(client);
            messages.createIndex(Indexes.ascending("conv", "seq"), new IndexOptions().unique(true).name("conv_seq_unique"));
            messages.insertOne(new Document("_id", "m1").append("conv", "c").append("seq", 1L));
            messages.renameCollection(new com.mongodb.MongoNamespace("t", "archive"));
        }
        try (EmbeddedMongo store = EmbeddedMongo.persistent(data, 0);
             MongoClient client = MongoClients.create(store.connectionString())) {
            MongoCollection<Document> archive = client.getDatabase("t").getCollection("archive");
            assertNotNull(archive.find(Filters.eq("_id", "m1")).first());
            assertDuplicate(() -> archive.insertOne(new Document("_id", "m2").append("conv", "c").append("seq", 1L)));
            assertEquals(0, messages(client).countDocuments());
        }
    }

    private static MongoCollection<Document> messages(MongoClient client) {
        return client.getDatabase("t").getCollection("messages");
    }

    private static void assertDuplicate(Runnable write) {
        MongoWriteException e = assertThrows(MongoWriteException.class, write::run);
        assertEquals(ErrorCategory.DUPLICATE_KEY, ErrorCategory.fromErrorCode(e.getCode()));
    }
}
