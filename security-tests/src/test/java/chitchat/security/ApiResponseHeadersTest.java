package chitchat.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chitchat.testbed.WsClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Messages are stored and returned as people typed them, markup included; what keeps that harmless on the server's
 * side is how the API answers: always {@code application/json} with {@code nosniff} (a browser never renders it as
 * a page) and {@code Cache-Control: no-store} (no shared cache keeps someone's messages or session).
 */
@Timeout(60)
class ApiResponseHeadersTest {

    private static final String MARKUP = "<script>alert(document.cookie)</script><img src=x onerror=alert(1)>";
    private static TestSite site;
    private static String aliceToken;

    @BeforeAll
    static void start() {
        site = TestSite.start();
        aliceToken = site.signup("alice", "alice-password");
        String bobToken = site.signup("bob", "bob-password");
        WsClient bob = site.browserSocket(bobToken);
        bob.chat("alice", MARKUP, "markup-1");
        bob.next("ack", Duration.ofSeconds(5));
        bob.close();
    }

    @AfterAll
    static void stop() {
        site.close();
    }

    @Test
    void everyApiAnswerIsJsonNosniffAndNotStored() {
        Map<String, HttpResponse<String>> responses = new LinkedHashMap<>();
        responses.put("history", site.get("/api/messages?with=bob", "Cookie", "token=" + aliceToken));
        responses.put("catch-up", site.get("/api/messages?after=", "Cookie", "token=" + aliceToken));
        responses.put("me", site.get("/api/auth/me", "Cookie", "token=" + aliceToken));
        responses.put("users", site.get("/api/users", "Cookie", "token=" + aliceToken));
        responses.put("login", site.postJson("/api/auth/login", TestSite.credentials("alice", "alice-password")));
        responses.put("401", site.get("/api/messages?with=bob"));
        responses.put("400", site.get("/api/messages?with=" + "%3Cscript%3E", "Cookie", "token=" + aliceToken));
        responses.put("404", site.get("/api/messages/%3Cscript%3E"));

        assertTrue(responses.get("history").body().contains("alert(document.cookie)"), "the control: the message is there");
        responses.forEach((what, response) -> {
            assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), what);
            assertEquals("nosniff", response.headers().firstValue("X-Content-Type-Options").orElse(null), what);
            assertEquals("no-store", response.headers().firstValue("Cache-Control").orElse(null), what);
        });
    }
}
