package chitchat.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Cross-site request forgery, three defences deep: a POST, PUT, PATCH or DELETE whose {@code Origin} is not this site's is 403 before any
 * endpoint runs; a body must be {@code application/json}, which no HTML form can send (415); and the session cookie
 * is {@code SameSite=Lax}, so other sites' POSTs do not carry it. Each refusal changes nothing.
 */
@Timeout(60)
class CsrfTest {

    private static TestSite site;

    @BeforeAll
    static void start() {
        site = TestSite.start();
    }

    @AfterAll
    static void stop() {
        site.close();
    }

    /** Origins that are not this site, including the near misses an exact comparison must not let through. */
    private static List<String> foreignOrigins() {
        int port = site.httpPort();
        return List.of("https://evil.example", "null", "http://localhost:" + port + ".evil.example", "http://localhost",
                "http://127.0.0.1:" + (port + 1), "https://localhost:" + port, "http://localhost:" + port + "/",
                "http://evil.example#http://localhost:" + port, "HTTP://LOCALHOST:" + port, "");
    }

    @Test
    void aSignupFromAForeignOriginIs403AndCreatesNoUser() {
        for (String origin : foreignOrigins()) {
            if (origin.isEmpty()) {
                continue; // an empty Origin header cannot be sent by the HTTP client; no Origin at all is a non-browser client
            }
            HttpResponse<String> response = site.postJson("/api/auth/signup", TestSite.credentials("csrf-victim", "victim-password"), "Origin", origin);
            Leaks.assertErrorShape("signup from " + origin, response, 403);
            assertEquals(Optional.empty(), TestSite.tokenFrom(response), "no session from " + origin);
        }
        // The name is still free: none of the refused requests created the user.
        site.signup("csrf-victim", "victim-password");
    }

    @Test
    void aLoginFromAForeignOriginIs403AndSetsNoCookie() {
        site.signup("csrf-login", "login-password");
        for (String origin : foreignOrigins()) {
            if (origin.isEmpty()) {
                continue;
            }
            HttpResponse<String> response = site.postJson("/api/auth/login", TestSite.credentials("csrf-login", "login-password"), "Origin", origin);
            Leaks.assertErrorShape("login from " + origin, response, 403);
            assertTrue(response.headers().allValues("Set-Cookie").isEmpty(), "no cookie from " + origin);
        }
    }

    @Test
    void aLogoutFromAForeignOriginIs403AndClearsNoCookie() {
        String token = site.signup("csrf-logout", "logout-password");
        HttpResponse<String> response = site.post("/api/auth/logout", "application/json", "{}",
                "Origin", "https://evil.example", "Cookie", "token=" + token);
        Leaks.assertErrorShape("logout from a foreign origin", response, 403);
        assertTrue(response.headers().allValues("Set-Cookie").isEmpty(), "the session cookie is left alone");
    }

