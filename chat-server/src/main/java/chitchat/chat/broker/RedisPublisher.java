package chitchat.chat.broker;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/**
 * The single-Redis broker's publishing: {@link #offer} queues and returns, and one thread sends whatever has
 * queued in a single pipelined round trip, in order, so the rate of publishes is not bound by one round trip each.
 *
 * <p>While Redis is unreachable, publishes wait in the queue and the batch in hand is sent again after a
 * {@link Backoff#RECONNECT} wait, so receivers on instances that never lost their own link still get them. What
 * overflows the queue is stored all the same, and the cluster-wide resync after the outage covers it.
 */
final class RedisPublisher {

    private static final Logger log = LoggerFactory.getLogger(RedisPublisher.class);
    /** Bounds what an outage holds in memory; what overflows is in the store, and the resync after it covers it. */
    private static final int MAX_QUEUED = 65_536;
    /** One round trip carries at most this many, so one batch never holds up the next for long. */
    private static final int MAX_PIPELINE = 512;
    /** How often the thread looks up from an empty queue to see whether it is closing. */
    private static final long IDLE_POLL_MS = 200;
    /**
     * Connect and read timeouts of the publishing connection: ample for a busy Redis (a pipeline of 512 is answered
     * in milliseconds), short enough that a dead one is noticed and the batch kept for the next attempt.
     */
    private static final int TIMEOUT_MS = 2000;
    /** How long {@link #close} waits for what is queued to go out. */
    private static final long DRAIN_MS = 2000;

    private record Publish(String channel, String payload) { }

    private final URI uri;
    private final BlockingQueue<Publish> queue = new ArrayBlockingQueue<>(MAX_QUEUED);
    private final Thread thread;
    private volatile boolean closed;

    RedisPublisher(URI uri) {
        this.uri = uri;
        this.thread = Thread.ofPlatform().name("redis-publisher").daemon().start(this::run);
    }

    /** Queues a publish; false when the queue is full. */
    boolean offer(String channel, String payload) {
        return queue.offer(new Publish(channel, payload));
    }

    /** Stops taking new work, and waits (a little) for what is queued to go out. */
    void close() {
        closed = true;
        try {
            thread.join(DRAIN_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        List<Publish> batch = new ArrayList<>(MAX_PIPELINE);
        Jedis connection = null;
        while (!closed || !queue.isEmpty()) {
            try {
                Publish first = queue.poll(IDLE_POLL_MS, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_PIPELINE - 1);
                connection = send(batch, connection);
            } catch (InterruptedException e) {
                break;
            } finally {
                batch.clear();
            }
        }
        close(connection);
    }

    /** Sends {@code batch} until it goes out (or the publisher closes); returns the connection to use next. */
    private Jedis send(List<Publish> batch, Jedis connection) {
        for (int attempt = 0; ; attempt++) {
            try {
                if (connection == null) {
                    connection = new Jedis(uri, TIMEOUT_MS, TIMEOUT_MS);
                }
                Pipeline pipeline = connection.pipelined();
                batch.forEach(p -> pipeline.publish(p.channel(), p.payload()));
                pipeline.sync();
                return connection;
            } catch (RuntimeException e) {
                close(connection);
                connection = null;
                if (closed) {
                    log.warn("event=publish_abandoned count={} reason=closing", batch.size());
                    return null;
                }
                // Keep the batch and try again: Redis is away, and these are still worth delivering live.
                long waitMillis = Backoff.RECONNECT.millis(attempt);
                log.warn("event=publish_failed count={} retry_ms={} error=\"{}\"", batch.size(), waitMillis, e.getMessage());
                sleep(waitMillis);
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void close(Jedis connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (RuntimeException ignored) {
                // already broken
            }
        }
    }
}
