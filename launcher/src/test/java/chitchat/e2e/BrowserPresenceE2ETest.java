package chitchat.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
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
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Presence (issue 13) in real browsers, alice and bob on different instances of two that share a store and a
 * real Redis, so every {@code presence} change crosses instances:
 * <ul>
 *   <li>alice starts a direct conversation with bob: her page watches him, and its header says {@code online}
 *       while his window is logged in, with a dot on his avatar in her list (and hers in his);</li>
 *   <li>while bob types, the typing line takes its place, and {@code online} is back with his message;</li>
 *   <li>bob logs out: within seconds her header says {@code last seen today at …} and the dot goes;</li>
 *   <li>after a reload (a new connection watches nobody until it sends {@code watch}) it still says so, and
 *       says {@code online} again when bob logs back in.</li>
 * </ul>
 * Screenshots, light and dark and in forced-colors mode, land in {@code target/e2e-screenshots/}.
 *
 * <p>Needs Debian's {@code chromium} and {@code chromium-driver}; skipped, not failed, without them.
 */
class BrowserPresenceE2ETest {

    /** The contract's bound is "on every change"; through Redis it takes milliseconds: 10 s is plenty. */
    private static final Duration PRESENCE_WAIT = Duration.ofSeconds(10);

    @Test
    @Timeout(180)
    void onlineAndLastSeenCrossInstances(@TempDir Path temp) throws IOException {
        assumeTrue(Browser.available(), "needs /usr/bin/chromium and /usr/bin/chromedriver (Debian: chromium chromium-driver)");
        try (EmbeddedMongo store = EmbeddedMongo.inMemory();
                LocalRedis redis = LocalRedis.start();
                DevServer first = DevServer.start(SharedInstances.env(temp, "a", "presence", store, redis, 0, 0));
                DevServer second = DevServer.start(SharedInstances.env(temp, "b", "presence", store, redis, 0, 0));
                Browser alice = Browser.open("alice-presence", temp, first.httpPort());
                Browser bob = Browser.open("bob-presence", temp, second.httpPort())) {
            try {
                bob.signUp("bob");
                alice.signUp("alice");
                for (Browser window : List.of(alice, bob)) {
                    window.waitForText(window.selector("connection-status"), "online");
                }
                String conversation = Browser.direct("alice", "bob");

                // A new conversation: alice's page watches bob from now on, and he is online.
                alice.click(Browser.person("bob"));
                alice.testId("composer");
                alice.send("Are you around?", false);
                alice.waitForMessage(1);
                new WebDriverWait(alice.driver(), PRESENCE_WAIT).until(d -> "online".equals(subtitle(alice)));
                new WebDriverWait(alice.driver(), PRESENCE_WAIT).until(d -> hasDot(alice, conversation));
                WebElement dot = alice.driver().findElement(Browser.conversationItem(conversation))
                        .findElement(By.cssSelector("[data-testid='presence-dot']"));
                assertEquals("online", dot.getDomAttribute("aria-label"), "the dot is named for screen readers");
                assertTrue(dot.isDisplayed(), "the dot is seen");
                // bob's page learnt of the conversation from her message: it watches her, and she is online.
                new WebDriverWait(bob.driver(), PRESENCE_WAIT).until(d -> hasDot(bob, conversation));
                alice.screenshotsLightAndDark("presence-online");
                alice.forcedColorsScreenshot("presence-online-forced-colors");

                // The typing line comes first, and presence comes back when his message ends it.
                bob.openConversation(conversation, "alice");
                bob.testId("composer").sendKeys("Yes, here");
                new WebDriverWait(alice.driver(), PRESENCE_WAIT).until(d -> subtitle(alice).contains("typing"));
                assertEquals("bob is typing…", subtitle(alice));
                bob.testId("composer").sendKeys(Keys.ENTER);
                alice.waitForMessage(2);
                new WebDriverWait(alice.driver(), PRESENCE_WAIT).until(d -> "online".equals(subtitle(alice)));

                // bob logs out: his only connection closes, on the other instance.
                long out = System.nanoTime();
                bob.click(bob.selector("logout"));
                bob.testId("login");
                new WebDriverWait(alice.driver(), PRESENCE_WAIT).until(d -> subtitle(alice).contains("last seen"));
                long afterMs = (System.nanoTime() - out) / 1_000_000;
                assertTrue(subtitle(alice).startsWith("last seen today at "), subtitle(alice));
                new WebDriverWait(alice.driver(), PRESENCE_WAIT).until(d -> !hasDot(alice, conversation));
                System.out.println("[e2e] alice saw bob go offline after " + afterMs + " ms: " + subtitle(alice));
                alice.screenshotsLightAndDark("presence-last-seen");

                // A reload: a new connection, which watches nobody until it says whom; the page says so again.
                alice.driver().navigate().refresh();
                alice.waitForText(alice.selector("conversation-title"), "bob");
                new WebDriverWait(alice.driver(), PRESENCE_WAIT).until(d -> subtitle(alice).contains("last seen"));

                // bob comes back.
                bob.login("bob", Browser.PASSWORD);
                bob.waitForText(bob.selector("me"), "bob");
                new WebDriverWait(alice.driver(), PRESENCE_WAIT).until(d -> "online".equals(subtitle(alice)));
                new WebDriverWait(alice.driver(), PRESENCE_WAIT).until(d -> hasDot(alice, conversation));
                alice.assertNoAlert();
            } finally {
                alice.screenshot();
                bob.screenshot();
            }
        }
    }

    private static String subtitle(Browser browser) {
        List<WebElement> found = browser.driver().findElements(browser.selector("conversation-subtitle"));
        return found.isEmpty() ? "" : Browser.text(found.get(0)).strip();
    }

    private static boolean hasDot(Browser browser, String conversation) {
        List<WebElement> items = browser.driver().findElements(Browser.conversationItem(conversation));
        return !items.isEmpty() && !items.get(0).findElements(By.cssSelector("[data-testid='presence-dot']")).isEmpty();
    }
}
