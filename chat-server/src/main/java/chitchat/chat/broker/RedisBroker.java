package chitchat.chat.broker;

import chitchat.config.Config;
import chitchat.http.Health;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.JedisPubSub;

/**
 * The Redis Pub/Sub broker: one subscription connection for everything this instance receives, and one
 * connection for publishing.
 *
 * <p>Publishing is pipelined: {@link #publish} queues and returns, and one thread sends whatever has queued in a
 * single round trip, in order, so the rate of publishes is not bound by one round trip each.
 *
 * <p>Jedis' pub/sub has sharp edges (see pitfalls.md), and each is handled here, in one place:
 * <ul>
 *   <li>A subscription connection serves one thread at a time: {@code subscribe}/{@code unsubscribe}/{@code ping}
 *       calls from other threads go through {@link #lock}.</li>
 *   <li>The subscription loop ends when no channel is left: a permanent control channel keeps it alive.</li>
 *   <li>The connection has no read timeout, so a half-open link would hang silently: a heartbeat pings it and
 *       drops the connection when no pong comes back.</li>
 *   <li>There is no automatic resubscribe: a dedicated thread reconnects with backoff and jitter, subscribes
 *       every user still connected here ({@link #wanted}), then asks the connections to resync, here and, through
 *       the control channel, on every other instance, since whatever was published meanwhile is lost (pub/sub is
 *       at-most-once; the store is not).</li>
 *   <li>An exception escaping {@code onMessage} would end the subscription: everything is caught there.</li>
 * </ul>
 */
public final class RedisBroker implements Broker {

    private static final Logger log = LoggerFactory.getLogger(RedisBroker.class);
    /** Always subscribed, so the subscription never ends by itself; also carries cluster-wide "resync" notices. */
    private static final String CONTROL_CHANNEL = "chitchat_control";
    private static final String RESYNC_PREFIX = "resync:";
    private static final Duration HEARTBEAT = Duration.ofSeconds(5);
    private static final Duration PONG_DEADLINE = Duration.ofSeconds(15);
    private static final int MAX_QUEUED_PUBLISHES = 65_536;
    private static final int MAX_PIPELINE = 512;

    private final URI uri;
    private final String instanceId = java.util.UUID.randomUUID().toString();
    private final Delivery delivery;
    private final BlockingQueue<String[]> outbox = new ArrayBlockingQueue<>(MAX_QUEUED_PUBLISHES);
    private final Thread publisher;
    /** Every user with a connection here: what the subscription must cover, now and after a reconnect. */
    private final Set<String> wanted = ConcurrentHashMap.newKeySet();
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicInteger confirmed = new AtomicInteger();
    private final Map<String, CountDownLatch> unconfirmed = new ConcurrentHashMap<>();
    private final Thread subscriber;
    private final ScheduledExecutorService heartbeat;

    private volatile Listener listener; // the live subscription, or null while the link is down
    private volatile Jedis subscriberConnection;
    private volatile long lastPongNanos;
    private volatile boolean closed;
    private boolean everConnected; // touched only on the subscriber thread

