package chitchat.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chitchat.testbed.WsClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 10 (11): logging out ends the session, not just the cookie. The token it was called with is refused from
 * then on by every service (auth's who-am-I, chat's history, the WebSocket handshake), and that session's open
 * WebSockets are closed (1008) within seconds; the user's other sessions go on. "Log out everywhere" ends all of
 * them, the current one included.
 */
@Timeout(90)
class LogoutRevocationTest {

    private static final String PASSWORD = "some-password";

    @Test
    void logoutRevokesThatSessionEverywhereAndOnlyThatOne() {
        try (TestSite site = TestSite.start()) {
            String first = site.signup("leaver", PASSWORD);
            String second = login(site, "leaver");
            WsClient firstSocket = site.browserSocket(first);
            WsClient secondSocket = site.browserSocket(second);
            assertValid(site, first);

            HttpResponse<String> logout = site.postJson("/api/auth/logout", "{}", "Cookie", "token=" + first, "Origin", site.origin());
            assertEquals(204, logout.statusCode(), logout.body());
            assertTrue(TestSite.tokenFrom(logout).isEmpty(), "the cookie is cleared");

            assertRevoked(site, first);
            assertEquals(1008, firstSocket.awaitClosed(Duration.ofSeconds(5)), "the session's open WebSocket is closed");

            assertValid(site, second);
            assertTrue(secondSocket.isOpen(), "another session's WebSocket stays open");
            secondSocket.awaitReady();
            secondSocket.close();
        }
    }

    @Test
    void logoutWithABearerTokenRevokesIt() {
        try (TestSite site = TestSite.start()) {
            String token = site.signup("bearer-leaver", PASSWORD);
            assertEquals(204, site.postJson("/api/auth/logout", "{}", "Authorization", "Bearer " + token).statusCode());
            assertRevoked(site, token);
        }
    }

    @Test
    void logoutEverywhereEndsEverySessionOfTheUser() {
        try (TestSite site = TestSite.start()) {
            String first = site.signup("everywhere", PASSWORD);
            String second = login(site, "everywhere");
            String bystander = site.signup("bystander", PASSWORD);
            WsClient firstSocket = site.browserSocket(first);

            HttpResponse<String> foreign = site.postJson("/api/auth/logout-all", "{}", "Cookie", "token=" + second, "Origin", "https://evil.example");
            Leaks.assertErrorShape("logout-all from another site", foreign, 403);
            assertValid(site, second);

            Leaks.assertErrorShape("logout-all without a session", site.postJson("/api/auth/logout-all", "{}"), 401);

            HttpResponse<String> all = site.postJson("/api/auth/logout-all", "{}", "Cookie", "token=" + second, "Origin", site.origin());
            assertEquals(204, all.statusCode(), all.body());
            assertTrue(all.headers().allValues("Set-Cookie").stream().anyMatch(c -> c.startsWith("token=;") && c.contains("Max-Age=0")),
                    "the cookie is cleared: " + all.headers().allValues("Set-Cookie"));
            assertRevoked(site, first);
            assertRevoked(site, second);
            assertEquals(1008, firstSocket.awaitClosed(Duration.ofSeconds(5)), "an open WebSocket of any session is closed");

            assertValid(site, bystander);
            // Logging in again right away is a new session, not caught by the old cut-off.
            assertValid(site, login(site, "everywhere"));
        }
    }

    static String login(TestSite site, String username) {
        HttpResponse<String> response = site.postJson("/api/auth/login", TestSite.credentials(username, PASSWORD), "Origin", site.origin());
        assertEquals(200, response.statusCode(), response.body());
        return TestSite.tokenFrom(response).orElseThrow();
    }

    static void assertValid(TestSite site, String token) {
        assertEquals(200, site.get("/api/auth/me", "Cookie", "token=" + token).statusCode(), "who-am-I");
        assertEquals(200, site.get("/api/messages?with=someone", "Authorization", "Bearer " + token).statusCode(), "history");
    }

    static void assertRevoked(TestSite site, String token) {
        Leaks.assertErrorShape("who-am-I with a revoked token", site.get("/api/auth/me", "Cookie", "token=" + token), 401);
        Leaks.assertErrorShape("the user list with a revoked token", site.get("/api/users", "Authorization", "Bearer " + token), 401);
        Leaks.assertErrorShape("history with a revoked token", site.get("/api/messages?with=someone", "Authorization", "Bearer " + token), 401);
        WsClient socket = site.ws(Map.of("Cookie", "token=" + token, "Origin", site.origin()));
        try {
            assertFalse(socket.open(), "the WebSocket handshake with a revoked token");
        } finally {
            socket.close();
        }
    }
}
