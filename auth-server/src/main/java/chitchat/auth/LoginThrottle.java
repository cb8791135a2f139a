package chitchat.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows down password guessing: after too many failed logins for one username, or from one client address,
 * within a window, further attempts are refused (429) until the window ends, without checking the password.
 *
 * <p>Two keys because they stop two attacks: many guesses at one account (per username), and one client trying
 * a few passwords on many accounts (per address, with a higher limit since many people can share an address).
 * The counts live in this process's memory: with several auth-server instances each counts on its own, which
 * multiplies the allowance by the instance count but keeps the design free of another shared store.
 */
final class LoginThrottle {

    private record Window(Instant start, int failures) {
    }

    private final int perUser;
    private final int perAddress;
    private final Duration window;
    private final Clock clock;
    private final ConcurrentHashMap<String, Window> failures = new ConcurrentHashMap<>();

    LoginThrottle(int perUser, int perAddress, Duration window, Clock clock) {
        this.perUser = perUser;
        this.perAddress = perAddress;
        this.window = window;
        this.clock = clock;
    }

    /** How long the caller must wait, or empty when it may try. */
    Optional<Duration> blocked(String username, String address) {
        Instant now = clock.instant();
        Optional<Duration> user = wait("u:" + username, perUser, now);
        Optional<Duration> addr = wait("a:" + address, perAddress, now);
        if (user.isPresent() && addr.isPresent()) {
            return Optional.of(user.get().compareTo(addr.get()) > 0 ? user.get() : addr.get());
        }
        return user.isPresent() ? user : addr;
    }

    void failed(String username, String address) {
        Instant now = clock.instant();
        if (failures.size() > 100_000) {
            failures.values().removeIf(w -> w.start().plus(window).isBefore(now)); // forget finished windows
        }
        count("u:" + username, now);
        count("a:" + address, now);
    }

    void succeeded(String username) {
        failures.remove("u:" + username);
    }

    private void count(String key, Instant now) {
        failures.compute(key, (k, w) -> w == null || w.start().plus(window).isBefore(now)
                ? new Window(now, 1)
                : new Window(w.start(), w.failures() + 1));
    }

    private Optional<Duration> wait(String key, int limit, Instant now) {
        Window w = failures.get(key);
        if (w == null || w.failures() < limit) {
            return Optional.empty();
        }
        Instant end = w.start().plus(window);
        return end.isAfter(now) ? Optional.of(Duration.between(now, end)) : Optional.empty();
    }
}