    @Test
    void conversationChangesFromAForeignOriginAre403AndChangeNothing() {
        String owner = site.signup("csrf-owner", "owner-password");
        site.signup("csrf-friend", "friend-password");
        site.signup("csrf-extra", "extra-password");
        String cookie = "token=" + owner;
        HttpResponse<String> made = site.postJson("/api/conversations",
                "{\"kind\":\"group\",\"name\":\"Mine\",\"members\":[\"csrf-friend\"]}", "Cookie", cookie);
        assertEquals(201, made.statusCode(), made.body());
        String id = chitchat.json.Json.parseObject(made.body()).get("id").getAsString();
        String path = "/api/conversations/" + java.net.URLEncoder.encode(id, java.nio.charset.StandardCharsets.UTF_8);
        String evil = "https://evil.example";

        Leaks.assertErrorShape("create from a foreign origin", site.postJson("/api/conversations",
                "{\"kind\":\"group\",\"name\":\"Forged\",\"members\":[\"csrf-friend\"]}", "Origin", evil, "Cookie", cookie), 403);
        Leaks.assertErrorShape("add from a foreign origin", site.postJson(path + "/members",
                "{\"username\":\"csrf-extra\"}", "Origin", evil, "Cookie", cookie), 403);
        Leaks.assertErrorShape("rename from a foreign origin", site.send(site.request(path)
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"name\":\"Forged\"}"))
                .header("Content-Type", "application/json").header("Origin", evil).header("Cookie", cookie)), 403);
        Leaks.assertErrorShape("remove from a foreign origin", site.send(site.request(path + "/members/csrf-friend")
                .method("DELETE", HttpRequest.BodyPublishers.noBody()).header("Origin", evil).header("Cookie", cookie)), 403);
        Leaks.assertErrorShape("mute from a foreign origin", site.send(site.request(path + "/mute")
                .method("PUT", HttpRequest.BodyPublishers.ofString("{\"muted\":true}"))
                .header("Content-Type", "application/json").header("Origin", evil).header("Cookie", cookie)), 403);

        HttpResponse<String> after = site.get(path, "Cookie", cookie);
        assertEquals(200, after.statusCode(), after.body());
        assertTrue(after.body().contains("\"name\":\"Mine\""), "not renamed: " + after.body());
        assertTrue(after.body().contains("csrf-friend") && !after.body().contains("csrf-extra"), "members unchanged: " + after.body());
        assertTrue(after.body().contains("\"muted\":false"), "not muted: " + after.body());
        HttpResponse<String> list = site.get("/api/conversations", "Cookie", cookie);
        assertFalse(list.body().contains("Forged"), "no forged group: " + list.body());
    }

    @Test
    void aForgedAccountDeletionOrPasswordChangeIsRefusedAndChangesNothing() {
        String token = site.signup("csrf-delete", "delete-password");
        String cookie = "token=" + token;
        String delete = "{\"password\":\"delete-password\"}";
        String change = "{\"currentPassword\":\"delete-password\",\"newPassword\":\"forged-password\"}";
        Leaks.assertErrorShape("delete from a foreign origin",
                site.post("/api/auth/delete-account", "application/json", delete, "Origin", "https://evil.example", "Cookie", cookie), 403);
        Leaks.assertErrorShape("delete as a form", site.post("/api/auth/delete-account", "text/plain", delete, "Cookie", cookie), 415);
        Leaks.assertErrorShape("password change from a foreign origin",
                site.post("/api/auth/password", "application/json", change, "Origin", "https://evil.example", "Cookie", cookie), 403);
        Leaks.assertErrorShape("password change as a form", site.post("/api/auth/password", "text/plain", change, "Cookie", cookie), 415);
        assertEquals(200, site.get("/api/auth/me", "Cookie", cookie).statusCode(), "still logged in");
        assertEquals(200, site.postJson("/api/auth/login", TestSite.credentials("csrf-delete", "delete-password"), "Origin", site.origin())
                .statusCode(), "the account and its password are as they were");
    }

    @Test
    void bodiesAHtmlFormCanSendAreRefusedWith415AndChangeNothing() {
        // What <form enctype=...> can send. text/plain is the classic trick for JSON-looking bodies.
        String jsonLooking = "{\"username\":\"csrf-form\",\"password\":\"form-password\",\"x\":\"=y\"}";
        String urlEncoded = "username=csrf-form&password=form-password";
        String multipart = "--x\r\nContent-Disposition: form-data; name=\"username\"\r\n\r\ncsrf-form\r\n--x--\r\n";
        List<String[]> forms = List.of(
                new String[] {"text/plain", jsonLooking},
                new String[] {"text/plain;charset=UTF-8", jsonLooking},
                new String[] {"application/x-www-form-urlencoded", urlEncoded},
                new String[] {"multipart/form-data; boundary=x", multipart},
                new String[] {null, jsonLooking});
        for (String path : List.of("/api/auth/signup", "/api/auth/login")) {
            for (String[] form : forms) {
                // Without an Origin header, as an old browser or a privacy extension might send it.
                HttpResponse<String> response = site.post(path, form[0], form[1]);
                Leaks.assertErrorShape(path + " as " + form[0], response, 415);
                assertTrue(response.headers().allValues("Set-Cookie").isEmpty(), path + " as " + form[0] + " set a cookie");
            }
        }
        site.signup("csrf-form", "form-password"); // the name was never taken
    }

    @Test
    void theSessionCookieIsHttpOnlySameSiteLaxAndLastsTheTokensLifetime() {
        HttpResponse<String> signup = site.postJson("/api/auth/signup", TestSite.credentials("cookie-check", "cookie-password"), "Origin", site.origin());
        assertEquals(201, signup.statusCode());
        List<String> attributes = cookieAttributes(signup);
        assertTrue(attributes.contains("httponly"), "HttpOnly: " + attributes);
        assertTrue(attributes.contains("samesite=lax"), "SameSite=Lax: " + attributes);
        assertTrue(attributes.contains("path=/"), "Path=/: " + attributes);
        assertTrue(attributes.contains("max-age=86400"), "24 hours, the JWT's lifetime: " + attributes);
        assertFalse(attributes.stream().anyMatch(a -> a.startsWith("domain=")), "no Domain (host-only): " + attributes);
        assertFalse(attributes.contains("secure"), "Secure only with COOKIE_SECURE=true: " + attributes);

        HttpResponse<String> login = site.postJson("/api/auth/login", TestSite.credentials("cookie-check", "cookie-password"), "Origin", site.origin());
        assertEquals(attributes, cookieAttributes(login), "log-in sets the same cookie");

        HttpResponse<String> logout = site.post("/api/auth/logout", "application/json", "{}", "Origin", site.origin());
        List<String> cleared = cookieAttributes(logout);
        assertTrue(cleared.containsAll(List.of("httponly", "samesite=lax", "path=/", "max-age=0")), "cleared: " + cleared);
    }

    @Test
    void aForeignOriginGetsNoCorsGrantSoItCannotReadAnswers() {
        String token = site.signup("cors-check", "cors-password");
        for (String path : List.of("/api/messages?after=", "/api/users", "/api/auth/me")) {
            HttpResponse<String> response = site.get(path, "Origin", "https://evil.example", "Cookie", "token=" + token);
            assertEquals(Optional.empty(), response.headers().firstValue("Access-Control-Allow-Origin"), path);
            assertEquals(Optional.empty(), response.headers().firstValue("Access-Control-Allow-Credentials"), path);
        }
        HttpResponse<String> preflight = site.send(site.request("/api/auth/signup")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://evil.example")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type"));
        assertEquals(Optional.empty(), preflight.headers().firstValue("Access-Control-Allow-Origin"), "preflight from a foreign origin");

        HttpResponse<String> own = site.get("/api/auth/me", "Origin", site.origin(), "Cookie", "token=" + token);
        assertEquals(site.origin(), own.headers().firstValue("Access-Control-Allow-Origin").orElse(null), "the own origin is granted");
    }

    @Test
    void noGetChangesAnything() {
        HttpResponse<String> signup = site.get("/api/auth/signup?username=csrf-get&password=get-password");
        Leaks.assertErrorShape("GET signup", signup, 405);
        HttpResponse<String> logout = site.get("/api/auth/logout");
        Leaks.assertErrorShape("GET logout", logout, 405);
        assertTrue(logout.headers().allValues("Set-Cookie").isEmpty());
        site.signup("csrf-get", "get-password"); // the name was never taken
    }

    private static List<String> cookieAttributes(HttpResponse<String> response) {
        String cookie = response.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("token=")).findFirst()
                .orElseThrow(() -> new AssertionError("no token cookie"));
        return Arrays.stream(cookie.split(";")).skip(1).map(a -> a.trim().toLowerCase(Locale.ROOT)).sorted().toList();
    }
}
