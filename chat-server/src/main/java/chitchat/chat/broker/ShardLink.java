package chitchat.chat.broker;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisShardedPubSub;

/**
 * One sharded-subscription connection to one cluster primary, on a platform thread of its own (as the single
 * broker's subscriber is): it SSUBSCRIBEs the channels {@link ClusterBroker} assigns it, which are the channels
 * whose slots that primary owns.
 *
 * <p>The pitfalls of a Jedis subscription (pitfalls.md) apply per shard, and are handled here:
 * <ul>
 *   <li>Commands from other threads go through {@link #lock}.</li>
 *   <li>The loop ends when no channel is left, so a keepalive channel in a slot this primary owns (its highest:
 *       {@code redis-cli --cluster reshard} moves the lowest first) stays subscribed.</li>
 *   <li>A half-open link would hang silently: {@link EchoHeartbeat} echoes through the keepalive channel, and a
 *       link (or a connection attempt) with no echo before the deadline is dropped and reconnected.</li>
 *   <li>One SSUBSCRIBE carries channels of one slot only (the server refuses cross-slot ones).</li>
 *   <li>When a slot migrates the server unsubscribes its channels unasked: that is reported as
 *       {@link Events#moved}, and the broker resubscribes them at the slot's new owner.</li>
 * </ul>
 */
final class ShardLink {

    private static final Logger log = LoggerFactory.getLogger(ShardLink.class);

    /** What the link tells its broker; called on the link's thread, must not block for long. */
    interface Events {
        void message(String channel, String payload);

        /** Subscribed again (or for the first time): whatever was published to these channels meanwhile was lost. */
        void linkUp(ShardLink link, Set<String> channels);

        /** The server dropped {@code channel} (its slot moved), or it is not this primary's any more. */
        void moved(ShardLink link, String channel);

        void linkDown(ShardLink link);
    }

    private final HostAndPort node;
    private final Topology topology;
    private final Events events;
    private final Thread thread;
    /** The channels this link must cover, now and after a reconnect. */
    private final Set<String> wanted = ConcurrentHashMap.newKeySet();
    /** SUNSUBSCRIBEs we sent and whose reply has not come: any other sunsubscribe is the server's. */
    private final Map<String, Integer> asked = new ConcurrentHashMap<>();
    private final Map<String, CountDownLatch> unconfirmed = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();

    private volatile Subscription live; // null while the link is down
    private volatile Jedis connection;
    private volatile String keepalive;
    private final EchoHeartbeat heartbeat;
    private volatile int confirmed;
    private volatile boolean closed;
    private volatile boolean wasUp;

    ShardLink(HostAndPort node, Topology topology, Events events, java.time.Duration echoDeadline) {
        this.node = node;
        this.topology = topology;
        this.events = events;
        this.heartbeat = new EchoHeartbeat(node, topology.clientConfig(), echoDeadline);
        this.thread = Thread.ofPlatform().name("redis-shard-" + node.getPort()).daemon().start(this::run);
    }

    HostAndPort node() {
        return node;
    }

    boolean live() {
        return live != null;
    }

    boolean has(String channel) {
        return wanted.contains(channel);
    }

    Set<String> channels() {
        return Set.copyOf(wanted);
    }

    /** Confirmed subscriptions, less the keepalive channel. */
    int confirmed() {
        return Math.max(0, confirmed - 1);
    }

    /** Adds channels (subscribed now if the link is up, else at link-up). */
    void add(Collection<String> channels) {
        for (String channel : channels) {
            if (wanted.add(channel)) {
                unconfirmed.putIfAbsent(channel, new CountDownLatch(1));
            }
        }
        onLink(s -> bySlot(channels).forEach(s::ssubscribe));
    }

    void remove(Collection<String> channels) {
        List<String> dropped = new ArrayList<>();
        for (String channel : channels) {
            if (wanted.remove(channel)) {
                dropped.add(channel);
            }
            unconfirmed.remove(channel);
        }
        onLink(s -> bySlot(dropped).forEach(group -> {
            for (String channel : group) {
                asked.merge(channel, 1, Integer::sum);
            }
            s.sunsubscribe(group);
        }));
    }

