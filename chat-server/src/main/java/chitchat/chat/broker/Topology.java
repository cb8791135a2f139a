package chitchat.chat.broker;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;

/**
 * The cluster broker's view of which primary owns each slot: the current {@link SlotMap}, and how to get a newer
 * one. A refresh asks the node that just told us something changed (a MOVED, an unsolicited {@code sunsubscribe}),
 * else the known primaries, else the seed nodes, and takes the first complete answer.
 *
 * <p>Refreshes are rate-limited (one per {@link #MIN_INTERVAL_MS}): during a failover every failing publish and
 * every dropped link asks for one, and a few questions answer them all. Thread-safe.
 */
public final class Topology {

    private static final Logger log = LoggerFactory.getLogger(Topology.class);
    private static final long MIN_INTERVAL_MS = 200;

    private final List<HostAndPort> seeds;
    private final JedisClientConfig config;
    private volatile SlotMap current;
    /** Nodes that did not answer the last refresh: asked last next time (a black-holed one costs a 2 s timeout). */
    private Set<HostAndPort> unanswered = Set.of();
    private long lastRefreshNanos;
    private long version;

    /** {@code seeds} as {@code host:port}; {@code tls} for ElastiCache with encryption in transit. */
    public Topology(List<String> seeds, boolean tls) {
        this.seeds = seeds.stream().map(HostAndPort::from).toList();
        this.config = DefaultJedisClientConfig.builder().connectionTimeoutMillis(2000).socketTimeoutMillis(2000)
                .ssl(tls).build();
    }

    /** Connection settings for every node (timeouts, TLS); a subscription connection lifts the read timeout. */
    public JedisClientConfig clientConfig() {
        return config;
    }

    /** The current map, loading the first one if needed; null only while no node has answered yet. */
    public SlotMap current() {
        SlotMap map = current;
        return map != null ? map : refresh(null);
    }

    /** How many times the map changed: lets a caller tell whether a refresh brought anything new. */
    public synchronized long version() {
        return version;
    }

    /** Reloads the map (asking {@code hint} first when given); returns the newest map, perhaps unchanged. */
    public synchronized SlotMap refresh(HostAndPort hint) {
        long now = System.nanoTime();
        if (current != null && now - lastRefreshNanos < MIN_INTERVAL_MS * 1_000_000) {
            return current;
        }
        lastRefreshNanos = now;
        Set<HostAndPort> ask = new LinkedHashSet<>();
        if (hint != null) {
            ask.add(hint);
        }
        if (current != null) {
            ask.addAll(current.nodes());
        }
        ask.addAll(seeds);
        List<HostAndPort> order = new ArrayList<>(ask);
        order.sort(java.util.Comparator.comparing(unanswered::contains)); // stable: answered ones first, in order
        Set<HostAndPort> failed = new java.util.HashSet<>();
        List<String> errors = new ArrayList<>();
        for (HostAndPort node : order) {
            try (Jedis jedis = new Jedis(node, config)) {
                SlotMap fresh = SlotMap.parse(jedis.clusterSlots());
                if (!fresh.complete()) {
                    errors.add(node + ": slots not all covered");
                    continue; // a node that has not yet learned of a failover; another may have
                }
                unanswered = failed;
                if (!fresh.sameAs(current)) {
                    log.info("event=cluster_topology primaries={} from={}", fresh.primaries(), node);
                    current = fresh;
                    version++;
                }
                return current;
            } catch (RuntimeException e) {
                errors.add(node + ": " + e.getMessage());
                failed.add(node);
            }
        }
        unanswered = failed;
        log.warn("event=cluster_topology_unavailable errors=\"{}\"", errors);
        return current;
    }
}
