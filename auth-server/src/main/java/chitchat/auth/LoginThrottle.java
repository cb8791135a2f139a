package chitchat.auth;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Slows down password guessing: after too many failed logins for one username, or from one client address,
 * within a window, further attempts are refused (429) until the window ends, without checking the password.
 *
 * <p>Two keys because they stop two attacks: many guesses at one account (per username), and one client trying
 * a few passwords on many accounts (per address, with a higher limit since many people can share an address).
 * Every attempt is {@link #reserve}d, on both keys, before its password is hashed, so parallel guesses cannot
 * outrun the count ({@link AttemptWindows}); a success then forgets the user's count and gives the address back its
 * attempt, so only failures count, as before. The counts live in this process's memory: with several auth-server
 * instances each counts on its own, which multiplies the allowance by the instance count but keeps the design free
 * of another shared store.
 */
final class LoginThrottle {

    private final AttemptWindows users;
    private final AttemptWindows addresses;

    LoginThrottle(int perUser, int perAddress, Duration window, Clock clock) {
        this.users = new AttemptWindows(perUser, window, clock);
        this.addresses = new AttemptWindows(perAddress, window, clock);
    }

    /**
     * Reserves one attempt for the user and the address, or returns how long the caller must wait (counting
     * nothing) when either is at its limit. A reservation is a failure unless {@link #succeeded} or {@link #refund}.
     */
    Optional<Duration> reserve(String username, String address) {
        Optional<Duration> user = users.reserve(username);
        if (user.isPresent()) {
            return longer(user, addresses.wait(address));
        }
        Optional<Duration> addr = addresses.reserve(address);
        if (addr.isPresent()) {
            users.refund(username);
            return addr;
        }
        return Optional.empty();
    }

    /** How long the caller would have to wait, counting nothing (for tests and diagnostics). */
    Optional<Duration> blocked(String username, String address) {
        return longer(users.wait(username), addresses.wait(address));
    }

    /** The password was right: the user's failures are forgotten and the address's attempt given back. */
    void succeeded(String username, String address) {
        users.clear(username);
        addresses.refund(address);
    }

    /** The password was never checked (the server was busy or the store down): this was no attempt. */
    void refund(String username, String address) {
        users.refund(username);
        addresses.refund(address);
    }

    private static Optional<Duration> longer(Optional<Duration> a, Optional<Duration> b) {
        if (a.isPresent() && b.isPresent()) {
            return Optional.of(a.get().compareTo(b.get()) > 0 ? a.get() : b.get());
        }
        return a.isPresent() ? a : b;
    }
}
