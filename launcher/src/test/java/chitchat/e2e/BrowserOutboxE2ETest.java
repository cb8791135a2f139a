package chitchat.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import chitchat.launcher.DevServer;
import chitchat.store.EmbeddedMongo;
import chitchat.testbed.LocalRedis;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The outbox (issue 11): a message typed while the connection is down shows a clock ({@code data-status="pending"})
 * and is sent by itself, once, with its clientMsgId, when the connection is back; and it survives a reload of the
 * page in between, because it is kept in localStorage until acked.
 *
 * <p>Setup as in the reconnect test: two instances share a store and a Redis; Bob's instance is stopped and started
 * again on the same ports, Alice's stays. For the reload case Bob's old page must not reconnect on its own before
 * the reload (it would send the message itself, and the reload would prove nothing), so the test replaces that
 * page's {@code WebSocket} with one that cannot connect; the reloaded page has the browser's own again.
 */
class BrowserOutboxE2ETest {

    /** Reconnecting may sit out a long back-off (up to 15 s) after the instance was down for a while. */
    private static final Duration RECONNECT_WAIT = Duration.ofSeconds(45);
    private static final String OUTBOX = "return window.localStorage.getItem('chitchat.outbox.bob');";

    @Test
    @Timeout(200)
    void aMessageTypedOfflineIsSentOnceWhenBackEvenAfterAReload(@TempDir Path temp) throws IOException {
        assumeTrue(Browser.available(), "needs /usr/bin/chromium and /usr/bin/chromedriver (Debian: chromium chromium-driver)");
        int bobHttp = LocalRedis.freePort();
        int bobWs = LocalRedis.freePort();
        try (EmbeddedMongo store = EmbeddedMongo.inMemory();
                LocalRedis redis = LocalRedis.start();
                DevServer aliceServer = DevServer.start(SharedInstances.env(temp, "a", "outbox", store, redis, 0, 0))) {
            DevServer bobServer = DevServer.start(SharedInstances.env(temp, "b", "outbox", store, redis, bobHttp, bobWs));
            try (Browser bob = Browser.open("bob-outbox", temp, bobHttp);
                    Browser alice = Browser.open("alice-outbox", temp, aliceServer.httpPort())) {
                try {
                    alice.signUp("alice");
                    bob.signUp("bob");
                    bob.click(Browser.person("alice"));
                    bob.send("before going offline", false);
                    bob.waitUntil(d -> Browser.stored(bob.waitForMessage(1)));
                    alice.openConversation(Browser.direct("alice", "bob"), "bob");
                    alice.waitForMessage(1);

                    // 1. Offline, no reload: a clock, then sent by itself once the instance is back.
                    bobServer.close();
                    bob.waitForText(bob.selector("connection-status"), "reconnecting");
                    bob.send("typed while offline", false);
                    WebElement waiting = bob.waitForMessage(2);
                    assertEquals("pending", waiting.getDomAttribute("data-status"), "a clock, not an error");
                    assertNotNull(bob.script(OUTBOX), "kept in localStorage until acked");
                    bobServer = DevServer.start(SharedInstances.env(temp, "b", "outbox", store, redis, bobHttp, bobWs));
                    new WebDriverWait(bob.driver(), RECONNECT_WAIT).until(d -> Browser.stored(waiting));
                    assertEquals("typed while offline", lastText(alice.waitForMessage(2)));
                    bob.waitUntil(d -> bob.script(OUTBOX) == null);

                    // 2. Offline, and the page is reloaded before the connection is back.
                    bobServer.close();
                    bob.waitForText(bob.selector("connection-status"), "reconnecting");
                    bob.script("window.WebSocket = function () { throw new Error('offline, for the test'); };");
                    bob.send("typed offline, then reloaded", false);
                    assertEquals("pending", bob.waitForMessage(3).getDomAttribute("data-status"));
                    String stored = (String) bob.script(OUTBOX);
                    assertNotNull(stored);
                    String clientMsgId = (String) bob.script("return JSON.parse(arguments[0])[0].clientMsgId;", stored);
                    bobServer = DevServer.start(SharedInstances.env(temp, "b", "outbox", store, redis, bobHttp, bobWs));
                    bob.driver().navigate().refresh(); // DevServer.start returned: the instance serves again
                    bob.waitForText(bob.selector("me"), "bob");
                    // The reloaded page shows it again (from localStorage) and sends it by itself.
                    new WebDriverWait(bob.driver(), RECONNECT_WAIT).until(d -> bob.messages().size() == 3
                            && Browser.stored(bob.messages().get(2)));
                    assertEquals(clientMsgId, bob.script(
                            "return fetch('/api/conversations/' + encodeURIComponent(arguments[0]) + '/messages')"
                                    + ".then(r => r.json()).then(p => p.msgs[p.msgs.length - 1].clientMsgId);",
                            Browser.direct("alice", "bob")), "sent with the clientMsgId it was given offline");
                    assertEquals("typed offline, then reloaded", lastText(alice.waitForMessage(3)));
                    @SuppressWarnings("unchecked")
                    List<String> texts = (List<String>) alice.script(
                            "return fetch('/api/conversations/' + encodeURIComponent(arguments[0]) + '/messages')"
                                    + ".then(r => r.json()).then(p => p.msgs.map(m => m.message));",
                            Browser.direct("alice", "bob"));
                    assertEquals(List.of("before going offline", "typed while offline", "typed offline, then reloaded"), texts,
                            "each message stored once");
                    bob.waitUntil(d -> bob.script(OUTBOX) == null);
                } finally {
                    alice.screenshot();
                    bob.screenshot();
                }
            } finally {
                bobServer.close();
            }
        }
    }

    private static String lastText(WebElement message) {
        return Browser.text(message.findElement(By.cssSelector(".text")));
    }
}
