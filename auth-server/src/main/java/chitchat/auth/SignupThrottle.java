package chitchat.auth;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Limits sign-ups per client address ({@code SIGNUP_MAX_PER_ADDRESS}, default 10, per
 * {@code SIGNUP_WINDOW_MINUTES}, default 60): each one costs a bcrypt hash and leaves an account behind, so an
 * unlimited sign-up is both a way to make the server burn CPU and a way to farm accounts.
 *
 * <p>Only a sign-up that will hash is counted, reserved before the hash: a taken name is refused (409) before
 * either, at the price of one indexed read. Counts live in this process's memory, like the login throttle's.
 */
final class SignupThrottle {

    private final AttemptWindows addresses;

    SignupThrottle(int perAddress, Duration window, Clock clock) {
        this.addresses = new AttemptWindows(perAddress, window, clock);
    }

    /** Counts one sign-up from {@code address}, or returns the wait when it is at its limit. */
    Optional<Duration> reserve(String address) {
        return addresses.reserve(address);
    }

    /** The sign-up never hashed (the server was busy or the store down). */
    void refund(String address) {
        addresses.refund(address);
    }
}
