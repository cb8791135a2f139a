package chitchat.chat.presence;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.params.SetParams;

/**
 * The board of a cluster, in Redis, so that every instance sees every user's presence. Keys (instance ids are a
 * random UUID per process):
 * <ul>
 *   <li>{@code presence:on:<user>}: set of the instance ids where the user has a connection; empty (gone) means
 *       offline. Adding and removing this instance is a transaction with the count, so of two instances closing a
 *       user's last connections at once exactly one sees zero and announces it.</li>
 *   <li>{@code presence:watchers:<user>}: set of {@code <instance id>:<watcher>}, who watches the user, and on which
 *       instance (so that a dead instance's entries can be removed without touching another's).</li>
 *   <li>{@code presence:inst:<id>}: "this instance is alive", with a TTL ({@code PRESENCE_TTL_SECONDS}, default 30)
 *       refreshed every third of it; {@code presence:instances}: every instance id that may still have entries;
 *       {@code presence:users:<id>} and {@code presence:watching:<id>} (pairs {@code <watched> <watcher>}): what
 *       that instance added, so that it can be taken out again.</li>
 * </ul>
 * An instance that dies without closing (SIGKILL) stops refreshing its alive key. Every instance sweeps every half
 * TTL; the first to take {@code presence:sweep:<id>} ({@code SET NX EX}) removes the dead instance from its users'
 * sets and reports those now connected nowhere as lost: offline within 1.5 TTL (45 s by default). A sweep cut
 * short is finished by a later one once the lock expires: every step can be done twice.
 *
 * <p>Commands go over a pool of their own, never the broker's connections. A command that fails (Redis away) is
 * logged and marks the board dirty; the next refresh that reaches Redis puts this instance's entries back in step
 * with what it knows locally, which also repairs an instance swept while Redis was unreachable to it.
 */
final class RedisBoard implements Board {

