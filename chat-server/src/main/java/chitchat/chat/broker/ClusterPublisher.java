package chitchat.chat.broker;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisRedirectionException;

/**
 * Sends the cluster broker's publishes: one thread drains a bounded queue, groups what it took by the primary that
 * owns each channel's slot, and sends each group as one pipeline of SPUBLISHes to that primary, as the single
 * broker pipelines its PUBLISHes.
 *
 * <p>A publish answered MOVED/ASK (its slot moved) or CLUSTERDOWN, or one whose primary is unreachable (failing
 * over), is kept and sent again once the topology is refreshed; a primary that failed waits out a backoff, while
 * the other shards' publishes go on. What waited longer than {@link #MAX_AGE_NANOS}, or overflowed, is dropped:
 * it is in the store, and {@link #overflowed} makes the broker announce a cluster-wide resync.
 */
final class ClusterPublisher {

    private static final Logger log = LoggerFactory.getLogger(ClusterPublisher.class);
    private static final int MAX_QUEUED = 65_536;
    private static final int MAX_PIPELINE = 512;
    private static final long MAX_AGE_NANOS = TimeUnit.SECONDS.toNanos(30);

    private record Item(String channel, String payload, long queuedNanos) { }

    private final Topology topology;
    private final java.util.function.Consumer<HostAndPort> refresh;
    private final BlockingQueue<Item> queue = new ArrayBlockingQueue<>(MAX_QUEUED);
    /** Publishes to send again, oldest first; only the publisher thread touches it, and the maps below. */
    private final ArrayDeque<Item> retry = new ArrayDeque<>();
    private final Map<HostAndPort, Jedis> connections = new HashMap<>();
    private final Map<HostAndPort, Integer> failures = new HashMap<>();
    private final Map<HostAndPort, Long> retryAtNanos = new HashMap<>();
    private final Thread thread;
    private volatile boolean overflowed;
    private volatile boolean closed;

    /**
     * {@code refresh} asks for a topology refresh (with a node to ask first, or null) on another thread: a refresh
     * can wait seconds on an unreachable node, and the other shards' publishes must not wait with it.
     */
    ClusterPublisher(Topology topology, java.util.function.Consumer<HostAndPort> refresh) {
        this.topology = topology;
        this.refresh = refresh;
        this.thread = Thread.ofPlatform().name("redis-cluster-publisher").daemon().start(this::run);
    }

    /** Queues a publish; false when the queue is full (the message is stored all the same). */
    boolean offer(String channel, String payload) {
        boolean taken = queue.offer(new Item(channel, payload, System.nanoTime()));
        if (!taken) {
            overflowed = true;
        }
        return taken;
    }

    /** True once since publishes were lost (overflow or too old): the caller announces a resync. */
    boolean takeOverflowed() {
        boolean was = overflowed;
        overflowed = false;
        return was;
    }

    private void run() {
        List<Item> batch = new ArrayList<>(MAX_PIPELINE);
        while (!closed || !queue.isEmpty()) {
            try {
                while (!retry.isEmpty() && batch.size() < MAX_PIPELINE) {
                    batch.add(retry.poll());
                }
                if (batch.isEmpty()) {
                    Item first = queue.poll(200, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        continue;
                    }
                    batch.add(first);
                }
                queue.drainTo(batch, MAX_PIPELINE - batch.size());
                if (!send(batch)) {
                    Thread.sleep(50); // nothing went out: do not spin while the cluster fails over
                }
            } catch (InterruptedException e) {
                break;
            } finally {
                batch.clear();
            }
        }
        connections.values().forEach(ClusterPublisher::close);
    }

    /** Sends one batch; what cannot go now is kept in {@link #retry}. True when anything was sent. */
    private boolean send(List<Item> batch) {
        SlotMap map = topology.current();
        Map<HostAndPort, List<Item>> byNode = new HashMap<>();
        boolean stale = map == null;
        for (Item item : batch) {
            HostAndPort owner = map == null ? null : map.ownerOf(item.channel());
            if (owner == null || System.nanoTime() < retryAtNanos.getOrDefault(owner, 0L)) {
                keep(item);
                stale = true; // its shard may have failed over by now
            } else {
                byNode.computeIfAbsent(owner, n -> new ArrayList<>()).add(item);
            }
        }
        boolean sent = false;
        HostAndPort refreshFrom = null;
        for (Map.Entry<HostAndPort, List<Item>> group : byNode.entrySet()) {
            HostAndPort node = group.getKey();
            try {
                Jedis jedis = connections.computeIfAbsent(node, n -> new Jedis(n, topology.clientConfig()));
                Pipeline pipeline = jedis.pipelined();
                List<Response<Object>> answers = new ArrayList<>();
                group.getValue().forEach(i -> answers.add(pipeline.sendCommand(Protocol.Command.SPUBLISH, i.channel(), i.payload())));
                pipeline.sync();
                failures.remove(node);
                retryAtNanos.remove(node);
                for (int k = 0; k < answers.size(); k++) {
                    try {
                        answers.get(k).get();
                        sent = true;
                    } catch (JedisRedirectionException e) {
                        stale = true;
                        refreshFrom = e.getTargetNode();
                        keep(group.getValue().get(k));
                    } catch (JedisDataException e) { // CLUSTERDOWN, TRYAGAIN: the slot is in transition
                        stale = true;
                        keep(group.getValue().get(k));
                    }
                }
            } catch (JedisConnectionException e) {
                close(connections.remove(node));
                int failed = failures.merge(node, 1, Integer::sum);
                retryAtNanos.put(node, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Backoff.RECONNECT.millis(failed - 1)));
                log.warn("event=cluster_publish_failed node={} count={} attempt={} error=\"{}\"", node, group.getValue().size(), failed, e.getMessage());
                group.getValue().forEach(this::keep);
                stale = true;
            }
        }
        if (stale && !closed) {
            refresh.accept(refreshFrom);
        }
        return sent;
    }

    private void keep(Item item) {
        if (closed || System.nanoTime() - item.queuedNanos() > MAX_AGE_NANOS || retry.size() >= MAX_QUEUED) {
            overflowed = true; // stored anyway; the resync announcement covers it
            return;
        }
        retry.add(item);
    }

    private static void close(Jedis jedis) {
        if (jedis != null) {
            try {
                jedis.close();
            } catch (RuntimeException ignored) {
                // already broken
            }
        }
    }

    void close() {
        closed = true;
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
