package chitchat.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts attempts per key in fixed windows, and refuses an attempt past the limit until its window ends.
 *
 * <p>An attempt is reserved before the work it stands for, in one atomic step (the map's per-key
 * {@code compute}): checking first and counting after the work lets a burst of parallel requests all pass the
 * check before any is counted, which is how 60-96 of a burst of guesses once reached bcrypt against a limit of 5.
 * A reservation that turned out not to be an attempt (the server was too busy to hash) is {@link #refund}ed.
 *
 * <p>The counts live in this process's memory, bounded: past 100,000 keys, finished windows are forgotten.
 */
final class AttemptWindows {

    private record Window(Instant start, int attempts) {
    }

    private static final int PRUNE_ABOVE = 100_000;

    private final int limit;
    private final Duration window;
    private final Clock clock;
    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

    AttemptWindows(int limit, Duration window, Clock clock) {
        this.limit = limit;
        this.window = window;
        this.clock = clock;
    }

    /** Counts one attempt for {@code key} and returns empty, or, at the limit, counts nothing and returns the wait. */
    Optional<Duration> reserve(String key) {
        Instant now = clock.instant();
        if (windows.size() > PRUNE_ABOVE) {
            windows.values().removeIf(w -> !w.start().plus(window).isAfter(now));
        }
        Duration[] wait = {null};
        windows.compute(key, (k, w) -> {
            if (w == null || !w.start().plus(window).isAfter(now)) {
                return new Window(now, 1);
            }
            if (w.attempts() >= limit) {
                wait[0] = Duration.between(now, w.start().plus(window));
                return w;
            }
            return new Window(w.start(), w.attempts() + 1);
        });
        return Optional.ofNullable(wait[0]);
    }

    /** Takes back one reserved attempt. */
    void refund(String key) {
        windows.computeIfPresent(key, (k, w) -> w.attempts() <= 1 ? null : new Window(w.start(), w.attempts() - 1));
    }

    /** Forgets {@code key}'s count. */
    void clear(String key) {
        windows.remove(key);
    }

    /** The wait for {@code key} if it is at its limit now, without counting anything. */
    Optional<Duration> wait(String key) {
        Instant now = clock.instant();
        Window w = windows.get(key);
        if (w == null || w.attempts() < limit || !w.start().plus(window).isAfter(now)) {
            return Optional.empty();
        }
        return Optional.of(Duration.between(now, w.start().plus(window)));
    }
}
