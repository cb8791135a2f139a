package chitchat.chat.presence;

import chitchat.chat.broker.SlotMap;
import chitchat.chat.broker.Topology;
import java.net.URI;
import java.time.Duration;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;

/**
 * Where {@link RedisBoard}'s commands go: a pool of connections to one Redis, or, on a Redis Cluster, to the
 * primary that owns the one slot every presence key is in ({@code {presence}:...}).
 *
 * <p>Why one slot rather than a cluster client spreading the keys: the board's transactions (a user's set and the
 * instance's list, changed together, so that of two instances closing a user's last connections exactly one sees
 * zero) span several keys, and MULTI on a cluster works only within a slot. Presence changes only on a first or
 * last connection, so one shard carries it easily; per-user messages, the real load, are spread over every shard.
 */
interface BoardRedis extends AutoCloseable {

    Jedis getResource();

    @Override
    void close();

    private static JedisPool pool(java.util.function.Function<GenericObjectPoolConfig<Jedis>, JedisPool> make) {
        GenericObjectPoolConfig<Jedis> config = new GenericObjectPoolConfig<>();
        config.setMaxTotal(32); // connects and closes come from many virtual threads; each command is short
        config.setMaxWait(Duration.ofSeconds(2));
        return make.apply(config);
    }

    static BoardRedis single(URI uri) {
        JedisPool pool = pool(config -> new JedisPool(config, uri, 2000));
        return new BoardRedis() {
            @Override
            public Jedis getResource() {
                return pool.getResource();
            }

            @Override
            public void close() {
                pool.close();
            }
        };
    }

    /** The owner of {@code {presence}}'s slot, followed as the topology changes (failover, resharding). */
    static BoardRedis cluster(Topology topology) {
        return new BoardRedis() {
            private HostAndPort node;
            private JedisPool pool;

            @Override
            public synchronized Jedis getResource() {
                SlotMap map = topology.current();
                HostAndPort owner = map == null ? null : map.ownerOf("{presence}");
                if (owner == null) {
                    throw new IllegalStateException("no Redis Cluster primary known for the presence slot");
                }
                if (!owner.equals(node)) {
                    if (pool != null) {
                        pool.close();
                    }
                    node = owner;
                    pool = pool(config -> new JedisPool(config, owner, topology.clientConfig()));
                }
                return pool.getResource();
            }

            @Override
            public synchronized void close() {
                if (pool != null) {
                    pool.close();
                }
            }
        };
    }
}
