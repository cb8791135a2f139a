package chitchat.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded store commits its file before it answers a write, except a write tagged {@link DeferredCommit},
 * which the next committed write takes along. "What the file holds" is read from a copy of it taken while the
 * store runs: what a machine would find on disk had the store's process died at that moment.
 */
@Timeout(60)
class DeferredCommitTest {

    @TempDir
    Path dir;

    @Test
    void writeCommandsCommitUnlessTaggedAndReadsNever() {
        assertTrue(DurableH2Backend.commitsBeforeReply(command("insert", "messages").append("documents", 1)));
        assertTrue(DurableH2Backend.commitsBeforeReply(command("findAndModify", "conversations")));
        assertTrue(DurableH2Backend.commitsBeforeReply(command("update", "memberships").append("comment", "something else")));
        assertFalse(DurableH2Backend.commitsBeforeReply(command("update", "memberships").append("comment", DeferredCommit.COMMENT)));
        assertFalse(DurableH2Backend.commitsBeforeReply(command("findAndModify", "conversations").append("comment", DeferredCommit.COMMENT)));
        assertFalse(DurableH2Backend.commitsBeforeReply(command("find", "messages")));
    }

    @Test
    void aDeferredWriteIsInTheFileOnceTheNextWriteIsCommitted() throws Exception {
        Path data = dir.resolve("data");
        try (EmbeddedMongo store = EmbeddedMongo.persistent(data, 0);
             MongoClient client = MongoClients.create(store.connectionString())) {
            MongoCollection<Document> conversations = client.getDatabase("t").getCollection("conversations");
            MongoCollection<Document> messages = client.getDatabase("t").getCollection("messages");
            conversations.insertOne(new Document("_id", "c").append("reservedSeq", 0L));

            conversations.updateOne(Filters.eq("_id", "c"), Updates.inc("reservedSeq", 1L),
                    new UpdateOptions().comment(DeferredCommit.COMMENT));
            messages.insertOne(new Document("_id", "m1").append("conv", "c").append("seq", 1L));
            Path copy = copyOfFile(data, "after-insert");

            try (EmbeddedMongo crashed = EmbeddedMongo.persistent(copy, 0);
                 MongoClient reader = MongoClients.create(crashed.connectionString())) {
                Document conversation = reader.getDatabase("t").getCollection("conversations").find(Filters.eq("_id", "c")).first();
                assertNotNull(conversation);
                assertEquals(1L, conversation.getLong("reservedSeq"), "the reservation went to the file with the insert");
                assertNotNull(reader.getDatabase("t").getCollection("messages").find(Filters.eq("_id", "m1")).first(),
                        "the insert is in the file before its answer");
            }
        }
    }

    private static de.bwaldvogel.mongo.bson.Document command(String name, Object value) {
        return new de.bwaldvogel.mongo.bson.Document(name, value);
    }

    private Path copyOfFile(Path data, String name) throws Exception {
        Path copy = dir.resolve(name);
        Files.createDirectories(copy);
        Files.copy(data.resolve("chitchat-store.mv.db"), copy.resolve("chitchat-store.mv.db"));
        return copy;
    }
}
