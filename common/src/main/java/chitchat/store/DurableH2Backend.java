package chitchat.store;

import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.message.MongoMessage;
import org.h2.mvstore.MVStore;
import java.util.Set;

/**
 * The embedded store's H2 backend, made durable per write.
 *
 * <p>H2's MVStore commits to its file about once a second by itself, so a process killed in between would lose
 * writes that were already acknowledged, and with them messages the chat-server had acked. Here every write
 * command is committed (written to the file) before its reply goes back: an acked message survives a crash of
 * the store's process. It is written to the operating system, not forced to the disk (no fsync), so a power
 * failure can still lose the last moment; a real MongoDB with journaling is the answer to that. A write tagged
 * {@link DeferredCommit} is the exception: it is committed with the next write (the insert of the messages its
 * batch numbered), so that a batch of messages costs one commit of the file rather than four.
 *
 * <p>Its databases are {@link StoreDatabase}s: the backend's, with keys compared and documents written without Java
 * serialization ({@link StoreDataType}) and documents looked up by id where a query names them.
 */
final class DurableH2Backend extends H2Backend {

    private static final Set<String> WRITES = Set.of("insert", "update", "delete", "findandmodify", "createindexes");

    /**
     * The MVStore's page cache. H2's default, 16 MB, is exceeded by a store of a few hundred thousand messages, and
     * each page read back from the file is deserialized again: 13 % of the store's CPU under {@code make bench} (a
     * profile with the index keys' comparison fixed, {@link StoreDataType}). 64 MB keeps the working set of such a store and is
     * small next to the heap of any JVM this runs in.
     */
    private static final int PAGE_CACHE_MB = 64;

    DurableH2Backend(String file) {
        super(new MVStore.Builder().fileName(file).cacheSize(PAGE_CACHE_MB).open());
    }

    @Override
    protected MongoDatabase openOrCreateDatabase(String databaseName) {
        return new StoreDatabase(databaseName, getMvStore(), getCursorRegistry());
    }

    @Override
    public Document handleMessage(MongoMessage message) {
        Document reply = super.handleMessage(message);
        if (commitsBeforeReply(message.getDocument())) {
            commit();
        }
        return reply;
    }

    /** A write command, unless it is tagged {@link DeferredCommit}: the next committed write takes it along. */
    static boolean commitsBeforeReply(Document command) {
        var keys = command.keySet().iterator();
        return keys.hasNext() && WRITES.contains(keys.next().toLowerCase())
                && !DeferredCommit.COMMENT.equals(command.get("comment"));
    }
}