    public RedisBroker(URI uri, Delivery delivery) {
        this.uri = uri;
        this.delivery = delivery;
        this.publisher = Thread.ofPlatform().name("redis-publisher").daemon().start(this::publishLoop);
        this.subscriber = Thread.ofPlatform().name("redis-subscriber").daemon().start(this::subscribeLoop);
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("redis-heartbeat").daemon().factory());
        heartbeat.scheduleWithFixedDelay(this::beat, HEARTBEAT.toMillis(), HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Subscribes and, when the link is up, waits (briefly) for Redis to confirm, so that once a connection is
     * registered, what is published to its user reaches it. Called on the connection's virtual thread.
     */
    @Override
    public void subscribe(String user) {
        wanted.add(user);
        String channel = Broker.channel(user);
        CountDownLatch confirmation = new CountDownLatch(1);
        unconfirmed.put(channel, confirmation);
        onLink(l -> l.subscribe(channel));
        try {
            if (listener != null && !confirmation.await(3, TimeUnit.SECONDS)) {
                log.warn("event=subscribe_unconfirmed user={}", user);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            unconfirmed.remove(channel, confirmation);
        }
    }

    @Override
    public void unsubscribe(String user) {
        wanted.remove(user);
        onLink(l -> l.unsubscribe(Broker.channel(user)));
    }

    /**
     * Queues the publish and returns at once; false when the queue is full. While Redis is unreachable, publishes
     * wait in the queue and go out when it is back, so receivers on instances that never lost their own link still
     * get them. What overflows is stored all the same, and the cluster-wide resync after the outage covers it.
     */
    @Override
    public boolean publish(String user, String payload) {
        return outbox.offer(new String[] {Broker.channel(user), payload});
    }

    /** Sends queued publishes in pipelined batches over one connection, reconnecting when it breaks. */
    private void publishLoop() {
        List<String[]> batch = new ArrayList<>(MAX_PIPELINE);
        Jedis connection = null;
        while (!closed || !outbox.isEmpty()) {
            try {
                String[] first = outbox.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                outbox.drainTo(batch, MAX_PIPELINE - 1);
                long backoffMillis = 100;
                while (true) {
                    try {
                        if (connection == null) {
                            connection = new Jedis(uri, 2000, 2000);
                        }
                        Pipeline pipeline = connection.pipelined();
                        batch.forEach(p -> pipeline.publish(p[0], p[1]));
                        pipeline.sync();
                        break;
                    } catch (RuntimeException e) {
                        close(connection);
                        connection = null;
                        if (closed) {
                            log.warn("event=publish_abandoned count={} reason=closing", batch.size());
                            break;
                        }
                        // Keep the batch and try again: Redis is away, and these are still worth delivering live.
                        log.warn("event=publish_failed count={} retry_ms={} error=\"{}\"", batch.size(), backoffMillis, e.getMessage());
                        sleep(backoffMillis);
                        backoffMillis = Math.min(backoffMillis * 2, 2000);
                    }
                }
            } catch (InterruptedException e) {
                break;
            } finally {
                batch.clear();
            }
        }
        close(connection);
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

    @Override
    public Health.Check health() {
        return listener != null ? new Health.Check(true, "up") : new Health.Check(false, "down");
    }

    @Override
    public int subscriptions() {
        return Math.max(0, confirmed.get() - 1); // less the control channel
    }

    @Override
    public void close() {
        closed = true;
        heartbeat.shutdownNow();
        onLink(JedisPubSub::unsubscribe);
        Jedis connection = subscriberConnection;
        if (connection != null) {
            connection.disconnect();
        }
        try {
            subscriber.join(2000);
            publisher.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs a command on the live subscription connection, if there is one; a failure means the link is going down. */
    private void onLink(java.util.function.Consumer<Listener> command) {
        lock.lock();
        try {
            Listener live = listener;
            if (live != null) {
                command.accept(live);
            }
        } catch (RuntimeException e) {
            log.warn("event=subscription_command_failed error=\"{}\"", e.getMessage());
        } finally {
            lock.unlock();
        }
    }

    private void subscribeLoop() {
        int attempt = 0;
        while (!closed) {
            try (Jedis jedis = new Jedis(uri, 3000, 0)) { // read timeout 0: a subscription waits indefinitely; the heartbeat watches it
                subscriberConnection = jedis;
                lastPongNanos = System.nanoTime();
                Listener fresh = new Listener();
                jedis.subscribe(fresh, CONTROL_CHANNEL); // returns when the link ends
                attempt = 0;
            } catch (RuntimeException e) {
                if (!closed) {
                    log.warn("event=redis_link_down uri={} error=\"{}\" attempt={}", Config.redact(uri.toString()), e.getMessage(), attempt);
                }
            } finally {
                markDown();
            }
            if (!closed) {
                Backoff.RECONNECT.sleep(attempt++);
            }
        }
    }

    private void markDown() {
        lock.lock();
        try {
            listener = null;
            subscriberConnection = null;
            confirmed.set(0);
        } finally {
            lock.unlock();
        }
    }

    /** Pings the subscription; drops the connection when pongs stopped coming, so the loop reconnects. */
    private void beat() {
        try {
            if (listener == null) {
                return;
            }
            if (System.nanoTime() - lastPongNanos > PONG_DEADLINE.toNanos()) {
                log.warn("event=redis_heartbeat_lost action=reconnect");
                Jedis connection = subscriberConnection;
                if (connection != null) {
                    connection.disconnect();
                }
                return;
            }
            onLink(JedisPubSub::ping);
        } catch (RuntimeException e) {
            log.warn("event=redis_heartbeat_error error=\"{}\"", e.getMessage());
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Receives on the subscription connection's thread. Nothing may escape these callbacks. */
    private final class Listener extends JedisPubSub {

        @Override
        public void onSubscribe(String channel, int subscribedChannels) {
            confirmed.set(subscribedChannels);
            CountDownLatch waiting = unconfirmed.get(channel);
            if (waiting != null) {
                waiting.countDown();
            }
            if (!CONTROL_CHANNEL.equals(channel)) {
                return;
            }
            // The link is up. Cover every user connected here (some may have arrived while it was down) before
            // publishing becomes possible, so no one connected misses what is published from now on.
            lock.lock();
            try {
                String[] channels = wanted.stream().map(Broker::channel).toArray(String[]::new);
                if (channels.length > 0) {
                    subscribe(channels);
                }
                listener = this;
            } catch (RuntimeException e) {
                log.warn("event=resubscribe_failed error=\"{}\"", e.getMessage());
            } finally {
                lock.unlock();
            }
            lastPongNanos = System.nanoTime();
            log.info("event=redis_link_up uri={} users={}", Config.redact(uri.toString()), channels());
            // Whatever was published to the users connected here before this moment did not reach them (also on a
            // first link-up, when Redis was away as the instance started): they catch up from the store.
            delivery.resync();
            if (everConnected) {
                // Publishes from this instance may have overflowed its queue while the link was down: every other
                // instance's connections catch up too.
                outbox.offer(new String[] {CONTROL_CHANNEL, RESYNC_PREFIX + instanceId});
            }
            everConnected = true;
        }

        @Override
        public void onUnsubscribe(String channel, int subscribedChannels) {
            confirmed.set(subscribedChannels);
        }

        @Override
        public void onMessage(String channel, String message) {
            try {
                if (channel.startsWith("chat_")) {
                    delivery.deliver(channel.substring(5), message);
                } else if (CONTROL_CHANNEL.equals(channel) && message.startsWith(RESYNC_PREFIX)
                        && !message.equals(RESYNC_PREFIX + instanceId)) {
                    log.info("event=cluster_resync from={}", message.substring(RESYNC_PREFIX.length()));
                    delivery.resync();
                }
            } catch (Throwable t) {
                log.error("event=delivery_failed channel={} error=\"{}\"", channel, t.toString());
            }
        }

        @Override
        public void onPong(String pattern) {
            lastPongNanos = System.nanoTime();
        }

        private int channels() {
            return wanted.size();
        }
    }
}
