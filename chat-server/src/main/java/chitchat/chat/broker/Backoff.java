package chitchat.chat.broker;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How long a broker link waits before its next reconnect: doubling from {@code first} up to {@code max}, plus a
 * random half of that on top. The jitter matters when Redis (or one cluster shard) comes back: without it every
 * instance's links would reconnect, resubscribe and resync in the same millisecond, again and again.
 * The one retry policy of the package: the single broker's subscription and publisher, and the cluster broker's
 * shard links and publisher all wait by it, so that they behave the same and there is one cap to tune.
 */
record Backoff(Duration first, Duration max) {

    /**
     * 100 ms, 200 ms, ... up to 5 s (before jitter): a restarted Redis is found within a tenth of a second, and a
     * long outage costs each link one attempt every few seconds.
     */
    static final Backoff RECONNECT = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));

    /** The wait before retry number {@code attempt} (0 for the first retry after a link went down). */
    long millis(int attempt) {
        long base = first.toMillis() << Math.min(attempt, 20);
        base = Math.min(base, max.toMillis());
        return base + ThreadLocalRandom.current().nextLong(base / 2 + 1);
    }

    /** Sleeps {@link #millis(int)}; returns early (with the interrupt flag kept) when interrupted. */
    void sleep(int attempt) {
        try {
            Thread.sleep(millis(attempt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