    private static final Logger log = LoggerFactory.getLogger(RedisBoard.class);
    private final String id = UUID.randomUUID().toString();
    private final BoardRedis pool;
    /** {@code presence:}, or on a Redis Cluster {@code {presence}:}: one hash slot, so MULTI spans every key. */
    private final String prefix;
    private final Duration ttl;
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("presence-board").daemon().factory());
    /** What this instance put on the board: users connected here, and "watched watcher" pairs. */
    private final Set<String> localUsers = ConcurrentHashMap.newKeySet();
    private final Set<String> localPairs = ConcurrentHashMap.newKeySet();
    private volatile Consumer<String> lost = user -> { };
    private volatile boolean dirty;
    private boolean registered; // touched only on the timer thread: false until the first refresh reached Redis

    RedisBoard(URI uri, Duration ttl) {
        this(BoardRedis.single(uri), "presence:", ttl);
    }

    RedisBoard(BoardRedis pool, String prefix, Duration ttl) {
        this.pool = pool;
        this.prefix = prefix;
        this.ttl = ttl;
        long refreshMillis = Math.max(1000, ttl.toMillis() / 3);
        long sweepMillis = Math.max(1000, ttl.toMillis() / 2);
        timer.execute(this::refresh);
        timer.scheduleWithFixedDelay(this::refresh, refreshMillis, refreshMillis, TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(this::sweep, sweepMillis, sweepMillis, TimeUnit.MILLISECONDS);
        log.info("event=presence_board_started instance={} ttl_s={}", id, ttl.toSeconds());
    }

    private String on(String user) {
        return prefix + "on:" + user;
    }

    private String watchers(String user) {
        return prefix + "watchers:" + user;
    }

    private String alive(String instance) {
        return prefix + "inst:" + instance;
    }

    private String users(String instance) {
        return prefix + "users:" + instance;
    }

    private String watching(String instance) {
        return prefix + "watching:" + instance;
    }

    private String instances() {
        return prefix + "instances";
    }

    @Override
    public boolean arrived(String user) {
        localUsers.add(user);
        try (Jedis jedis = pool.getResource()) {
            Transaction t = jedis.multi();
            t.sadd(users(id), user);
            t.sadd(on(user), id);
            Response<Long> count = t.scard(on(user));
            t.exec();
            return count.get() == 1;
        } catch (RuntimeException e) {
            failed("arrived", e);
            return true; // announce it anyway: the user did connect
        }
    }

    @Override
    public boolean left(String user) {
        localUsers.remove(user);
        try (Jedis jedis = pool.getResource()) {
            return removeFrom(jedis, id, user);
        } catch (RuntimeException e) {
            failed("left", e);
            return false; // unknown; the repair after Redis is back finds out
        }
    }

    /** Takes {@code instance} out of {@code user}'s set; true when none is left (the user went offline). */
    private boolean removeFrom(Jedis jedis, String instance, String user) {
        Transaction t = jedis.multi();
        t.srem(users(instance), user);
        Response<Long> removed = t.srem(on(user), instance);
        Response<Long> count = t.scard(on(user));
        t.exec();
        return removed.get() == 1 && count.get() == 0;
    }

    @Override
    public void watch(String watcher, String watched) {
        localPairs.add(watched + " " + watcher);
        try (Jedis jedis = pool.getResource()) {
            Pipeline p = jedis.pipelined();
            p.sadd(watching(id), watched + " " + watcher);
            p.sadd(watchers(watched), id + ":" + watcher);
            p.sync();
        } catch (RuntimeException e) {
            failed("watch", e);
        }
    }

    @Override
    public void unwatch(String watcher, String watched) {
        localPairs.remove(watched + " " + watcher);
        try (Jedis jedis = pool.getResource()) {
            Pipeline p = jedis.pipelined();
            p.srem(watchers(watched), id + ":" + watcher);
            p.srem(watching(id), watched + " " + watcher);
            p.sync();
        } catch (RuntimeException e) {
            failed("unwatch", e);
        }
    }

    @Override
    public Set<String> watchersOf(String user) {
        try (Jedis jedis = pool.getResource()) {
            Set<String> names = new HashSet<>();
            for (String entry : jedis.smembers(watchers(user))) {
                names.add(entry.substring(entry.indexOf(':') + 1)); // a UUID has no ':'
            }
            return names;
        } catch (RuntimeException e) {
            failed("watchers", e);
            return Set.of();
        }
    }

    @Override
    public Set<String> online(Collection<String> users) {
        Set<String> online = new HashSet<>();
        if (users.isEmpty()) {
            return online;
        }
        try (Jedis jedis = pool.getResource()) {
            Pipeline p = jedis.pipelined();
            List<Response<Boolean>> answers = new ArrayList<>();
            List<String> asked = List.copyOf(users);
            asked.forEach(u -> answers.add(p.exists(on(u))));
            p.sync();
            for (int i = 0; i < asked.size(); i++) {
                if (answers.get(i).get()) {
                    online.add(asked.get(i));
                }
            }
        } catch (RuntimeException e) {
            failed("online", e);
        }
        return online;
    }

    @Override
    public void onLost(Consumer<String> lost) {
        this.lost = lost;
    }

    /** Says this instance is alive; when its key had gone (or a command failed), puts its entries back in step. */
    private void refresh() {
        try (Jedis jedis = pool.getResource()) {
            String was = jedis.set(alive(id), "1", new SetParams().ex(ttl.toSeconds()).xx());
            jedis.sadd(instances(), id);
            if (was == null || dirty) {
                dirty = false;
                jedis.set(alive(id), "1", new SetParams().ex(ttl.toSeconds()));
                repair(jedis, registered);
                registered = true;
            }
        } catch (RuntimeException e) {
            failed("refresh", e);
        }
    }

    private void repair(Jedis jedis, boolean again) {
        for (String user : jedis.smembers(users(id))) {
            if (!localUsers.contains(user) && removeFrom(jedis, id, user)) {
                lost.accept(user); // its close here found Redis away
            }
        }
        for (String user : localUsers) {
            jedis.sadd(users(id), user);
            jedis.sadd(on(user), id);
        }
        for (String pair : jedis.smembers(watching(id))) {
            if (!localPairs.contains(pair)) {
                String[] parts = pair.split(" ", 2);
                jedis.srem(watchers(parts[0]), id + ":" + parts[1]);
                jedis.srem(watching(id), pair);
            }
        }
        for (String pair : localPairs) {
            String[] parts = pair.split(" ", 2);
            jedis.sadd(watching(id), pair);
            jedis.sadd(watchers(parts[0]), id + ":" + parts[1]);
        }
        if (again) {
            log.info("event=presence_repaired instance={} users={} watches={}", id, localUsers.size(), localPairs.size());
        }
    }

    /** Finds instances whose alive key expired and, holding a per-instance lock, takes their entries out. */
    private void sweep() {
        try (Jedis jedis = pool.getResource()) {
            for (String other : jedis.smembers(instances())) {
                if (other.equals(id) || jedis.exists(alive(other))) {
                    continue;
                }
                String lock = jedis.set(prefix + "sweep:" + other, id, new SetParams().nx().ex(2 * ttl.toSeconds()));
                if (lock != null) {
                    takeOut(jedis, other, true);
                }
            }
        } catch (RuntimeException e) {
            failed("sweep", e);
        }
    }

    /** Removes every entry of {@code instance}; reports its users now connected nowhere when {@code report}. */
    private void takeOut(Jedis jedis, String instance, boolean report) {
        int offline = 0;
        Set<String> users = jedis.smembers(users(instance));
        for (String user : users) {
            if (removeFrom(jedis, instance, user) && report) {
                offline++;
                lost.accept(user);
            }
        }
        for (String pair : jedis.smembers(watching(instance))) {
            String[] parts = pair.split(" ", 2);
            jedis.srem(watchers(parts[0]), instance + ":" + parts[1]);
        }
        jedis.del(users(instance), watching(instance), alive(instance));
        jedis.srem(instances(), instance);
        if (report) {
            log.info("event=presence_instance_swept instance={} users={} offline={}", instance, users.size(), offline);
        }
    }

    private void failed(String what, RuntimeException e) {
        dirty = true;
        log.warn("event=presence_command_failed op={} error=\"{}\"", what, e.getMessage());
    }

    /**
     * Graceful shutdown: {@link Presence} has already taken out each user still connected here (and announced those
     * now offline); this removes what is left of this instance.
     */
    @Override
    public void close() {
        timer.shutdownNow();
        try (Jedis jedis = pool.getResource()) {
            takeOut(jedis, id, false);
        } catch (RuntimeException e) {
            log.warn("event=presence_close_failed instance={} error=\"{}\"", id, e.getMessage());
        }
        pool.close();
    }
}
