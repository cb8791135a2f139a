package chitchat.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 10 (5): a burst of parallel guesses for one account must not outrun the login throttle. Every guess that
 * reaches bcrypt answers 401, every refused one 429 (or 503 when the hash queue is full), so the number of 401s is
 * the number of passwords actually checked: no more than the per-user limit. And an overloaded server says 503,
 * never 500.
 */
@Timeout(120)
class LoginRaceTest {

    private static final int GUESSES = 60;

    @Test
    void parallelGuessesForOneUserAreCheckedAtMostThePerUserLimit() throws Exception {
        // The per-address limit is raised so that the per-user one (5) is the limit under test.
        try (TestSite site = TestSite.start(Map.of("LOGIN_MAX_FAILURES_PER_USER", "5", "LOGIN_MAX_FAILURES_PER_ADDRESS", "1000"));
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            site.signup("race-victim", "right-password");
            CountDownLatch go = new CountDownLatch(1);
            List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < GUESSES; i++) {
                int n = i;
                answers.add(CompletableFuture.supplyAsync(() -> {
                    await(go);
                    return site.postJson("/api/auth/login", TestSite.credentials("race-victim", "wrong-password-" + n));
                }, pool));
            }
            go.countDown();
            Map<Integer, Integer> byStatus = new TreeMap<>();
            for (var answer : answers) {
                HttpResponse<String> response = answer.get();
                byStatus.merge(response.statusCode(), 1, Integer::sum);
                if (response.statusCode() == 429 || response.statusCode() == 503) {
                    Leaks.assertNoInternals("a refused guess", response.body());
                    assertTrue(response.headers().firstValue("Retry-After").isPresent(), "Retry-After on " + response.statusCode());
                }
            }
            int checked = byStatus.getOrDefault(401, 0);
            assertTrue(checked <= 5, "passwords checked by bcrypt (401 answers): " + byStatus);
            assertEquals(0, byStatus.getOrDefault(500, 0), "no 500s: " + byStatus);
            assertEquals(GUESSES, byStatus.getOrDefault(401, 0) + byStatus.getOrDefault(429, 0) + byStatus.getOrDefault(503, 0),
                    "only 401, 429 and 503: " + byStatus);
            // The account is locked now, even for the right password.
            assertEquals(429, site.postJson("/api/auth/login", TestSite.credentials("race-victim", "right-password")).statusCode());
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
