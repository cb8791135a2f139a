package chitchat.chat.conversations;

import chitchat.chat.messages.Message;
import chitchat.chat.messages.MessageStore;
import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.Updates;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a database written by the v1 server: gives each direct conversation its document and its members' entries,
 * and numbers its messages in the order they were stored.
 *
 * <p>Run at every start, before the server takes a frame; after the first complete run it only reads one marker
 * document. It works in chunks in {@code _id} order (the order v1 stored and served them), takes each chunk's
 * numbers from the same counter as new messages ({@link ConversationStore#reserve}), and writes them with an
 * ordered bulk update, so a crash leaves a numbered prefix and the next start carries on after it: numbers are
 * never reused, so some may be skipped, and the order is kept. One instance migrates at a time (a lease in the
 * {@code migrations} collection); the others wait for it to finish. Everything from v1 counts as read: the unread
 * counts of a v1 client were its own, in the browser, and are not known here.
 */
public final class V1Migration {

    private static final Logger log = LoggerFactory.getLogger(V1Migration.class);
    private static final String DONE = "v2_numbering";
    private static final String LEASE = "v2_numbering_lease";
    private static final Duration LEASE_TIME = Duration.ofMinutes(2);
    private static final Duration WAIT_AT_MOST = Duration.ofMinutes(10);
    static final int CHUNK = 2000;

    private V1Migration() {
    }

    /** Numbers every v1 message not numbered yet; returns how many it numbered. */
    public static long run(MongoDatabase database, Conversations conversations) {
        MongoCollection<Document> migrations = database.getCollection("migrations");
        Instant deadline = Instant.now().plus(WAIT_AT_MOST);
        while (migrations.find(Filters.eq("_id", DONE)).first() == null) {
            if (takeLease(migrations)) {
                try {
                    long numbered = number(database.getCollection("messages"), conversations, migrations);
                    migrations.updateOne(Filters.eq("_id", DONE), Updates.set("at", new Date()), new com.mongodb.client.model.UpdateOptions().upsert(true));
                    log.info("event=v1_migration_done messages_numbered={}", numbered);
                    return numbered;
                } finally {
                    migrations.deleteOne(Filters.eq("_id", LEASE));
                }
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("another instance has been migrating the v1 data for " + WAIT_AT_MOST.toMinutes()
                        + " minutes; if none is, delete the document " + LEASE + " from the migrations collection");
            }
            log.info("event=v1_migration_waiting reason=\"another instance is migrating\"");
            sleep(Duration.ofSeconds(2));
        }
        return 0;
    }

    private static long number(MongoCollection<Document> messages, Conversations conversations, MongoCollection<Document> migrations) {
        long numbered = 0;
        while (true) {
            List<Message> chunk = new ArrayList<>(CHUNK);
            messages.find(Filters.exists("seq", false)).sort(Sorts.ascending("_id")).limit(CHUNK)
                    .forEach(doc -> chunk.add(MessageStore.message(doc)));
            if (chunk.isEmpty()) {
                return numbered;
            }
            renewLease(migrations);
            Map<String, List<Message>> byConversation = new LinkedHashMap<>();
            chunk.forEach(m -> byConversation.computeIfAbsent(m.conversation(), c -> new ArrayList<>()).add(m));
            List<Message> stored = new ArrayList<>(chunk.size());
            List<UpdateOneModel<Document>> writes = new ArrayList<>(chunk.size());
            // v1 history counts as read: both members' marks rise to the newest message numbered here.
            List<Memberships.Raise> read = new ArrayList<>();
            byConversation.forEach((conversation, inOrder) -> {
                long next = conversations.store.reserve(conversation, inOrder.size(), inOrder.get(0).sender())
                        .orElseThrow(() -> new IllegalStateException("cannot create conversation " + conversation)).first();
                for (Message m : inOrder) {
                    Message withSeq = new Message(m.id(), m.conversation(), next++, m.sender(), m.receiver(), m.text(), m.ts(), m.clientMsgId(), null);
                    stored.add(withSeq);
                    writes.add(new UpdateOneModel<>(Filters.and(Filters.eq("_id", m.id()), Filters.exists("seq", false)),
                            Updates.set("seq", withSeq.seq())));
                }
                long newest = next - 1;
                ConversationStore.directMembers(conversation).forEach(member -> read.add(new Memberships.Raise(conversation, member, newest, newest)));
            });
            // The conversations' latest and marks first: if a crash follows, the messages are numbered again (higher)
            // on the next start, and moving these again to the higher numbers repairs them; the other way round, a
            // crash would leave numbered messages that no later start looks at, behind a stale lastSeq.
            conversations.store.stored(stored);
            // Ordered, in _id order within each conversation: a crash midway leaves a numbered prefix.
            messages.bulkWrite(writes, new BulkWriteOptions().ordered(true));
            conversations.memberships.raiseAll(read);
            numbered += chunk.size();
            log.info("event=v1_migration_progress messages_numbered={}", numbered);
        }
    }

    private static boolean takeLease(MongoCollection<Document> migrations) {
        Date now = new Date();
        migrations.deleteOne(Filters.and(Filters.eq("_id", LEASE), Filters.lt("until", now)));
        try {
            migrations.insertOne(new Document("_id", LEASE).append("until", new Date(now.getTime() + LEASE_TIME.toMillis())));
            return true;
        } catch (MongoWriteException e) {
            if (ErrorCategory.fromErrorCode(e.getCode()) == ErrorCategory.DUPLICATE_KEY) {
                return false;
            }
            throw e;
        }
    }

    private static void renewLease(MongoCollection<Document> migrations) {
        migrations.updateOne(Filters.eq("_id", LEASE), Updates.set("until", new Date(System.currentTimeMillis() + LEASE_TIME.toMillis())));
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the v1 migration", e);
        }
    }
}
