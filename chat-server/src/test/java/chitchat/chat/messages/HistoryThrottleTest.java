package chitchat.chat.messages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import chitchat.http.ApiException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The per-user history limits on a clock the test moves: burst, refill, Retry-After, requests in flight. */
@Timeout(10)
class HistoryThrottleTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final HistoryThrottle throttle = new HistoryThrottle(new HistoryThrottle.Settings(5, 20, 4), now::get);

    @Test
    void aBurstIsServedThenRefusedWithRetryAfterUntilTheBucketRefills() {
        for (int i = 0; i < 20; i++) {
            throttle.acquire("alice").close();
        }
        ApiException refused = assertThrows(ApiException.class, () -> throttle.acquire("alice"));
        assertEquals(429, refused.status());
        assertEquals("rate_limited", refused.code());
        assertEquals("1", refused.headers().get("Retry-After")); // one token every 200 ms: rounded up to 1 s
        throttle.acquire("bob").close(); // another user is not affected

        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(200));
        throttle.acquire("alice").close();
        assertThrows(ApiException.class, () -> throttle.acquire("alice"));
        now.addAndGet(TimeUnit.SECONDS.toNanos(1));
        for (int i = 0; i < 5; i++) {
            throttle.acquire("alice").close();
        }
        assertThrows(ApiException.class, () -> throttle.acquire("alice"));
    }

    @Test
    void atMostFourOfOneUsersRequestsAreInFlight() {
        List<HistoryThrottle.Permit> held = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            held.add(throttle.acquire("alice"));
        }
        ApiException refused = assertThrows(ApiException.class, () -> throttle.acquire("alice"));
        assertEquals("1", refused.headers().get("Retry-After"));
        held.removeFirst().close();
        held.add(throttle.acquire("alice"));
        held.forEach(HistoryThrottle.Permit::close);
    }

    @Test
    void quietUsersAreForgottenAndStartWithAFullBucket() {
        for (int i = 0; i < 20; i++) {
            throttle.acquire("alice").close();
        }
        now.addAndGet(TimeUnit.SECONDS.toNanos(61)); // refilled, and a sweep is due
        throttle.acquire("bob").close();
        for (int i = 0; i < 20; i++) {
            throttle.acquire("alice").close();
        }
        assertThrows(ApiException.class, () -> throttle.acquire("alice"));
    }
}
