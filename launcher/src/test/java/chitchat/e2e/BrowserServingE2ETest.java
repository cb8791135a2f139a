package chitchat.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import chitchat.launcher.DevServer;
import chitchat.store.EmbeddedMongo;
import chitchat.testbed.LocalRedis;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.chromium.ChromiumDriver;

/**
 * How the page is served, as the browser sees it (issue 14): a second load costs a 304 per file, not the files
 * again (the dev server's ETags, with {@code Cache-Control: no-cache}), and the first one came gzipped; and the
 * offline shell: with the server stopped, a reload shows the chat screen of the person logged in, saying
 * {@code reconnecting}, not Chromium's error page nor the log-in page, and once the server is back the page is
 * online again, reopens its conversation and gets messages live; or, if the session ended meanwhile, goes to the
 * log-in page and forgets that person. Screenshots: {@code offline-*} in {@code target/e2e-screenshots/}.
 *
 * <p>Needs Debian's {@code chromium} and {@code chromium-driver}; skipped, not failed, without them.
 */
class BrowserServingE2ETest {

    /** Each app file the page loaded, by its path: what crossed the network and how big its body was. */
    private static final String FILES = """
            const files = {};
            const seen = [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')];
            for (const entry of seen) {
              const url = new URL(entry.name);
              if (url.origin !== location.origin || url.pathname.startsWith('/api/') || url.pathname === '/config.json') continue;
              files[url.pathname] = { transfer: entry.transferSize, encoded: entry.encodedBodySize, decoded: entry.decodedBodySize };
            }
            return files;
            """;

    /** The side panel's header: the status's text ends before the buttons start, and the last one is on screen. */
    private static final String HEADER_FITS = """
            const box = (selector) => document.querySelector(selector).getBoundingClientRect();
            return box('[data-testid="logout"]').right <= box('.sidebar').right
                && box('[data-testid="connection-status"]').right <= box('.sidebar-header .bar-actions').left;
            """;

    @Test
    @Timeout(120)
    void aSecondLoadIsAnswered304AndTheFirstCameGzipped(@TempDir Path temp) throws IOException {
        assumeTrue(Browser.available(), "needs /usr/bin/chromium and /usr/bin/chromedriver (Debian: chromium chromium-driver)");
        try (DevServer server = DevServer.start(BrowserConversationsE2ETest.env(temp));
                Browser alice = Browser.open("serving", temp, server.httpPort())) {
            alice.testId("username"); // the first load: before the page registered the offline shell's worker
            Map<String, Map<String, Number>> first = files(alice);
            Map<String, Number> main = first.get("/js/main.js");
            assertTrue(main != null && main.get("transfer").longValue() > main.get("encoded").longValue(),
                    "the first load brings main.js whole: " + main);
            Map<String, Number> store = first.get("/js/store.js");
            assertTrue(store.get("encoded").longValue() * 2 < store.get("decoded").longValue(),
                    "store.js came gzipped, less than half its size: " + store);

            // What the HTTP cache does, not the offline shell: its worker, there from now on, would answer the
            // page's requests itself (each still revalidated on the network: the other test sees that it works).
            ChromiumDriver chromium = (ChromiumDriver) alice.driver();
            chromium.executeCdpCommand("Network.enable", Map.of());
            chromium.executeCdpCommand("Network.setBypassServiceWorker", Map.of("bypass", true));
            alice.driver().navigate().refresh();
            alice.testId("username");
            Map<String, Map<String, Number>> second = files(alice);
            assertEquals(first.keySet(), second.keySet(), "the same files, loaded again");
            int revalidated = 0;
            for (var file : second.entrySet()) {
                long transfer = file.getValue().get("transfer").longValue();
                long body = first.get(file.getKey()).get("encoded").longValue();
                // A 304 brings headers only (a few hundred bytes); a 200 brings the body too. Small files cannot tell.
                if (body > 1500) {
                    assertTrue(transfer > 0 && transfer < body, file.getKey() + " is revalidated with a 304, not sent again: "
                            + file.getValue() + " (first: " + first.get(file.getKey()) + ")");
                    revalidated++;
                }
            }
            assertTrue(revalidated >= 10, "most files are big enough to tell: " + revalidated + " of " + second.size());
        }
    }

