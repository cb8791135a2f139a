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
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Receipts and typing (issue 12) in real browsers, with every window of a conversation on the other instance
 * of two that share a store and a real Redis, as {@code make run-cluster} runs them: so every {@code delivered},
 * {@code read}, {@code receipt} and {@code typing} frame crosses instances.
 * <ul>
 *   <li>a direct conversation: alice's message goes pending, sent, delivered (bob's page received it, with the
 *       conversation not open), read (bob opens it); after a reload her page shows it read again, from the marks
 *       of {@code GET /api/conversations/{id}};</li>
 *   <li>typing: alice types, bob's subtitle says so; it is gone about 5 s after she stops, and at once when her
 *       message arrives;</li>
 *   <li>a group of three: delivered when both others' pages have it, read only once both read it, and the
 *       read-by list (opened from the ticks' button with the keyboard) names who read it and who has it.</li>
 * </ul>
 * Screenshots of the ticks, the read-by list and the typing line, light and dark, at 360 px and desktop width,
 * land in {@code target/e2e-screenshots/}.
 *
 * <p>Needs Debian's {@code chromium} and {@code chromium-driver}; skipped, not failed, without them.
 */
class BrowserReceiptsE2ETest {

    /** Receipts may be held back by the server's mark writer for a few hundred ms: plenty, not unbounded. */
    private static final Duration TICKS_WAIT = Duration.ofSeconds(10);

    @Test
    @Timeout(180)
    void ticksAndTypingCrossInstancesInADirectConversation(@TempDir Path temp) throws IOException {
        assumeTrue(Browser.available(), "needs /usr/bin/chromium and /usr/bin/chromedriver (Debian: chromium chromium-driver)");
        try (EmbeddedMongo store = EmbeddedMongo.inMemory();
                LocalRedis redis = LocalRedis.start();
                DevServer first = DevServer.start(SharedInstances.env(temp, "a", "receipts", store, redis, 0, 0));
                DevServer second = DevServer.start(SharedInstances.env(temp, "b", "receipts", store, redis, 0, 0));
                Browser alice = Browser.open("alice-receipts", temp, first.httpPort());
                Browser bob = Browser.open("bob-receipts", temp, second.httpPort())) {
            try {
                bob.signUp("bob");
                alice.signUp("alice");
                for (Browser window : List.of(alice, bob)) {
                    window.waitForText(window.selector("connection-status"), "online");
                }
                String conversation = Browser.direct("alice", "bob");

                // bob's page shows no conversation: it receives alice's message (delivered) but nobody reads it.
                alice.click(Browser.person("bob"));
                alice.testId("composer");
                alice.recordMessageStatuses();
                alice.send("Hi Bob, are you there?", false);
                alice.waitForMessage(1);
                bob.waitUntil(d -> "1".equals(bob.unread(conversation)));
                new WebDriverWait(alice.driver(), TICKS_WAIT).until(d -> "delivered".equals(status(alice, 0)));
                sleep(1500); // a read mark would have arrived by now; there must be none
                assertEquals("delivered", status(alice, 0), "bob has not opened it: delivered, not read");
                assertEquals("Delivered", tickLabel(alice.messages().get(0)));
                assertEquals("1", bob.unread(conversation));
                alice.screenshotsLightAndDark("ticks-delivered");

                // bob opens it: read.
                bob.openConversation(conversation, "alice");
                bob.waitForMessage(1);
                new WebDriverWait(alice.driver(), TICKS_WAIT).until(d -> "read".equals(status(alice, 0)));
                assertEquals("Read", tickLabel(alice.messages().get(0)));
                assertEquals(List.of("pending", "sent", "delivered", "read"), alice.recordedStatuses(),
                        "each status once, in order");

                // Typing crosses instances: bob's subtitle says so while alice types.
                WebElement composer = alice.testId("composer");
                composer.sendKeys("Let me think");
                long stopped = System.nanoTime();
                bob.waitUntil(d -> subtitle(bob).contains("typing"));
                assertEquals("alice is typing…", subtitle(bob));
                assertFalse(subtitle(alice).contains("typing"), "my own typing is not shown to me");
                assertEquals("alice is typing…", Browser.text(bob.driver().findElement(By.id("live-status"))),
                        "screen readers are told, politely, in the region kept for typing and ticks");
                bob.screenshotsLightAndDark("typing");
                sleep(Math.max(0, 1000 - (System.nanoTime() - stopped) / 1_000_000));
                assertTrue(subtitle(bob).contains("typing"), "still shown a second after the last keystroke");
                // ...and gone about 5 s after her last typing frame, which went at her first keystroke at the latest.
                new WebDriverWait(bob.driver(), Duration.ofSeconds(7)).until(d -> !subtitle(bob).contains("typing"));
                long goneAfterMs = (System.nanoTime() - stopped) / 1_000_000;
                assertTrue(goneAfterMs >= 3000, "shown for about 5 s, not dropped early: " + goneAfterMs + " ms");

                // She types again and sends: the line goes the moment her message arrives, not 5 s later.
                composer.sendKeys(" — yes, Saturday works.");
                bob.waitUntil(d -> subtitle(bob).contains("typing"));
                composer.sendKeys(Keys.ENTER);
                bob.waitForMessage(2);
                assertFalse(subtitle(bob).contains("typing"), "gone with her message: " + subtitle(bob));
                // bob has it open and visible: it is read at once.
                new WebDriverWait(alice.driver(), TICKS_WAIT).until(d -> "read".equals(status(alice, 1)));

                // A reload: the ticks come back from the members' marks (receipts are not replayed).
                alice.driver().navigate().refresh();
                alice.waitForText(alice.selector("conversation-title"), "bob");
                alice.waitUntil(d -> alice.messages().size() == 2 && "read".equals(status(alice, 0)) && "read".equals(status(alice, 1)));

                // One more that bob's page receives while he looks at nothing: two grey ticks beside two blue ones.
                bob.testId("composer").sendKeys(Keys.ESCAPE); // closes the conversation
                bob.waitUntil(d -> !d.findElement(bob.selector("composer")).isDisplayed());
                alice.send("See you there.", false);
                new WebDriverWait(alice.driver(), TICKS_WAIT).until(d -> alice.messages().size() == 3 && "delivered".equals(status(alice, 2)));
                alice.screenshotsLightAndDark("ticks");
                alice.forcedColorsScreenshot("ticks-forced-colors");
                for (Browser window : List.of(alice, bob)) {
                    window.assertNoAlert();
                }
            } finally {
                alice.screenshot();
                bob.screenshot();
            }
        }
    }

    @Test
    @Timeout(180)
    void aGroupMessageIsReadOnlyWhenEveryoneReadIt(@TempDir Path temp) throws IOException {
        assumeTrue(Browser.available(), "needs /usr/bin/chromium and /usr/bin/chromedriver (Debian: chromium chromium-driver)");
        try (EmbeddedMongo store = EmbeddedMongo.inMemory();
                LocalRedis redis = LocalRedis.start();
                DevServer first = DevServer.start(SharedInstances.env(temp, "a", "group-receipts", store, redis, 0, 0));
                DevServer second = DevServer.start(SharedInstances.env(temp, "b", "group-receipts", store, redis, 0, 0));
                Browser alice = Browser.open("alice-group-receipts", temp, first.httpPort());
                Browser bob = Browser.open("bob-group-receipts", temp, second.httpPort());
                Browser carol = Browser.open("carol-group-receipts", temp, second.httpPort())) {
            try {
                bob.signUp("bob");
                carol.signUp("carol");
                alice.signUp("alice");
                for (Browser window : List.of(alice, bob, carol)) {
                    window.waitForText(window.selector("connection-status"), "online");
                }
                alice.click(alice.selector("new-group"));
                alice.testId("group-name").sendKeys("Trip");
                alice.click(By.cssSelector("[data-testid='group-candidate'][data-username='bob']"));
                alice.click(By.cssSelector("[data-testid='group-candidate'][data-username='carol']"));
                alice.click(alice.selector("create-group"));
                alice.waitForText(alice.selector("conversation-title"), "Trip");
                String group = alice.firstGroupId();

                alice.send("Who is in for Saturday?", false);
                alice.waitForMessage(1);
                for (Browser member : List.of(bob, carol)) {
                    member.waitUntil(d -> "2".equals(member.unread(group)));
                }
                new WebDriverWait(alice.driver(), TICKS_WAIT).until(d -> "delivered".equals(status(alice, 0)));

                // bob reads it; carol has not: still delivered, and the list says who is where.
                bob.openConversation(group, "Trip");
                bob.waitForMessage(1);
                bob.waitUntil(d -> bob.unread(group).isEmpty());
                new WebDriverWait(alice.driver(), TICKS_WAIT).until(d -> Map.of("bob", "read", "carol", "delivered").equals(readers(alice, 0)));
                assertEquals("delivered", status(alice, 0), "read only when everyone read it");
                alice.screenshot("read-by-partial");

                // carol reads it too: read, and the open list follows.
                carol.openConversation(group, "Trip");
                carol.waitForMessage(1);
                new WebDriverWait(alice.driver(), TICKS_WAIT).until(d -> "read".equals(status(alice, 0)));
                alice.waitUntil(d -> Map.of("bob", "read", "carol", "read").equals(readers(alice, 0)));
                assertEquals("true", infoButton(alice, 0).getDomAttribute("aria-expanded"));
                alice.screenshotsLightAndDark("read-by");
                alice.forcedColorsScreenshot("read-by-forced-colors");

                // bob types in the group: carol sees who.
                bob.testId("composer").sendKeys("Me");
                carol.waitUntil(d -> subtitle(carol).equals("bob is typing…"));
                carol.screenshotsLightAndDark("group-typing");
                for (Browser window : List.of(alice, bob, carol)) {
                    window.assertNoAlert();
                }
            } finally {
                alice.screenshot();
                bob.screenshot();
                carol.screenshot();
            }
        }
    }

    /** The data-status of the n-th message of the open conversation. */
    private static String status(Browser browser, int index) {
        List<WebElement> messages = browser.messages();
        return messages.size() > index ? messages.get(index).getDomAttribute("data-status") : "";
    }

    /** The accessible label of a message's ticks. */
    private static String tickLabel(WebElement message) {
        return message.findElement(By.cssSelector(".tick")).getDomAttribute("aria-label");
    }

    private static String subtitle(Browser browser) {
        return Browser.text(browser.driver().findElement(browser.selector("conversation-subtitle"))).strip();
    }

    private static WebElement infoButton(Browser browser, int index) {
        return browser.messages().get(index).findElement(By.cssSelector("[data-testid='message-info']"));
    }

    /**
     * The read-by list of the n-th message, opened with the keyboard (focus on its ticks' button, Enter) if it is
     * not open: username to data-state.
     */
    private static Map<String, String> readers(Browser browser, int index) {
        WebElement message = browser.messages().get(index);
        if (message.findElements(By.cssSelector("[data-testid='read-by']")).isEmpty()) {
            WebElement button = infoButton(browser, index);
            browser.script("arguments[0].focus();", button);
            button.sendKeys(Keys.ENTER);
            message = browser.messages().get(index);
        }
        return message.findElements(By.cssSelector("[data-testid='read-by'] [data-testid='reader']")).stream()
                .collect(Collectors.toMap(e -> e.getDomAttribute("data-username"), e -> e.getDomAttribute("data-state")));
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
