package chitchat.reliability;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Bounded waiting: every wait in these tests has a deadline, and says what it waited for when it runs out. */
final class Waits {

    private Waits() {
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Polls {@code condition} every 50 ms; false when {@code timeout} passed first. */
    static boolean until(Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            sleep(50);
        }
        return true;
    }

    /** Like {@link #until}, but fails the test with {@code what} and the current {@code state}. */
    static void await(String what, Duration timeout, BooleanSupplier condition, Supplier<Object> state) {
        if (!until(timeout, condition)) {
            throw new AssertionError("not within " + timeout + ": " + what + "; state: " + state.get());
        }
    }
}
