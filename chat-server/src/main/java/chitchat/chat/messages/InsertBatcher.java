package chitchat.chat.messages;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.InsertManyOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit: messages from many connections are written in one {@code insertMany}, and each sender waits only
 * for the batch that holds its message.
 *
 * <p>Under light load a batch holds one message and this costs a thread hand-off. Under heavy load, while one
 * batch is being written the next one gathers, so the number of database round trips grows far slower than the
 * message rate. Inserts are unordered: a duplicate (a re-sent {@code clientMsgId}) fails alone, and is answered
 * with the copy already stored.
 */
final class InsertBatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(InsertBatcher.class);
    static final int MAX_BATCH = 256;
    private static final int MAX_WAITING = 8192;

    private record Pending(Message message, Document document, CompletableFuture<MessageStore.Saved> result) {
    }

    private final MongoCollection<Document> collection;
    private final Function<Message, MessageStore.Saved> findDuplicate;
    private final BlockingQueue<Pending> waiting = new ArrayBlockingQueue<>(MAX_WAITING);
    private final Thread writer;
    private volatile boolean closed;

    InsertBatcher(MongoCollection<Document> collection, Function<Message, MessageStore.Saved> findDuplicate) {
        this.collection = collection;
        this.findDuplicate = findDuplicate;
        this.writer = Thread.ofPlatform().name("message-writer").daemon().start(this::writeLoop);
    }

    /** Stores the message with the next batch and waits until that batch is written. */
    MessageStore.Saved save(Message message, Document document) {
        Pending pending = new Pending(message, document, new CompletableFuture<>());
        if (closed || !waiting.offer(pending)) {
            throw new MongoException("the message store is overloaded or closing");
        }
        try {
            return pending.result().get(20, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof MongoException m ? m : new MongoException("store write failed", e.getCause());
        } catch (TimeoutException e) {
            throw new MongoException("store write timed out");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MongoException("interrupted while storing");
        }
    }

    private void writeLoop() {
        List<Pending> batch = new ArrayList<>(MAX_BATCH);
        while (!closed || !waiting.isEmpty()) {
            try {
                Pending first = waiting.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                waiting.drainTo(batch, MAX_BATCH - 1);
                write(batch);
            } catch (InterruptedException e) {
                return;
            } catch (Throwable t) {
                log.error("event=batch_write_failed size={} error=\"{}\"", batch.size(), t.toString());
                batch.forEach(p -> p.result().completeExceptionally(t));
            } finally {
                batch.clear();
            }
        }
    }

    private void write(List<Pending> batch) {
        try {
            collection.insertMany(batch.stream().map(Pending::document).toList(), new InsertManyOptions().ordered(false));
            batch.forEach(p -> p.result().complete(new MessageStore.Saved(p.message(), false)));
        } catch (MongoBulkWriteException e) {
            Map<Integer, BulkWriteError> failed = new HashMap<>();
            e.getWriteErrors().forEach(error -> failed.put(error.getIndex(), error));
            for (int i = 0; i < batch.size(); i++) {
                Pending p = batch.get(i);
                BulkWriteError error = failed.get(i);
                if (error == null) {
                    p.result().complete(new MessageStore.Saved(p.message(), false));
                } else if (ErrorCategory.fromErrorCode(error.getCode()) == ErrorCategory.DUPLICATE_KEY) {
                    completeDuplicate(p);
                } else {
                    p.result().completeExceptionally(new MongoException(error.getCode(), error.getMessage()));
                }
            }
        } catch (MongoException e) {
            batch.forEach(p -> p.result().completeExceptionally(e));
        }
    }

    private void completeDuplicate(Pending p) {
        try {
            p.result().complete(findDuplicate.apply(p.message()));
        } catch (RuntimeException e) {
            p.result().completeExceptionally(e);
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            writer.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
