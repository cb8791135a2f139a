package chitchat.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code GET /api/messages} is rate-limited per user: one user's burst of history and catch-up requests is
 * answered 429 {@code rate_limited} with {@code Retry-After}, in the contract's error shape, and another user is
 * served all the while. Before the fix, 16 parallel catch-ups by one user slowed everyone's history
 * (issue 10, finding 7).
 */
@Timeout(60)
class HistoryRateLimitTest {

    private static final int BURST = 20;
    private static TestSite site;
    private static String aliceToken;
    private static String bobToken;
    private static String carolToken;

    @BeforeAll
    static void start() {
        // The defaults, spelt out: the test is about these numbers.
        site = TestSite.start(Map.of("HISTORY_RATE_PER_SECOND", "5", "HISTORY_RATE_BURST", String.valueOf(BURST), "HISTORY_MAX_IN_FLIGHT", "4"));
        aliceToken = site.signup("alice", "alice-password");
        bobToken = site.signup("bob", "bob-password");
        carolToken = site.signup("carol", "carol-password");
    }

    @AfterAll
    static void stop() {
        site.close();
    }

    @Test
    void aBurstFromOneUserIsRateLimitedAndAnotherUserIsNot() throws Exception {
        List<HttpResponse<String>> alice = new ArrayList<>();
        List<HttpResponse<String>> bob = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(16)) {
            List<Future<HttpResponse<String>>> burst = new ArrayList<>();
            for (int i = 0; i < 80; i++) {
                String query = i % 2 == 0 ? "/api/messages?after=000000000000000000000000&limit=200" : "/api/messages?with=bob";
                burst.add(pool.submit(() -> site.get(query, "Cookie", "token=" + aliceToken)));
            }
            // bob asks at a normal pace while alice floods.
            for (int i = 0; i < 5; i++) {
                bob.add(site.get("/api/messages?with=alice", "Cookie", "token=" + bobToken));
                Thread.sleep(100);
            }
            for (Future<HttpResponse<String>> response : burst) {
                alice.add(response.get());
            }
        }
        long served = alice.stream().filter(r -> r.statusCode() == 200).count();
        List<HttpResponse<String>> limited = alice.stream().filter(r -> r.statusCode() == 429).toList();
        assertEquals(alice.size(), served + limited.size(), "alice gets 200 or 429, nothing else");
        assertTrue(served >= 1, "alice is served up to her allowance");
        // 20 at once, plus 5 per second refilled while the burst lasts (well under 4 s).
        assertTrue(served <= BURST + 20, "alice served " + served + " of 80: not limited");
        assertTrue(limited.size() >= 20, "only " + limited.size() + " of 80 refused");
        for (HttpResponse<String> response : limited) {
            JsonObject error = Leaks.assertErrorShape("alice's burst", response, 429);
            assertEquals("rate_limited", error.get("error").getAsString());
            long retryAfter = Long.parseLong(response.headers().firstValue("Retry-After").orElseThrow(() -> new AssertionError("no Retry-After")));
            assertTrue(retryAfter >= 1 && retryAfter <= 60, "Retry-After " + retryAfter);
        }
        for (HttpResponse<String> response : bob) {
            assertEquals(200, response.statusCode(), "bob during alice's burst: " + response.body());
        }
    }

    @Test
    void afterRetryAfterTheUserIsServedAgain() throws Exception {
        HttpResponse<String> last = null;
        for (int i = 0; i < BURST + 30; i++) {
            last = site.get("/api/messages?with=alice", "Cookie", "token=" + carolToken);
            if (last.statusCode() == 429) {
                break;
            }
        }
        assertEquals(429, last.statusCode(), "carol was never limited");
        long retryAfter = Long.parseLong(last.headers().firstValue("Retry-After").orElseThrow());
        Thread.sleep(retryAfter * 1000);
        assertEquals(200, site.get("/api/messages?with=alice", "Cookie", "token=" + carolToken).statusCode(), "after Retry-After");
    }
}