    @Test
    @Timeout(180)
    void aReloadWhileTheServerIsDownShowsTheAppReconnecting(@TempDir Path temp) throws IOException {
        assumeTrue(Browser.available(), "needs /usr/bin/chromium and /usr/bin/chromedriver (Debian: chromium chromium-driver)");
        int http = LocalRedis.freePort();
        int ws = LocalRedis.freePort();
        try (EmbeddedMongo store = EmbeddedMongo.inMemory(); LocalRedis redis = LocalRedis.start()) {
            DevServer server = DevServer.start(SharedInstances.env(temp, "offline", "offline", store, redis, http, ws));
            try (Browser bob = Browser.open("offline-bob", temp, http); Browser alice = Browser.open("offline", temp, http)) {
                try {
                    bob.signUp("bob");
                    alice.signUp("alice");
                    alice.click(Browser.person("bob"));
                    alice.send("before the server went down", false);
                    alice.waitUntil(d -> alice.messages().size() == 1 && Browser.stored(alice.messages().get(0)));
                    alice.waitUntil(d -> Boolean.TRUE.equals(alice.script("return navigator.serviceWorker.controller !== null;")));

                    server.close();
                    alice.waitForText(alice.selector("connection-status"), "reconnecting");
                    alice.driver().navigate().refresh();

                    alice.waitForText(alice.selector("me"), "alice");
                    @SuppressWarnings("unchecked")
                    Map<String, Object> page = (Map<String, Object>) alice.script("""
                            return { status: document.querySelector('[data-testid="connection-status"]').textContent,
                                     chat: !document.getElementById('chat-view').hidden,
                                     auth: !document.getElementById('auth-view').hidden,
                                     styled: getComputedStyle(document.querySelector('.sidebar')).display !== 'inline',
                                     noOne: !document.getElementById('user-list-empty').hidden };
                            """);
                    assertEquals(Map.of("status", "reconnecting", "chat", true, "auth", false, "styled", true, "noOne", false), page,
                            "the app's chat screen, styled, reconnecting (and not saying that no one else is here, which is"
                            + " not known): not the browser's error page nor the log-in page");
                    assertFalse(alice.driver().getPageSource().contains("ERR_CONNECTION_REFUSED"), "not Chromium's error page");
                    for (int width : new int[] {360, 768, 1024, 1280, 1440}) {
                        alice.emulate(width, 900, false);
                        alice.waitUntil(d -> Boolean.valueOf(width == ((Number) alice.script("return innerWidth;")).intValue()));
                        assertEquals(true, alice.script(HEADER_FITS), "at " + width
                                + " px the side panel's header shows \"reconnecting\" whole, beside its buttons, all on screen");
                    }
                    alice.emulate(0, 0, false);
                    alice.screenshotsLightAndDark("while-down");

                    server = DevServer.start(SharedInstances.env(temp, "offline", "offline", store, redis, http, ws));
                    alice.waitForText(alice.selector("connection-status"), "online");
                    alice.waitForText(alice.selector("conversation-title"), "bob");
                    alice.waitForMessage(1);
                    alice.waitUntil(d -> !d.findElements(Browser.person("bob")).isEmpty()); // the people directory again
                    bob.driver().navigate().refresh();
                    bob.waitForText(bob.selector("connection-status"), "online");
                    bob.click(Browser.conversationItem(Browser.direct("alice", "bob")));
                    bob.send("after it came back", false);
                    alice.waitForMessage(2);
                    assertEquals(List.of("before the server went down", "after it came back"),
                            alice.messages().stream().map(m -> Browser.text(m.findElement(By.cssSelector(".text")))).toList());
                } finally {
                    alice.screenshot();
                }
            } finally {
                server.close();
            }
        }
    }

    /**
     * The other way an offline start can end: the server comes back, but the session did not survive (here its
     * signing key changed, as if it had expired meanwhile). The first check before reconnecting gets a 401: the
     * log-in page, saying why, and a later load with the server down shows the log-in page, not that person.
     */
    @Test
    @Timeout(120)
    void anOfflineStartWhoseSessionEndedMeanwhileEndsOnTheLogInPage(@TempDir Path temp) throws IOException {
        assumeTrue(Browser.available(), "needs /usr/bin/chromium and /usr/bin/chromedriver (Debian: chromium chromium-driver)");
        int http = LocalRedis.freePort();
        int ws = LocalRedis.freePort();
        try (EmbeddedMongo store = EmbeddedMongo.inMemory(); LocalRedis redis = LocalRedis.start()) {
            DevServer server = DevServer.start(SharedInstances.env(temp, "ended", "ended", store, redis, http, ws));
            try (Browser alice = Browser.open("offline-ended", temp, http)) {
                try {
                    alice.signUp("alice");
                    alice.waitUntil(d -> Boolean.TRUE.equals(alice.script("return navigator.serviceWorker.controller !== null;")));
                    server.close();
                    alice.driver().navigate().refresh();
                    alice.waitForText(alice.selector("connection-status"), "reconnecting");
                    assertEquals("alice", Browser.text(alice.testId("me")));

                    Map<String, String> env = SharedInstances.env(temp, "ended", "ended", store, redis, http, ws);
                    env.put("JWT_SECRET", "another-secret-another-secret-0123456789abcdef");
                    server = DevServer.start(env);
                    alice.waitForText(alice.selector("auth-error"), "Your session has ended. Please log in again.");
                    alice.screenshot("session-ended");

                    server.close();
                    alice.driver().navigate().refresh();
                    alice.testId("username");
                    assertTrue(alice.driver().findElement(alice.selector("me")).getText().isEmpty(), "nobody's chat screen");
                } finally {
                    alice.screenshot();
                }
            } finally {
                server.close();
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Number>> files(Browser browser) {
        return (Map<String, Map<String, Number>>) browser.script(FILES);
    }
}
