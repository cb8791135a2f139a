package chitchat.auth;

import chitchat.config.ConfigException;
import chitchat.http.ApiException;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.mindrot.jbcrypt.BCrypt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * bcrypt hashing with a bound on how many hashes run at once, and on how many wait.
 *
 * <p>A bcrypt hash is deliberately slow CPU work (cost 12 is about a quarter of a second on one core here). With a
 * virtual thread per request, nothing else would stop a burst of logins from running hundreds of hashes at once
 * and starving every other request of CPU. So at most {@code BCRYPT_CONCURRENCY} hashes run at once (default half
 * the cores, at least one: the rest is left for chat and everything else), at most {@code BCRYPT_QUEUE} more wait
 * (default 8 per running hash, about two seconds of work at cost 12), each for at most {@link #MAX_WAIT_MS}. Past
 * that a request is told 503 busy with {@code Retry-After} at once, instead of joining a queue it would time out
 * in anyway.
 */
final class Passwords {

    private static final Logger log = LoggerFactory.getLogger(Passwords.class);

    static final int MIN_COST = 10; // OWASP's minimum work factor for bcrypt
    static final long MAX_WAIT_MS = 3000;

    private final int cost;
    private final Semaphore slots;
    /** Hashes running or waiting: bounded by concurrency + queue. */
    private final AtomicInteger admitted = new AtomicInteger();
    private final int maxAdmitted;
    /** Hash checked when the user does not exist, so that "no such user" takes as long as "wrong password". */
    private final String decoyHash;

    Passwords(int cost, int concurrency, int queue) {
        if (cost < MIN_COST || cost > 31) {
            throw new ConfigException("BCRYPT_COST must be from " + MIN_COST + " to 31, got " + cost);
        }
        this.cost = cost;
        this.slots = new Semaphore(concurrency, true);
        this.maxAdmitted = concurrency + queue;
        this.decoyHash = BCrypt.hashpw("decoy-password-never-matches", BCrypt.gensalt(cost));
    }

    /** The default number of hashes at once: half the cores, at least one. */
    static int defaultConcurrency() {
        return Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    }

    int cost() {
        return cost;
    }

    String hash(String password) {
        return bounded(() -> BCrypt.hashpw(password, BCrypt.gensalt(cost)));
    }

    /** Whether {@code password} matches {@code hash}; with a null hash, spends the same time and answers false. */
    boolean matches(String password, String hash) {
        return bounded(() -> {
            boolean ok = BCrypt.checkpw(password, hash != null ? hash : decoyHash);
            return ok && hash != null;
        });
    }

    private <T> T bounded(Supplier<T> work) {
        if (admitted.incrementAndGet() > maxAdmitted) {
            admitted.decrementAndGet();
            log.warn("event=bcrypt_busy reason=queue_full");
            throw busy();
        }
        boolean acquired = false;
        try {
            acquired = slots.tryAcquire(MAX_WAIT_MS, TimeUnit.MILLISECONDS);
            if (!acquired) {
                log.warn("event=bcrypt_busy reason=wait_timeout");
                throw busy();
            }
            return work.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "busy", "The server is shutting down.", Map.of("Retry-After", "2"));
        } finally {
            if (acquired) {
                slots.release();
            }
            admitted.decrementAndGet();
        }
    }

    private static ApiException busy() {
        return new ApiException(503, "busy", "The server is busy. Please try again in a moment.", Map.of("Retry-After", "2"));
    }
}
