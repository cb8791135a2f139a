package chitchat.auth;

import chitchat.config.ConfigException;
import chitchat.http.ApiException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.mindrot.jbcrypt.BCrypt;

/**
 * bcrypt hashing with a bound on how many hashes run at once.
 *
 * <p>A bcrypt hash is deliberately slow CPU work (cost 12 is about a quarter of a second on one core here). With a
 * virtual thread per request, nothing else would stop a burst of logins from running hundreds of hashes at once
 * and starving every other request of CPU; the semaphore lets as many run as there are cores and makes the rest
 * wait their turn, or get a 503 when the wait is long.
 */
final class Passwords {

    static final int MIN_COST = 10; // OWASP's minimum work factor for bcrypt

    private final int cost;
    private final Semaphore slots;
    /** Hash checked when the user does not exist, so that "no such user" takes as long as "wrong password". */
    private final String decoyHash;

    Passwords(int cost, int concurrency) {
        if (cost < MIN_COST || cost > 31) {
            throw new ConfigException("BCRYPT_COST must be from " + MIN_COST + " to 31, got " + cost);
        }
        this.cost = cost;
        this.slots = new Semaphore(concurrency, true);
        this.decoyHash = BCrypt.hashpw("decoy-password-never-matches", BCrypt.gensalt(cost));
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

    private <T> T bounded(java.util.function.Supplier<T> work) {
        boolean acquired = false;
        try {
            acquired = slots.tryAcquire(10, TimeUnit.SECONDS);
            if (!acquired) {
                throw new ApiException(503, "busy", "The server is busy. Please try again in a moment.", java.util.Map.of("Retry-After", "2"));
            }
            return work.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "busy", "The server is shutting down.");
        } finally {
            if (acquired) {
                slots.release();
            }
        }
    }
}
