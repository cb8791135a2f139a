package chitchat.chat.broker;

import chitchat.config.Config;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;

/**
 * The single-Redis broker's subscription: one connection, on a platform thread of its own, that receives every
 * channel this instance has subscribed, kept alive by a heartbeat and reconnected when it drops.
 *
 * <p>Jedis' pub/sub has sharp edges (see pitfalls.md), and each is handled here, in one place:
 * <ul>
 *   <li>A subscription connection serves one thread at a time: {@code subscribe}/{@code unsubscribe}/{@code ping}
 *       calls from other threads go through {@link #lock}.</li>
 *   <li>The subscription loop ends when no channel is left: the control channel ({@link ControlChannel}) stays
 *       subscribed for good.</li>
 *   <li>The connection has no read timeout, so a half-open link would hang silently: a heartbeat pings it and
 *       drops the connection when no pong comes back.</li>
 *   <li>There is no automatic resubscribe: the thread reconnects after a {@link Backoff#RECONNECT} wait, subscribes
 *       every channel still wanted ({@link #wanted}), and only then reports the link up.</li>
 *   <li>An exception escaping {@code onMessage} would end the subscription: everything is caught there.</li>
 * </ul>
 */
final class RedisSubscription {

    private static final Logger log = LoggerFactory.getLogger(RedisSubscription.class);
    /** How often the link is pinged, and how long without a pong before it counts as lost (three pings missed). */
    private static final Duration HEARTBEAT = Duration.ofSeconds(5);
    private static final Duration PONG_DEADLINE = Duration.ofSeconds(15);
    /** How long {@link #subscribe} waits for Redis to confirm: a round trip, unless Redis is in trouble. */
    private static final long CONFIRM_MS = 3000;
    /** A Redis that does not accept the connection by then counts as down: the loop backs off and tries again. */
    private static final int CONNECT_TIMEOUT_MS = 3000;
    /** How long {@link #close} waits for the thread to end. */
    private static final long STOP_MS = 2000;

    private final URI uri;
    /** What arrived, by channel; called on the subscription's thread, must not block. */
    private final BiConsumer<String, String> messages;
    /** Subscribed again (or for the first time): whatever was published meanwhile did not arrive. */
    private final Runnable linkUp;
    /** Every channel that must be covered, now and after a reconnect (less the control channel). */
    private final Set<String> wanted = ConcurrentHashMap.newKeySet();
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicInteger confirmed = new AtomicInteger();
    private final Map<String, CountDownLatch> unconfirmed = new ConcurrentHashMap<>();
    private final Thread thread;
    private final ScheduledExecutorService heartbeat;

    private volatile Listener listener; // the live subscription, or null while the link is down
    private volatile Jedis connection;
    private volatile long lastPongNanos;
    private volatile boolean closed;

    RedisSubscription(URI uri, BiConsumer<String, String> messages, Runnable linkUp) {
        this.uri = uri;
        this.messages = messages;
        this.linkUp = linkUp;
        this.thread = Thread.ofPlatform().name("redis-subscriber").daemon().start(this::run);
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("redis-heartbeat").daemon().factory());
        heartbeat.scheduleWithFixedDelay(this::beat, HEARTBEAT.toMillis(), HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Subscribes and, when the link is up, waits (briefly) for Redis to confirm, so that once it returns what is
     * published to {@code channel} arrives here. Called on a connection's virtual thread, under no lock of the caller.
     */
    void subscribe(String channel) {
        wanted.add(channel);
        CountDownLatch confirmation = new CountDownLatch(1);
        unconfirmed.put(channel, confirmation);
        onLink(l -> l.subscribe(channel));
        try {
            if (listener != null && !confirmation.await(CONFIRM_MS, TimeUnit.MILLISECONDS)) {
                log.warn("event=subscribe_unconfirmed channel={}", channel);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            unconfirmed.remove(channel, confirmation);
        }
    }

    void unsubscribe(String channel) {
        wanted.remove(channel);
        onLink(l -> l.unsubscribe(channel));
    }

    boolean live() {
        return listener != null;
    }

    /** Channels Redis confirms, less the control channel. */
    int confirmed() {
        return Math.max(0, confirmed.get() - 1);
    }

    void close() {
        closed = true;
        heartbeat.shutdownNow();
        onLink(JedisPubSub::unsubscribe);
        Jedis live = connection;
        if (live != null) {
            live.disconnect();
        }
        try {
            thread.join(STOP_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs a command on the live subscription connection, if there is one; a failure means the link is going down. */
    private void onLink(Consumer<Listener> command) {
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

    private void run() {
        int attempt = 0;
        while (!closed) {
            // Read timeout 0: a subscription waits indefinitely for what is published; the heartbeat watches it.
            try (Jedis jedis = new Jedis(uri, CONNECT_TIMEOUT_MS, 0)) {
                connection = jedis;
                lastPongNanos = System.nanoTime();
                jedis.subscribe(new Listener(), ControlChannel.NAME); // returns when the link ends
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
            connection = null;
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
                Jedis live = connection;
                if (live != null) {
                    live.disconnect();
                }
                return;
            }
            onLink(JedisPubSub::ping);
        } catch (RuntimeException e) {
            log.warn("event=redis_heartbeat_error error=\"{}\"", e.getMessage());
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
            if (!ControlChannel.NAME.equals(channel)) {
                return;
            }
            // The link is up. Cover every channel wanted here (some may have been added while it was down) before
            // it counts as up, so no one connected misses what is published from now on.
            lock.lock();
            try {
                String[] channels = wanted.toArray(String[]::new);
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
            log.info("event=redis_link_up uri={} users={}", Config.redact(uri.toString()), wanted.size());
            try {
                linkUp.run();
            } catch (RuntimeException e) {
                log.error("event=link_up_failed error=\"{}\"", e.toString());
            }
        }

        @Override
        public void onUnsubscribe(String channel, int subscribedChannels) {
            confirmed.set(subscribedChannels);
        }

        @Override
        public void onMessage(String channel, String message) {
            try {
                messages.accept(channel, message);
            } catch (Throwable t) {
                log.error("event=delivery_failed channel={} error=\"{}\"", channel, t.toString());
            }
        }

        @Override
        public void onPong(String pattern) {
            lastPongNanos = System.nanoTime();
        }
    }
}
