package chitchat.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Login attempt counting per username and per address, on a clock the test moves by hand. */
@Timeout(10)
class LoginThrottleTest {

    private static final Duration WINDOW = Duration.ofMinutes(15);

    /** A clock that stands still until the test moves it. */
    private static final class ManualClock extends Clock {
        private Instant now = Instant.parse("2030-01-01T00:00:00Z");

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    private final ManualClock clock = new ManualClock();
    private final LoginThrottle throttle = new LoginThrottle(3, 5, WINDOW, clock);

    private void fail(String user, String address, int times) {
        for (int i = 0; i < times; i++) {
            assertEquals(Optional.empty(), throttle.reserve(user, address), "attempt " + i + " of " + user);
        }
    }

    @Test
    void allowsAttemptsUpToTheLimit() {
        assertEquals(Optional.empty(), throttle.blocked("alice", "10.0.0.1"));
        fail("alice", "10.0.0.1", 2);
        assertEquals(Optional.empty(), throttle.blocked("alice", "10.0.0.1"));
    }

    @Test
    void blocksAUsernameUntilItsWindowEnds() {
        fail("alice", "10.0.0.1", 1);
        clock.advance(Duration.ofMinutes(5));
        fail("alice", "10.0.0.1", 2);
        assertEquals(Optional.of(Duration.ofMinutes(10)), throttle.blocked("alice", "10.0.0.1"));
        assertEquals(Optional.of(Duration.ofMinutes(10)), throttle.blocked("alice", "192.168.1.9"), "from any address");
        assertEquals(Optional.empty(), throttle.blocked("bob", "192.168.1.9"), "other users are not affected");

        clock.advance(Duration.ofMinutes(9));
        assertEquals(Optional.of(Duration.ofMinutes(1)), throttle.blocked("alice", "10.0.0.1"));
        clock.advance(Duration.ofMinutes(1));
        assertEquals(Optional.empty(), throttle.blocked("alice", "10.0.0.1"));
    }

    @Test
    void aFailureAfterTheWindowStartsANewCount() {
        fail("alice", "10.0.0.1", 3);
        clock.advance(WINDOW.plusSeconds(1));
        fail("alice", "10.0.0.1", 1);
        assertEquals(Optional.empty(), throttle.blocked("alice", "10.0.0.1"));
        fail("alice", "10.0.0.1", 2);
        assertEquals(Optional.of(WINDOW), throttle.blocked("alice", "10.0.0.1"));
    }

    @Test
    void aSuccessfulLoginForgetsTheUsersFailures() {
        fail("alice", "10.0.0.1", 2);
        throttle.succeeded("alice", "10.0.0.1");
        fail("alice", "10.0.0.1", 2);
        assertEquals(Optional.empty(), throttle.blocked("alice", "10.0.0.1"));
        fail("alice", "10.0.0.1", 1);
        assertTrue(throttle.blocked("alice", "10.0.0.1").isPresent());
    }

    @Test
    void blocksAnAddressThatTriesManyUsernames() {
        for (String user : new String[] {"u1", "u2", "u3", "u4", "u5"}) {
            fail(user, "10.0.0.66", 1);
        }
        assertEquals(Optional.of(WINDOW), throttle.blocked("someone-new", "10.0.0.66"));
        assertEquals(Optional.empty(), throttle.blocked("someone-new", "10.0.0.67"));
        assertEquals(Optional.empty(), throttle.blocked("u1", "10.0.0.67"), "one failure per user is under the user limit");
    }

    @Test
    void whenBothAreBlockedTheLongerWaitWins() {
        fail("alice", "10.0.0.1", 3);       // user window ends at +15 min
        clock.advance(Duration.ofMinutes(5));
        fail("x1", "10.0.0.2", 1);           // address window starts now, ends at +20 min
        fail("x2", "10.0.0.2", 1);
        fail("x3", "10.0.0.2", 1);
        fail("x4", "10.0.0.2", 1);
        fail("x5", "10.0.0.2", 1);
        assertEquals(Optional.of(Duration.ofMinutes(15)), throttle.blocked("alice", "10.0.0.2"));
        assertEquals(Optional.of(Duration.ofMinutes(10)), throttle.blocked("alice", "10.0.0.9"));
    }

    @Test
    void aReservationAtTheLimitIsRefusedAndCountsNothing() {
        fail("alice", "10.0.0.1", 3);
        assertEquals(Optional.of(WINDOW), throttle.reserve("alice", "10.0.0.1"));
        assertEquals(Optional.of(WINDOW), throttle.reserve("alice", "10.0.0.1"));
        // The refused attempts did not count against the address (limit 5: 3 used).
        fail("bob", "10.0.0.1", 2);
        assertEquals(Optional.of(WINDOW), throttle.blocked("carol", "10.0.0.1"));
    }

    @Test
    void aRefundedReservationWasNoAttempt() {
        fail("alice", "10.0.0.1", 2);
        throttle.refund("alice", "10.0.0.1");
        fail("alice", "10.0.0.1", 2);
        assertTrue(throttle.blocked("alice", "10.0.0.1").isPresent());
    }

    @Test
    void aSuccessGivesTheAddressItsAttemptBack() {
        for (int i = 0; i < 10; i++) {
            fail("user" + i, "10.0.0.5", 1);
            throttle.succeeded("user" + i, "10.0.0.5");
        }
        assertEquals(Optional.empty(), throttle.blocked("someone", "10.0.0.5"), "successes are not failures");
    }

    @Test
    void parallelReservationsNeverExceedTheLimit() throws InterruptedException {
        LoginThrottle wide = new LoginThrottle(5, 1000, WINDOW, clock);
        AtomicInteger granted = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                if (wide.reserve("victim", "10.0.0.1").isEmpty()) {
                    granted.incrementAndGet();
                }
            }));
        }
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(5, granted.get());
    }
}