    /** Waits (bounded) until the server confirmed {@code channels}; false on timeout or while the link is down. */
    boolean await(Collection<String> channels, long millis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        try {
            for (String channel : channels) {
                CountDownLatch latch = unconfirmed.get(channel);
                if (latch != null && !latch.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    return false;
                }
            }
            return live();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static Collection<String[]> bySlot(Collection<String> channels) {
        Map<Integer, List<String>> groups = new HashMap<>();
        channels.forEach(c -> groups.computeIfAbsent(SlotMap.slot(c), s -> new ArrayList<>()).add(c));
        return groups.values().stream().map(g -> g.toArray(String[]::new)).toList();
    }

    private void onLink(Consumer<Subscription> command) {
        lock.lock();
        try {
            Subscription s = live;
            if (s != null) {
                command.accept(s);
            }
        } catch (RuntimeException e) {
            log.warn("event=shard_command_failed node={} error=\"{}\"", node, e.getMessage());
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        int attempt = 0;
        while (!closed) {
            SlotMap map = topology.current();
            int slot = map == null ? -1 : map.lastSlotOf(node);
            if (slot >= 0) {
                keepalive = "chitchat_keepalive{" + SlotMap.tagFor(slot) + "}";
                try (Jedis jedis = new Jedis(node, topology.clientConfig())) {
                    connection = jedis;
                    heartbeat.seen(); // a connection attempt gets the same deadline as a silent link
                    new Subscription().proceed(jedis.getConnection(), keepalive); // returns when the link ends
                } catch (RuntimeException e) {
                    if (!closed) {
                        log.warn("event=shard_link_down node={} error=\"{}\" attempt={}", node, e.getMessage(), attempt);
                    }
                } finally {
                    markDown();
                }
            }
            if (!closed) {
                if (wasUp) {
                    attempt = 0; // it had been up: start the backoff over
                    wasUp = false;
                }
                events.linkDown(this);
                Backoff.RECONNECT.sleep(attempt++);
            }
        }
    }

    private void markDown() {
        lock.lock();
        try {
            live = null;
            connection = null;
            confirmed = 0;
            asked.clear();
            wanted.forEach(c -> unconfirmed.putIfAbsent(c, new CountDownLatch(1)));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Called every few seconds by the broker: drops a link (or a connection attempt: a frozen primary accepts
     * connections it never answers) that has had no echo before the deadline, else sends the next echo.
     */
    void beat() {
        if (closed || connection == null) {
            return;
        }
        if (heartbeat.overdue()) {
            log.warn("event=shard_heartbeat_lost node={} live={} action=reconnect", node, live != null);
            heartbeat.seen(); // the next attempt gets a deadline of its own
            disconnect();
        } else if (live != null) {
            heartbeat.send(keepalive);
        }
    }

    private void disconnect() {
        Jedis c = connection;
        if (c != null) {
            try {
                c.disconnect();
            } catch (RuntimeException ignored) {
                // already broken
            }
        }
    }

    void close() {
        closed = true;
        heartbeat.close();
        disconnect();
        thread.interrupt(); // out of a backoff sleep
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }



    /** Receives on the link's thread. Nothing may escape these callbacks: it would end the subscription. */
    private final class Subscription extends JedisShardedPubSub {

        @Override
        public void onSSubscribe(String channel, int count) {
            confirmed = count;
            CountDownLatch latch = unconfirmed.remove(channel);
            if (latch != null) {
                latch.countDown();
            }
            if (!channel.equals(keepalive) || live != null) {
                return;
            }
            // Link up: cover every assigned channel this primary still owns; the others have moved meanwhile.
            List<String> elsewhere = new ArrayList<>();
            Set<String> covered;
            lock.lock();
            try {
                SlotMap map = topology.current();
                for (String c : wanted) {
                    if (map != null && !node.equals(map.ownerOf(c))) {
                        elsewhere.add(c);
                    }
                }
                wanted.removeAll(elsewhere);
                covered = Set.copyOf(wanted);
                bySlot(covered).forEach(this::ssubscribe);
                live = this;
                wasUp = true;
            } catch (RuntimeException e) {
                log.warn("event=shard_resubscribe_failed node={} error=\"{}\"", node, e.getMessage());
                return;
            } finally {
                lock.unlock();
            }
            heartbeat.seen();
            log.info("event=shard_link_up node={} channels={}", node, covered.size());
            events.linkUp(ShardLink.this, covered);
            elsewhere.forEach(c -> events.moved(ShardLink.this, c));
        }

        @Override
        public void onSUnsubscribe(String channel, int count) {
            confirmed = count;
            try {
                boolean solicited = asked.containsKey(channel);
                if (solicited) {
                    asked.computeIfPresent(channel, (c, n) -> n > 1 ? n - 1 : null);
                }
                if (solicited || closed || !wanted.contains(channel) && !channel.equals(keepalive)) {
                    return;
                }
                if (channel.equals(keepalive)) {
                    log.info("event=shard_keepalive_moved node={} action=reconnect", node);
                    disconnect(); // the next connect picks a slot this primary still owns
                    return;
                }
                wanted.remove(channel);
                events.moved(ShardLink.this, channel);
            } catch (Throwable t) {
                log.error("event=shard_unsubscribe_failed channel={} error=\"{}\"", channel, t.toString());
            }
        }

        @Override
        public void onSMessage(String channel, String message) {
            try {
                if (channel.equals(keepalive)) {
                    heartbeat.seen();
                } else {
                    events.message(channel, message);
                }
            } catch (Throwable t) {
                log.error("event=delivery_failed channel={} error=\"{}\"", channel, t.toString());
            }
        }
    }
}
