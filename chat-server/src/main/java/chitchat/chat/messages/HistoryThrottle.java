package chitchat.chat.messages;

import chitchat.ratelimit.TokenBucket;
import chitchat.config.Env;
import chitchat.http.ApiException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-user limits on history requests, which are the most expensive thing a user can ask for (a scan of up to 200
 * messages): a token bucket ({@code HISTORY_RATE_PER_SECOND}, {@code HISTORY_RATE_BURST}) and a cap on requests in
 * flight at once ({@code HISTORY_MAX_IN_FLIGHT}). Without them one user's parallel catch-ups slowed every other
 * user's history (issue 10). Beyond either limit the answer is 429 {@code rate_limited} with {@code Retry-After}.
 *
 * <p>The browser client pages a catch-up one request at a time, at most 20 pages, and loads one conversation page
 * per click or scroll, so the default burst of 20 covers a long absence. Limits are per instance and in memory,
 * like the login throttle: with N chat-servers a user gets N times the allowance.
 */
public final class HistoryThrottle {

    private static final Logger log = LoggerFactory.getLogger(HistoryThrottle.class);
    /** How often users who have gone quiet are forgotten, so the map holds only recently active users. */
    private static final long SWEEP_NANOS = TimeUnit.SECONDS.toNanos(60);

    /**
     * @param perSecond   sustained history requests per second per user
     * @param burst       requests a user may make at once before the rate applies
     * @param maxInFlight requests of one user being answered at the same time
     */
    record Settings(int perSecond, int burst, int maxInFlight) {
        static Settings from(Env env) {
            return new Settings(
                    env.integer("HISTORY_RATE_PER_SECOND", 5, 1, 100_000),
                    env.integer("HISTORY_RATE_BURST", 20, 1, 100_000),
                    env.integer("HISTORY_MAX_IN_FLIGHT", 4, 1, 10_000));
        }
    }

    /** One request's place among its user's requests in flight; closing it frees the place. */
    public interface Permit extends AutoCloseable {
        @Override
        void close();
    }

    private final Settings settings;
    private final LongSupplier nanoClock;
    private final Map<String, Allowance> users = new ConcurrentHashMap<>();
    private volatile long nextSweep;

    /** The limits {@code env} sets (or the defaults), one allowance per user shared by every history endpoint. */
    public static HistoryThrottle from(Env env) {
        return new HistoryThrottle(Settings.from(env), System::nanoTime);
    }

    HistoryThrottle(Settings settings, LongSupplier nanoClock) {
        this.settings = settings;
        this.nanoClock = nanoClock;
        this.nextSweep = nanoClock.getAsLong() + SWEEP_NANOS;
    }

    Settings settings() {
        return settings;
    }

    /** A permit for one history request of {@code user}, or a 429 {@link ApiException} with {@code Retry-After}. */
    public Permit acquire(String user) {
        long now = nanoClock.getAsLong();
        sweep(now);
        Allowance allowance = users.computeIfAbsent(user, u -> new Allowance(new TokenBucket(settings.perSecond(), settings.burst(), now)));
        synchronized (allowance) {
            if (allowance.inFlight >= settings.maxInFlight()) {
                throw refuse(user, allowance, "in_flight", 1);
            }
            long wait = allowance.bucket.tryTake(now);
            if (wait < 0) {
                throw refuse(user, allowance, "rate", Math.max(1, TimeUnit.NANOSECONDS.toSeconds(-wait + 999_999_999)));
            }
            allowance.inFlight++;
            allowance.refusing = false;
        }
        return () -> {
            synchronized (allowance) {
                allowance.inFlight--;
            }
        };
    }

    private static ApiException refuse(String user, Allowance allowance, String reason, long retryAfterSeconds) {
        if (!allowance.refusing) { // one line per burst refused, not one per request
            allowance.refusing = true;
            log.info("event=history_rate_limited user={} reason={} retry_after={}", user, reason, retryAfterSeconds);
        }
        return new ApiException(429, "rate_limited", "Too many history requests. Please wait a moment and try again.",
                Map.of("Retry-After", String.valueOf(retryAfterSeconds)));
    }

    private void sweep(long now) {
        if (now - nextSweep < 0) {
            return;
        }
        nextSweep = now + SWEEP_NANOS;
        users.entrySet().removeIf(entry -> {
            Allowance allowance = entry.getValue();
            synchronized (allowance) {
                return allowance.inFlight == 0 && allowance.bucket.isFull(now);
            }
        });
    }

    /** One user's bucket and requests in flight; guarded by itself. */
    private static final class Allowance {
        final TokenBucket bucket;
        int inFlight;
        boolean refusing;

        Allowance(TokenBucket bucket) {
            this.bucket = bucket;
        }
    }
}
