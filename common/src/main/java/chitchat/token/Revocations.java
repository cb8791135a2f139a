package chitchat.token;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sessions that have ended before their token expires (logout, "log out everywhere"), as every instance of every
 * service sees them.
 *
 * <p>The list lives in the {@code revocations} collection of the shared store, which every process already has, so
 * no new infrastructure: {@code {_id, session, expiresAt}} ends one session (its token's {@code jti}), and
 * {@code {_id, user, before, expiresAt}} ends every session of a user issued at or before {@code before}. Each
 * process keeps the list in memory, so {@link #revoked} is two map lookups on every request, and polls the
 * collection every {@code REVOCATION_POLL_MS} (default 1000) for new entries: a logout reaches every instance
 * within about that long (at once on the instance that wrote it).
 *
 * <p>The poll asks only for {@code _id >=} an ObjectId made from a time a little in the past: a range on
 * {@code _id} is the one query every store here serves from an index (the embedded store ignores compound indexes
 * and sorts in memory). ObjectIds are made by the writing process from its own clock, so the window reaches back
 * {@link #OVERLAP} behind this process's clock and the last entry it saw, to catch writers whose clocks lag; the
 * same entry read twice changes nothing. An entry is needed only until the token it ends would have expired
 * anyway, so entries carry {@code expiresAt}, and every process prunes expired ones, from memory and from the store,
 * once a minute (the embedded store has no TTL indexes).
 *
 * <p>When the store is unreachable the poll fails and the list stops growing: tokens revoked elsewhere meanwhile
 * are accepted here until the store is back (fail-open, stated in SECURITY.md), while writing a revocation fails
 * and the logout answers 503.
 */
public final class Revocations implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Revocations.class);

    static final Duration OVERLAP = Duration.ofSeconds(10);
    private static final Duration PRUNE_EVERY = Duration.ofMinutes(1);

    /** A user's cut-off: sessions issued at or before {@code before} have ended; the entry is kept until {@code expiresAt}. */
    private record Cutoff(Instant before, Instant expiresAt) {
    }

    private final MongoCollection<Document> collection;
    private final Clock clock;
    private final ConcurrentHashMap<String, Instant> sessions = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Cutoff> users = new ConcurrentHashMap<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService poller;
    private volatile Instant lastSeen;
    private volatile boolean failing;

    private Revocations(MongoDatabase database, Clock clock, Duration pollEvery) {
        this.collection = database.getCollection("revocations");
        this.clock = clock;
        this.lastSeen = clock.instant();
        load();
        this.poller = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("revocations").daemon().factory());
        poller.scheduleWithFixedDelay(this::poll, pollEvery.toMillis(), pollEvery.toMillis(), TimeUnit.MILLISECONDS);
        poller.scheduleWithFixedDelay(this::prune, PRUNE_EVERY.toMillis(), PRUNE_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Loads the current list and starts polling {@code database} every {@code REVOCATION_POLL_MS}. */
    public static Revocations start(chitchat.config.Env env, MongoDatabase database) {
        return new Revocations(database, Clock.systemUTC(), Duration.ofMillis(env.integer("REVOCATION_POLL_MS", 1000, 50, 60_000)));
    }

    /** Whether {@code session} has ended: logged out, or cut off by "log out everywhere". */
    public boolean revoked(Tokens.Session session) {
        if (sessions.containsKey(session.id())) {
            return true;
        }
        Cutoff cutoff = users.get(session.username());
        return cutoff != null && !session.issuedAt().isAfter(cutoff.before());
    }

    /** Ends one session everywhere (logout). Throws the driver's exception when the store cannot be written. */
    public void revoke(Tokens.Session session) {
        applySession(session.id(), session.expiresAt()); // this instance refuses it at once, whatever the store does
        collection.insertOne(new Document("_id", new ObjectId())
                .append("session", session.id())
                .append("expiresAt", Date.from(session.expiresAt())));
        notifyListeners();
    }

    /**
     * Ends every session of {@code username} issued up to now, everywhere ("log out everywhere"), and returns that
     * moment: a session issued after it lives on. The entry is kept for {@code lifetime}, the longest a token issued
     * before now can live.
     */
    public Instant revokeAll(String username, Duration lifetime) {
        Instant now = clock.instant();
        Instant expiresAt = now.plus(lifetime).plus(OVERLAP);
        applyUser(username, new Cutoff(now, expiresAt));
        collection.insertOne(new Document("_id", new ObjectId())
                .append("user", username)
                .append("before", Date.from(now))
                .append("expiresAt", Date.from(expiresAt)));
        notifyListeners();
        return now;
    }

    /**
     * Runs {@code listener} whenever sessions have been revoked (on the polling thread or the revoking request's):
     * the chat-server closes the ended sessions' WebSockets. It must not block for long.
     */
    public void onRevoked(Runnable listener) {
        listeners.add(listener);
    }

    public void removeListener(Runnable listener) {
        listeners.remove(listener);
    }

    /** How many entries this process holds in memory (sessions and users). */
    public int size() {
        return sessions.size() + users.size();
    }

    private void load() {
        int[] count = {0};
        collection.find(Filters.gt("expiresAt", Date.from(clock.instant()))).forEach(doc -> {
            apply(doc);
            count[0]++;
        });
        log.info("event=revocations_loaded entries={}", count[0]);
    }

    private void poll() {
        try {
            Instant from = (lastSeen.isBefore(clock.instant()) ? lastSeen : clock.instant()).minus(OVERLAP);
            Instant started = clock.instant();
            boolean changed = false;
            for (Document doc : collection.find(Filters.gte("_id", smallestIdAt(from)))) {
                changed |= apply(doc);
            }
            lastSeen = started;
            if (failing) {
                failing = false;
                log.info("event=revocations_poll_recovered");
            }
            if (changed) {
                notifyListeners();
            }
        } catch (RuntimeException e) {
            if (!failing) {
                failing = true; // one line per outage, not one per poll
                log.warn("event=revocations_poll_failed error=\"{}\"", e.getClass().getSimpleName());
            }
        }
    }

    /** The smallest ObjectId of {@code time}'s second: every id a writer made at or after it is {@code >=} it. */
    static ObjectId smallestIdAt(Instant time) {
        return new ObjectId(String.format("%08x%016x", time.getEpochSecond(), 0L));
    }

    /** Applies one stored entry; true when it revoked something this process did not know of. */
    private boolean apply(Document doc) {
        Date expires = doc.getDate("expiresAt");
        if (expires == null || !expires.toInstant().isAfter(clock.instant())) {
            return false;
        }
        String session = doc.getString("session");
        if (session != null) {
            return applySession(session, expires.toInstant());
        }
        String user = doc.getString("user");
        Date before = doc.getDate("before");
        return user != null && before != null && applyUser(user, new Cutoff(before.toInstant(), expires.toInstant()));
    }

    private boolean applySession(String id, Instant expiresAt) {
        return sessions.putIfAbsent(id, expiresAt) == null;
    }

    private boolean applyUser(String user, Cutoff cutoff) {
        boolean[] changed = {false};
        users.compute(user, (u, old) -> {
            if (old != null && !cutoff.before().isAfter(old.before())) {
                return old; // an earlier cut-off than the one already known adds nothing
            }
            changed[0] = true;
            return old == null || cutoff.expiresAt().isAfter(old.expiresAt()) ? cutoff : new Cutoff(cutoff.before(), old.expiresAt());
        });
        return changed[0];
    }

    private void notifyListeners() {
        for (Runnable listener : listeners) {
            try {
                listener.run();
            } catch (RuntimeException e) {
                log.error("event=revocation_listener_failed error=\"{}\"", e.toString(), e);
            }
        }
    }

    void prune() { // package-private: RevocationsTest runs it without waiting a minute
        Instant now = clock.instant();
        sessions.values().removeIf(expiresAt -> !expiresAt.isAfter(now));
        users.values().removeIf(cutoff -> !cutoff.expiresAt().isAfter(now));
        try {
            long deleted = collection.deleteMany(Filters.lte("expiresAt", Date.from(now))).getDeletedCount();
            if (deleted > 0) {
                log.info("event=revocations_pruned deleted={} held={}", deleted, size());
            }
        } catch (RuntimeException e) {
            log.warn("event=revocations_prune_failed error=\"{}\"", e.getClass().getSimpleName());
        }
    }

    @Override
    public void close() {
        poller.shutdownNow();
        try {
            poller.awaitTermination(2, TimeUnit.SECONDS); // before the store closes under a running poll
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
