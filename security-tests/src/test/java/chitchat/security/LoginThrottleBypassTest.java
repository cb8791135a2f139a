package chitchat.security;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The ways a password guesser tries to slip past the login throttle: a fresh {@code X-Forwarded-For} on every try,
 * fake hops in front of the one the proxy appends, and the victim's name in other letter cases. None resets a count.
 */
@Timeout(90)
class LoginThrottleBypassTest {

    @Test
    void aForgedForwardedForIsIgnoredWithoutATrustedProxy() {
        try (TestSite site = TestSite.start(Map.of("LOGIN_MAX_FAILURES_PER_ADDRESS", "3", "LOGIN_MAX_FAILURES_PER_USER", "1000"))) {
            site.signup("xff-victim", "right-password");
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> guess = site.postJson("/api/auth/login", TestSite.credentials("xff-user" + i, "wrong-password"),
                        "X-Forwarded-For", "203.0.113." + i);
                assertEquals(401, guess.statusCode());
            }
            HttpResponse<String> next = site.postJson("/api/auth/login", TestSite.credentials("xff-victim", "right-password"),
                    "X-Forwarded-For", "198.51.100.7");
            Leaks.assertErrorShape("a new X-Forwarded-For after 3 failures", next, 429);
        }
    }

    @Test
    void behindATrustedProxyOnlyTheHopItAppendedCounts() {
        // nginx ($proxy_add_x_forwarded_for) and the ALB append the address they saw: the client controls only the hops before it.
        try (TestSite site = TestSite.start(Map.of("TRUST_PROXY", "true",
                "LOGIN_MAX_FAILURES_PER_ADDRESS", "3", "LOGIN_MAX_FAILURES_PER_USER", "1000"))) {
            site.signup("proxy-victim", "right-password");
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> guess = site.postJson("/api/auth/login", TestSite.credentials("proxy-user" + i, "wrong-password"),
                        "X-Forwarded-For", "203.0.113." + i + ", 192.0.2.10");
                assertEquals(401, guess.statusCode());
            }
            HttpResponse<String> next = site.postJson("/api/auth/login", TestSite.credentials("proxy-victim", "right-password"),
                    "X-Forwarded-For", "198.51.100.99, 192.0.2.10");
            Leaks.assertErrorShape("forged hops before the proxy's", next, 429);
            // Another client behind the same proxy is not affected.
            HttpResponse<String> other = site.postJson("/api/auth/login", TestSite.credentials("proxy-victim", "right-password"),
                    "X-Forwarded-For", "192.0.2.11");
            assertEquals(200, other.statusCode());
        }
    }

    @Test
    void theVictimsNameInOtherCasesIsTheSameAccount() {
        try (TestSite site = TestSite.start(Map.of("LOGIN_MAX_FAILURES_PER_USER", "3", "LOGIN_MAX_FAILURES_PER_ADDRESS", "1000"))) {
            site.signup("case-victim", "right-password");
            for (String name : new String[] {"case-victim", "CASE-VICTIM", "Case-Victim"}) {
                assertEquals(401, site.postJson("/api/auth/login", TestSite.credentials(name, "wrong-password")).statusCode(), name);
            }
            HttpResponse<String> next = site.postJson("/api/auth/login", TestSite.credentials("cAsE-vIcTiM", "right-password"));
            Leaks.assertErrorShape("the 4th try in yet another case", next, 429);
        }
    }
}
