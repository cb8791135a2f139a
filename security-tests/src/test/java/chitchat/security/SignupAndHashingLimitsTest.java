package chitchat.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chitchat.json.Json;
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
 * Issue 10 (6): bcrypt must not take every core, and sign-up must not be a free way to make the server hash.
 * A taken name is refused before any hash; sign-ups are limited per client address; and a flood of requests that
 * hash meets a bounded queue (503 busy, quickly) while other requests still get through.
 */
@Timeout(120)
class SignupAndHashingLimitsTest {

    @Test
    void aTakenNameIsRefusedWithoutHashing() {
        // Cost 15: one hash is a second or more on any machine, so a 409 that hashed cannot hide in the noise.
        try (TestSite site = TestSite.start(Map.of("BCRYPT_COST", "15"))) {
            long start = System.nanoTime();
            site.signup("taken-name", "first-password");
            long oneHash = System.nanoTime() - start;
            long fastest = Long.MAX_VALUE;
            for (int i = 0; i < 3; i++) {
                long t = System.nanoTime();
                HttpResponse<String> again = site.postJson("/api/auth/signup", TestSite.credentials("Taken-Name", "other-password"), "Origin", site.origin());
                fastest = Math.min(fastest, System.nanoTime() - t);
                assertEquals("username_taken", Leaks.assertErrorShape("a taken name", again, 409).get("error").getAsString());
            }
            assertTrue(fastest < oneHash / 4, "a 409 took " + fastest / 1_000_000 + " ms, a sign-up with a hash " + oneHash / 1_000_000 + " ms");
        }
    }

    @Test
    void aTakenNameIsRefusedWhileTheOnlyHashSlotIsBusy() throws Exception {
        // One hash at a time and none waiting: while a slow sign-up holds the slot, anything that hashes is told
        // 503 busy at once. A sign-up with a taken name must still answer 409, because it never asks for the slot.
        try (TestSite site = TestSite.start(Map.of("BCRYPT_COST", "15", "BCRYPT_CONCURRENCY", "1", "BCRYPT_QUEUE", "0",
                "LOGIN_MAX_FAILURES_PER_ADDRESS", "1000"));
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            site.signup("taken-too", "first-password");
            CompletableFuture<HttpResponse<String>> holder = CompletableFuture.supplyAsync(
                    () -> site.postJson("/api/auth/signup", TestSite.credentials("slot-holder", "some-password")), pool);
            boolean slotBusy = false;
            for (int i = 0; i < 50 && !slotBusy && !holder.isDone(); i++) {
                Thread.sleep(50);
                // A probe that needs a hash: 503 proves the slot is held (by the holder, a second or more of work).
                slotBusy = site.postJson("/api/auth/login", TestSite.credentials("probe-" + i, "wrong-password")).statusCode() == 503;
            }
            assertTrue(slotBusy, "the slow sign-up held the only hash slot");
            HttpResponse<String> taken = site.postJson("/api/auth/signup", TestSite.credentials("taken-too", "other-password"));
            assertEquals("username_taken", Leaks.assertErrorShape("a taken name while the hash slot is busy", taken, 409).get("error").getAsString());
            assertEquals(201, holder.get().statusCode(), "the slow sign-up itself succeeds");
        }
    }

    @Test
    void signUpsAreLimitedPerClientAddress() {
        try (TestSite site = TestSite.start(Map.of("TRUST_PROXY", "true", "SIGNUP_MAX_PER_ADDRESS", "3"))) {
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> ok = site.postJson("/api/auth/signup", TestSite.credentials("farm-" + i, "some-password"),
                        "X-Forwarded-For", "198.51.100.20");
                assertEquals(201, ok.statusCode(), ok.body());
            }
            HttpResponse<String> fourth = site.postJson("/api/auth/signup", TestSite.credentials("farm-3", "some-password"),
                    "X-Forwarded-For", "198.51.100.20");
            assertEquals("too_many_signups", Leaks.assertErrorShape("the 4th sign-up from one address", fourth, 429).get("error").getAsString());
            long retryAfter = Long.parseLong(fourth.headers().firstValue("Retry-After").orElseThrow());
            assertTrue(retryAfter > 0 && retryAfter <= 3600, "Retry-After " + retryAfter);
            // The refused name was not created, and another address is not affected.
            HttpResponse<String> other = site.postJson("/api/auth/signup", TestSite.credentials("farm-3", "some-password"),
                    "X-Forwarded-For", "198.51.100.21");
            assertEquals(201, other.statusCode(), other.body());
        }
    }

    @Test
    void aFloodOfHashingRequestsMeetsABoundedQueueAndOthersStillGetThrough() throws Exception {
        // One hash at a time and two waiting, at cost 14 (about a second each): of 12 logins sent at once, at most
        // 3 can be admitted before the first hash ends; the others must be told 503 busy at once, not wait.
        try (TestSite site = TestSite.start(Map.of("TRUST_PROXY", "true", "BCRYPT_COST", "14",
                "BCRYPT_CONCURRENCY", "1", "BCRYPT_QUEUE", "2"));
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            String token = site.signup("flood-watcher", "some-password");
            CountDownLatch go = new CountDownLatch(1);
            List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                int n = i;
                answers.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    // Other users and addresses each time: the login throttle is not what stops these.
                    return site.postJson("/api/auth/login", TestSite.credentials("nobody-" + n, "wrong-password"),
                            "X-Forwarded-For", "203.0.113." + n);
                }, pool));
            }
            go.countDown();
            HttpResponse<String> me = site.get("/api/auth/me", "Cookie", "token=" + token);
            assertEquals(200, me.statusCode(), "who-am-I during the flood: " + me.body());
            Map<Integer, Integer> byStatus = new TreeMap<>();
            for (var answer : answers) {
                HttpResponse<String> response = answer.get();
                byStatus.merge(response.statusCode(), 1, Integer::sum);
                if (response.statusCode() == 503) {
                    assertEquals("busy", Json.parseObject(response.body()).get("error").getAsString());
                    assertTrue(response.headers().firstValue("Retry-After").isPresent(), "Retry-After on a 503");
                }
            }
            assertEquals(0, byStatus.getOrDefault(500, 0), "no 500s: " + byStatus);
            assertTrue(byStatus.getOrDefault(503, 0) >= 6, "most of the flood told busy at once: " + byStatus);
            assertTrue(byStatus.getOrDefault(401, 0) >= 1, "some were checked: " + byStatus);
        }
    }
}
