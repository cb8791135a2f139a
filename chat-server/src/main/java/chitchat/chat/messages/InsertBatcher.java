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
import java.util.function.Function;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit: messages from many connections are numbered and written together, and each sender waits only for
 * the batch that holds its message.
 *
 * <p>A batch costs one round trip per conversation in it to reserve its numbers ({@link Numbering#reserve}: all the
 * batch's messages to one conversation share one; the conversations' reservations are made at the same time, up to
 * {@link #PARALLEL_RESERVATIONS} at once), one {@code insertMany} for all of them, and one bulk update each
 * for the conversations' latest messages and the senders' marks ({@link Numbering#stored}). Under light load a batch
 * holds one message; under heavy load, while one batch is being written the next one gathers, so the number of
 * round trips grows far slower than the message rate.
 *
 * <p>Inserts are unordered: a duplicate (a re-sent {@code clientMsgId}) fails alone, and is answered with the copy
 * already stored; the number reserved for it is left unused. So is a number reserved for a message whose sender
 * turned out not to be a member, and every number of a batch whose insert failed: numbers are never reused, so a
 * gap in a conversation's seqs is normal, and two messages never share one.
 */
final class InsertBatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(InsertBatcher.class);
    static final int MAX_BATCH = 256;
    /** The retry hint's bounds: soon enough that a short burst costs little, far enough that retries don't pile up. */
    private static final long MIN_RETRY_MILLIS = 500, MAX_RETRY_MILLIS = 10_000;

    /** A message waiting for its batch; {@code createDirect} when a v1 client wrote to a name. */
    private record Pending(Message message, boolean createDirect, CompletableFuture<MessageStore.Saved> result) {
    }

    private final MongoCollection<Document> collection;
    private final Numbering numbering;
    private final Function<Message, MessageStore.Saved> findDuplicate;
    private final BlockingQueue<Pending> waiting;
    /** Past this estimated wait for the writer, a new message is refused: a queue that long is only latency. */
    private final long maxWaitNanos;
    private final Thread writer;
    /**
     * Where a batch's conversations are numbered at once: each is a round trip of its own (one counter per
     * conversation, taken atomically), and a batch of 50 messages to 50 conversations made one after another would
     * keep the writer waiting for 50 round trips. Bounded, so that a batch never takes more of the store's
     * connection pool than this.
     */
    private static final int PARALLEL_RESERVATIONS = 16;
    /**
     * The bound on how long a sender waits for its message's batch (the driver's read timeout is 10 s, and a
     * retried write can take two); past it the sender is told the store failed, and may send it again with the same
     * clientMsgId, which cannot store it twice.
     */
    private static final long WRITE_TIMEOUT_SECONDS = 20;
    private final java.util.concurrent.ExecutorService reservers =
            java.util.concurrent.Executors.newFixedThreadPool(PARALLEL_RESERVATIONS, Thread.ofVirtual().name("numbering-", 0).factory());
    private volatile boolean closed;
    /** How long a batch has lately taken to write (a moving average), to estimate how long a new message would wait. */
    private volatile double nanosPerBatch = 10_000_000;
    /** Whether the writer is writing a batch now: a message that arrives then waits for it too. */
    private volatile boolean writing;

    InsertBatcher(MongoCollection<Document> collection, Numbering numbering, Function<Message, MessageStore.Saved> findDuplicate,
            int maxWaiting, java.time.Duration maxWait) {
        this.collection = collection;
        this.numbering = numbering;
        this.findDuplicate = findDuplicate;
        this.waiting = new ArrayBlockingQueue<>(maxWaiting);
        this.maxWaitNanos = maxWait.toNanos();
        this.writer = Thread.ofPlatform().name("message-writer").daemon().start(this::writeLoop);
    }

    /**
     * Queues the message for the next batch; the future completes when that batch is written (or fails, at the
     * latest after 20 s). A message with seq 0 is numbered here; one with a seq already reserved (a system
     * message) is stored under it. The future completes on the writer thread: what follows it must not block.
     */
    CompletableFuture<MessageStore.Saved> submit(Message message, boolean createDirect) {
        Pending pending = new Pending(message, createDirect, new CompletableFuture<>());
        if (closed) {
            return CompletableFuture.failedFuture(new MongoException("the message store is closing"));
        }
        // Saturated: either more is queued than the writer would write within maxWait at its recent pace (the queue
        // would only add latency), or the queue is full (its bound on memory).
        if (estimatedWaitNanos() > maxWaitNanos || !waiting.offer(pending)) {
            return CompletableFuture.failedFuture(new MessageStore.Overloaded(retryAfterMillis()));
        }
        return pending.result().orTimeout(WRITE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    /**
     * When a message refused now might find room: the time the writer needs for what is queued, at the rate it has
     * lately written, bounded. A hint, not a promise; clients add jitter of their own, so that the refused don't all
     * come back at the same moment.
     */
    private long retryAfterMillis() {
        long millis = estimatedWaitNanos() / 1_000_000;
        return Math.max(MIN_RETRY_MILLIS, Math.min(MAX_RETRY_MILLIS, millis));
    }

    /**
     * How long a message queued now would wait: one batch time for the batch being written, and one for each
     * {@link #MAX_BATCH} queued ahead of it. In batches, not messages: a group commit writes a full batch in little
     * more time than a batch of one, which is the point of it.
     */
    private long estimatedWaitNanos() {
        int queued = waiting.size();
        int batchesAhead = (queued + MAX_BATCH - 1) / MAX_BATCH + (writing ? 1 : 0);
        return (long) (batchesAhead * nanosPerBatch);
    }

    /** {@link #submit}, waited for. */
    MessageStore.Saved save(Message message, boolean createDirect) {
        try {
            return submit(message, createDirect).get();
        } catch (ExecutionException e) {
            throw MessageStore.failure(e.getCause());
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
                // A message whose sender was already told it failed (it waited past its timeout) is not written:
                // "not stored" must stay true, and its retry is on its way.
                batch.removeIf(p -> p.result().isDone());
                if (batch.isEmpty()) {
                    continue;
                }
                long started = System.nanoTime();
                writing = true;
                try {
                    write(batch);
                } finally {
                    writing = false;
                    nanosPerBatch = 0.8 * nanosPerBatch + 0.2 * (System.nanoTime() - started);
                }
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
        Map<Pending, Reservation> numbered = number(batch);
        // In the order they were queued, not grouped by conversation: the acks of one connection's messages then go
        // out in the order it sent them.
        List<Pending> toInsert = batch.stream().filter(numbered::containsKey).toList();
        if (toInsert.isEmpty()) {
            return;
        }
        List<Message> stored = new ArrayList<>(toInsert.size());
        List<Runnable> completions = new ArrayList<>(toInsert.size());
        try {
            collection.insertMany(toInsert.stream().map(p -> MessageStore.document(numbered.get(p).message())).toList(),
                    new InsertManyOptions().ordered(false));
            toInsert.forEach(p -> {
                stored.add(numbered.get(p).message());
                completions.add(() -> p.result().complete(numbered.get(p).saved()));
            });
        } catch (MongoBulkWriteException e) {
            Map<Integer, BulkWriteError> failed = new HashMap<>();
            e.getWriteErrors().forEach(error -> failed.put(error.getIndex(), error));
            for (int i = 0; i < toInsert.size(); i++) {
                Pending p = toInsert.get(i);
                BulkWriteError error = failed.get(i);
                if (error == null) {
                    stored.add(numbered.get(p).message());
                    completions.add(() -> p.result().complete(numbered.get(p).saved()));
                } else if (ErrorCategory.fromErrorCode(error.getCode()) == ErrorCategory.DUPLICATE_KEY) {
                    completions.add(() -> completeDuplicate(p));
                } else {
                    p.result().completeExceptionally(new MongoException(error.getCode(), error.getMessage()));
                }
            }
        } catch (MongoException e) {
            toInsert.forEach(p -> p.result().completeExceptionally(e));
            return;
        }
        // Before the acks: a client that is acked and then lists its conversations sees its message as the latest,
        // and itself as having read it. If this fails the messages are stored all the same (and acked); only the
        // previews and the senders' marks lag until the next message.
        try {
            if (!stored.isEmpty()) {
                numbering.stored(stored);
            }
        } catch (RuntimeException e) {
            log.warn("event=conversation_update_failed messages={} error=\"{}\"", stored.size(), e.toString());
        }
        completions.forEach(Runnable::run);
    }

    /** A message with its number, and the members it goes to. */
    private record Reservation(Message message, java.util.Set<String> members) {
        MessageStore.Saved saved() {
            return new MessageStore.Saved(message, false, members);
        }
    }

    /**
     * Numbers the batch: one reservation per conversation for all of its messages without a seq, in the order they
     * were queued. A message whose sender is not a member (or whose conversation does not exist) fails here, before
     * anything is written; so does every message of a conversation whose reservation failed.
     */
    private Map<Pending, Reservation> number(List<Pending> batch) {
        Map<Pending, Reservation> numbered = new java.util.LinkedHashMap<>();
        Map<String, List<Pending>> byConversation = new java.util.LinkedHashMap<>();
        for (Pending p : batch) {
            if (p.message().seq() > 0) {
                numbered.put(p, new Reservation(p.message(), java.util.Set.of()));
            } else {
                byConversation.computeIfAbsent(p.message().conversation(), c -> new ArrayList<>()).add(p);
            }
        }
        Map<String, CompletableFuture<java.util.Optional<Numbering.Reserved>>> reservations = new java.util.LinkedHashMap<>();
        byConversation.forEach((conversation, pendings) -> {
            String creator = pendings.stream().filter(Pending::createDirect).map(p -> p.message().sender()).findFirst().orElse(null);
            java.util.function.Supplier<java.util.Optional<Numbering.Reserved>> reserve =
                    () -> numbering.reserve(conversation, pendings.size(), creator);
            // One conversation (the usual case under light load) is numbered right here, with no thread hop.
            reservations.put(conversation, byConversation.size() == 1
                    ? supplyNow(reserve) : CompletableFuture.supplyAsync(reserve, reservers));
        });
        byConversation.forEach((conversation, pendings) -> {
            java.util.Optional<Numbering.Reserved> reserved;
            try {
                reserved = reservations.get(conversation).join();
            } catch (java.util.concurrent.CompletionException | java.util.concurrent.CancellationException wrapped) {
                Throwable e = wrapped.getCause() != null ? wrapped.getCause() : wrapped;
                log.warn("event=numbering_failed conversation={} messages={} error=\"{}\"", conversation, pendings.size(), e.toString());
                MongoException failure = e instanceof MongoException m ? m : new MongoException("numbering failed", e);
                pendings.forEach(p -> p.result().completeExceptionally(failure));
                return;
            }
            long next = reserved.map(Numbering.Reserved::first).orElse(0L);
            for (Pending p : pendings) {
                if (reserved.isEmpty() || !reserved.get().members().contains(p.message().sender())) {
                    p.result().completeExceptionally(new MessageStore.NotMember(conversation));
                } else {
                    numbered.put(p, new Reservation(p.message().numbered(next++), reserved.get().members()));
                }
            }
        });
        return numbered;
    }

    private static <T> CompletableFuture<T> supplyNow(java.util.function.Supplier<T> supplier) {
        try {
            return CompletableFuture.completedFuture(supplier.get());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
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
        reservers.shutdown();
    }
}
