package chitchat.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The static client as the dev server serves it: every response, found or not, carries a Content-Security-Policy
 * that allows no inline script and no framing, {@code nosniff} and a Referrer-Policy; and nothing outside the
 * static directory, or hidden inside it, is ever served.
 */
@Timeout(60)
class StaticSiteTest {

    private static TestSite site;

    @BeforeAll
    static void start() {
        site = TestSite.start();
    }

    @AfterAll
    static void stop() {
        site.close();
    }

    @Test
    void everyStaticResponseCarriesTheSecurityHeaders() {
        Map<String, HttpResponse<String>> responses = new LinkedHashMap<>();
        for (String path : List.of("/", "/index.html", "/js/app.js", "/js/", "/missing.js", "/no/such/dir/page.html", "/index.html?x=<script>")) {
            responses.put("GET " + path, site.send(site.request(path.replace("<script>", "%3Cscript%3E")).GET()));
        }
        responses.put("HEAD /", site.send(site.request("/").method("HEAD", HttpRequest.BodyPublishers.noBody())));
        responses.put("POST /", site.send(site.request("/").POST(HttpRequest.BodyPublishers.ofString("x"))));
        responses.put("DELETE /index.html", site.send(site.request("/index.html").DELETE()));

        assertEquals(200, responses.get("GET /").statusCode());
        assertEquals(200, responses.get("GET /index.html").statusCode());
        assertEquals(404, responses.get("GET /missing.js").statusCode());
        assertEquals(405, responses.get("POST /").statusCode());
        responses.forEach((what, response) -> {
            assertSecurityHeaders(what, response.headers().firstValue("Content-Security-Policy").orElse(null),
                    response.headers().firstValue("X-Content-Type-Options").orElse(null),
                    response.headers().firstValue("Referrer-Policy").orElse(null));
            Leaks.assertNoInternals(what, response.body());
        });
    }

    @Test
    void aForgedHostHeaderCannotInjectIntoThePolicy() {
        for (String host : List.of("evil.example:1; script-src *", "evil.example'unsafe-inline'", "a b", "[::1]:80", "x\u00ff")) {
            RawHttp.Response response = RawHttp.get(site.httpPort(), "/", "Host: " + host);
            String policy = response.header("Content-Security-Policy").orElseThrow();
            assertSecurityHeaders("Host " + host, policy, response.header("X-Content-Type-Options").orElse(null),
                    response.header("Referrer-Policy").orElse(null));
            assertFalse(policy.contains("*"), "Host " + host + " reached the policy: " + policy);
            assertFalse(policy.contains("unsafe"), "Host " + host + " reached the policy: " + policy);
        }
    }

    @Test
    void nothingOutsideTheStaticDirectoryNorHiddenInsideItIsServed() {
        List<String> targets = List.of("/../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt", "/%2e%2e%2fsecret.txt",
                "/.%2e/secret.txt", "/js/../../secret.txt", "/js/%2e%2e/%2e%2e/secret.txt", "//secret.txt", "/..\\secret.txt",
                "/%5c..%5csecret.txt", "/.env", "/%2eenv", "/js/../.env", "/../data/jwt-secret", "/../data/chitchat-store.mv.db",
                "http://127.0.0.1/../secret.txt");
        for (String target : targets) {
            RawHttp.Response response = RawHttp.get(site.httpPort(), target);
            assertTrue(response.status() >= 400, target + " was served: " + response.status());
            assertFalse(response.body().contains(TestSite.OUTSIDE_MARKER), target + " leaked a file");
            assertFalse(response.body().contains(TestSite.SECRET), target + " leaked the JWT secret");
            Leaks.assertNoStackTrace(target, response.body()); // some of these the JDK server rejects by itself
        }
    }

    @Test
    void theClientConfigurationCarriesTheSecurityHeadersToo() {
        HttpResponse<String> response = site.get("/config.json");
        assertEquals(200, response.statusCode());
        assertSecurityHeaders("/config.json", response.headers().firstValue("Content-Security-Policy").orElse(null),
                response.headers().firstValue("X-Content-Type-Options").orElse(null),
                response.headers().firstValue("Referrer-Policy").orElse(null));
    }

    /** CSP without inline script and with frame-ancestors 'none', nosniff, and a Referrer-Policy that does not leak. */
    static void assertSecurityHeaders(String what, String policy, String contentTypeOptions, String referrerPolicy) {
        assertTrue(policy != null, what + ": no Content-Security-Policy");
        Map<String, List<String>> directives = new LinkedHashMap<>();
        for (String directive : policy.split(";")) {
            List<String> parts = Arrays.stream(directive.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
            if (!parts.isEmpty()) {
                directives.put(parts.get(0).toLowerCase(), parts.subList(1, parts.size()));
            }
        }
        List<String> scripts = directives.getOrDefault("script-src", directives.get("default-src"));
        assertTrue(scripts != null, what + ": neither script-src nor default-src: " + policy);
        for (String forbidden : List.of("'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:", "https:", "blob:")) {
            assertFalse(scripts.contains(forbidden), what + ": script-src allows " + forbidden + ": " + policy);
        }
        assertEquals(List.of("'none'"), directives.get("frame-ancestors"), what + ": frame-ancestors: " + policy);
        List<String> objects = directives.getOrDefault("object-src", directives.get("default-src"));
        assertTrue(objects != null && (objects.equals(List.of("'none'")) || objects.equals(List.of("'self'"))), what + ": object-src: " + policy);
        assertEquals("nosniff", contentTypeOptions, what + ": X-Content-Type-Options");
        assertTrue(referrerPolicy != null && Set.of("no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin")
                .contains(referrerPolicy), what + ": Referrer-Policy " + referrerPolicy);
    }
}
