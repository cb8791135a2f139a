package chitchat.chat.presence;

import chitchat.chat.broker.Broker;
import chitchat.chat.conversations.Conversations;
import chitchat.chat.protocol.ErrorCode;
import chitchat.chat.protocol.Frames;
import chitchat.chat.ws.Connection;
import chitchat.chat.ws.ConnectionRegistry;
import chitchat.config.Env;
import chitchat.users.Usernames;
import com.mongodb.MongoException;
import com.mongodb.client.MongoDatabase;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Presence and last seen: answers {@code watch}, and tells the watchers of a user when that user comes online or
 * goes offline.
 *
 * <p>How a change travels: the registry reports a user's first and last connection here; the {@link Board} says
 * whether that made them online or offline anywhere; if so, the {@code presence} frame is published on the channel
 * of each user who watches them ({@code chat_<watcher>}, which exists already and reaches only that user's
 * connections), and the registry there gives it only to the connections whose watch set holds the user. So a
 * change costs one publish per watcher, never one per instance or per connection.
 *
 * <p>Contacts only: a connection may watch only users it shares a conversation with; anyone else is answered
 * {@code online: null} once and never watched. Going offline writes {@code lastSeen} to the {@code users}
 * collection; connecting writes nothing. Each call here runs on a connection's virtual thread (inside the
 * registry's per-user step, so one user's changes here happen in order) or on the board's sweep thread.
 */
public final class Presence implements ConnectionRegistry.Listener, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Presence.class);

    private final Board board;
    private final LastSeen lastSeen;
    private final Conversations conversations;
    private final Broker broker;
    /** Watcher to watched user to how many of the watcher's connections here watch them. */
    private final ConcurrentHashMap<String, Map<String, Integer>> watchCounts = new ConcurrentHashMap<>();
    /** Users with a connection here, so that a shutdown can take them out. */
    private final Set<String> localUsers = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    Presence(Board board, MongoDatabase database, Conversations conversations, Broker broker) {
        this.board = board;
        this.lastSeen = new LastSeen(database);
        this.conversations = conversations;
        this.broker = broker;
        board.onLost(this::wentOffline);
    }

    /**
     * Presence over Redis when {@code redis} is given (with {@code PRESENCE_TTL_SECONDS}, default 30: how long a
     * dead instance's users may still look online, times 1.5), else in this process's memory.
     */
    public static Presence start(Env env, Optional<URI> redis, MongoDatabase database, Conversations conversations, Broker broker) {
        return start(env, redis, null, database, conversations, broker);
    }

    /** As above; on a Redis Cluster ({@code cluster} not null) the board's keys live in one slot there. */
    public static Presence start(Env env, Optional<URI> redis, chitchat.chat.broker.Topology cluster, MongoDatabase database,
            Conversations conversations, Broker broker) {
        Duration ttl = Duration.ofSeconds(env.integer("PRESENCE_TTL_SECONDS", 30, 2, 300));
        Board board = cluster != null ? new RedisBoard(BoardRedis.cluster(cluster), "{presence}:", ttl)
                : redis.<Board>map(uri -> new RedisBoard(uri, ttl)).orElseGet(LocalBoard::new);
        return new Presence(board, database, conversations, broker);
    }

    @Override
    public void firstConnection(String user) {
        if (closed) {
            return;
        }
        localUsers.add(user);
        if (board.arrived(user)) {
            announce(user, true, () -> storedLastSeen(user));
        }
    }

    @Override
    public void lastConnectionClosed(String user) {
        localUsers.remove(user);
        if (!closed && board.left(user)) {
            wentOffline(user);
        }
    }

    @Override
    public void closed(Connection connection) {
        rewatch(connection, Set.of());
    }

    private void wentOffline(String user) {
        Instant now = Instant.now();
        try {
            lastSeen.write(user, now);
        } catch (MongoException e) {
            log.warn("event=last_seen_write_failed user={} error=\"{}\"", user, e.getClass().getSimpleName());
        }
        announce(user, false, () -> now);
    }

    /** Publishes the change to every watcher of {@code user}; the last-seen time is looked up only if someone watches. */
    private void announce(String user, boolean online, Supplier<Instant> seen) {
        Set<String> watchers = board.watchersOf(user);
        if (watchers.isEmpty()) {
            return;
        }
        Instant at = seen.get();
        String frame = Frames.presence(user, online, at);
        watchers.forEach(watcher -> broker.publish(watcher, frame));
        log.debug("event=presence_announced user={} online={} watchers={}", user, online, watchers.size());
    }

    private Instant storedLastSeen(String user) {
        try {
            return lastSeen.of(List.of(user)).get(user);
        } catch (MongoException e) {
            return null;
        }
    }

    /**
     * A {@code watch} frame: {@code requested} replaces what {@code from} watched, keeping only the watcher's
     * contacts, and each requested user's presence is sent at once, in the order asked.
     */
    public void watch(Connection from, List<String> requested) {
        Set<String> names = new LinkedHashSet<>();
        requested.forEach(raw -> names.add(Usernames.canonical(raw).orElse(raw)));
        Set<String> contacts;
        try {
            contacts = conversations.contactsOf(from.user());
        } catch (MongoException e) {
            log.warn("event=watch_failed user={} error=\"{}\"", from.user(), e.getClass().getSimpleName());
            from.send(Frames.error(ErrorCode.STORE_UNAVAILABLE, "Presence is unavailable for a moment; please watch again.", null));
            return;
        }
        Set<String> allowed = new LinkedHashSet<>(names);
        allowed.retainAll(contacts);
        rewatch(from, Set.copyOf(allowed)); // before reading: a change from now on is announced to this connection

        Set<String> online = board.online(allowed);
        Map<String, Instant> seen;
        try {
            seen = lastSeen.of(allowed);
        } catch (MongoException e) {
            seen = Map.of();
        }
        for (String name : names) {
            if (allowed.contains(name)) {
                from.send(Frames.presence(name, online.contains(name), seen.get(name)));
            } else {
                from.send(Frames.presenceUnknown(name));
            }
        }
    }

    /** Sets the connection's watch set, and tells the board when it is the first or last connection here to watch someone. */
    private void rewatch(Connection connection, Set<String> next) {
        Set<String> previous = connection.watching();
        if (previous.equals(next)) {
            return;
        }
        connection.watch(next);
        watchCounts.compute(connection.user(), (watcher, counts) -> {
            Map<String, Integer> c = counts == null ? new HashMap<>() : counts;
            for (String user : next) {
                if (!previous.contains(user) && c.merge(user, 1, Integer::sum) == 1) {
                    board.watch(watcher, user);
                }
            }
            for (String user : previous) {
                if (!next.contains(user)) {
                    int left = c.getOrDefault(user, 1) - 1;
                    if (left <= 0) {
                        c.remove(user);
                        board.unwatch(watcher, user);
                    } else {
                        c.put(user, left);
                    }
                }
            }
            return c.isEmpty() ? null : c;
        });
    }

    /**
     * Graceful shutdown, after the connections have closed and before the broker does: whoever is still counted as
     * connected here is taken out (and announced offline where this was their last instance), then the board.
     */
    @Override
    public void close() {
        closed = true;
        for (String user : List.copyOf(localUsers)) {
            if (board.left(user)) {
                wentOffline(user);
            }
        }
        localUsers.clear();
        board.close();
    }
}
