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
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * The tab title's unread count, desktop notifications and mute (issue 12) in real browsers: alice's window on one
 * instance, bob and alice's second device ("alice-phone") on the other, sharing a store and a real Redis.
 * <ul>
 *   <li>the title says {@code (1) Chit-Chat} while bob's message is unread, and {@code Chit-Chat} once she reads it;</li>
 *   <li>the page never asks for notification permission on load, only when the bell in the sidebar is clicked
 *       (here with the keyboard);</li>
 *   <li>a message from bob notifies (sender, text, the conversation as tag) while the page is hidden or shows
 *       another conversation, not while his conversation is open in a visible page, and not for alice's own
 *       message from her other device; clicking the notification opens the conversation;</li>
 *   <li>alice mutes the conversation from its header: her other device shows it muted at once (the {@code mute}
 *       frame), a reload shows it still muted (it is stored on the server), and a message while muted and
 *       hidden shows no notification while the badge and the title still count it; unmuted from the other
 *       device, the next one notifies again.</li>
 * </ul>
 * How the browser is driven: {@link Browser#recordNotifications} grants the permission through the DevTools
 * protocol, wraps {@code window.Notification} to record each notification, and lets the test set
 * {@code document.visibilityState} (headless Chromium's page is always visible). Screenshots of the bell, the
 * mute toggle and a muted conversation in the list, light and dark, land in {@code target/e2e-screenshots/}.
 *
 * <p>Needs Debian's {@code chromium} and {@code chromium-driver}; skipped, not failed, without them.
 */
class BrowserNotificationsE2ETest {

    /** A message crosses instances in milliseconds; the wait only bounds a failure. */
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    @Timeout(240)
    void titleCountNotificationsAndMute(@TempDir Path temp) throws IOException {
        assumeTrue(Browser.available(), "needs /usr/bin/chromium and /usr/bin/chromedriver (Debian: chromium chromium-driver)");
        try (EmbeddedMongo store = EmbeddedMongo.inMemory();
                LocalRedis redis = LocalRedis.start();
                DevServer first = DevServer.start(SharedInstances.env(temp, "a", "notifications", store, redis, 0, 0));
                DevServer second = DevServer.start(SharedInstances.env(temp, "b", "notifications", store, redis, 0, 0));
                Browser alice = Browser.open("alice-notifications", temp, first.httpPort());
                Browser bob = Browser.open("bob-notifications", temp, second.httpPort());
                Browser phone = Browser.open("alice-phone-notifications", temp, second.httpPort())) {
            try {
                alice.recordNotifications();
                bob.signUp("bob");
                alice.signUp("alice");
                phone.login("alice", Browser.PASSWORD);
                phone.waitForText(phone.selector("me"), "alice");
                for (Browser window : List.of(alice, bob, phone)) {
                    window.waitForText(window.selector("connection-status"), "online");
                }
                String conversation = Browser.direct("alice", "bob");

                // The bell: off, and nothing asked of the browser by loading the page.
                WebElement bell = alice.testId("notifications-toggle");
                assertEquals("Desktop notifications", bell.getDomAttribute("aria-label"));
                assertEquals("false", bell.getDomAttribute("aria-pressed"));
                assertEquals("Enable notifications", bell.getDomAttribute("title"));
                assertEquals(0, alice.permissionRequests(), "no permission prompt on load");
                alice.screenshot("notifications-off");
                // Turned on from the keyboard: the click is what asks for the permission.
                alice.script("arguments[0].focus();", bell);
                bell.sendKeys(Keys.ENTER);
                alice.waitUntil(d -> "true".equals(d.findElement(alice.selector("notifications-toggle")).getDomAttribute("aria-pressed")));
                assertEquals(1, alice.permissionRequests(), "asked once, on the click");

                // alice starts the conversation, then closes it: nothing is open on her page.
                alice.click(Browser.person("bob"));
                alice.testId("composer");
                alice.send("Hi Bob", false);
                alice.waitUntil(d -> !alice.messages().isEmpty() && Browser.stored(alice.messages().get(0)));
                alice.testId("composer").sendKeys(Keys.ESCAPE);
                alice.waitUntil(d -> !d.findElement(alice.selector("composer")).isDisplayed());
                assertEquals("Chit-Chat", alice.driver().getTitle(), "my own message is not unread");

                // bob answers: the title counts it, and a notification names him (the page shows no conversation).
                bob.waitUntil(d -> !d.findElements(Browser.conversationItem(conversation)).isEmpty());
                bob.openConversation(conversation, "alice");
                bob.send("Hi Alice", false);
                alice.waitUntil(d -> "(1) Chit-Chat".equals(d.getTitle()));
                alice.waitUntil(d -> alice.notifications().size() == 1);
                assertEquals(Map.of("title", "bob", "body", "Hi Alice", "tag", conversation), alice.notifications().get(0));

                // Read: the count goes.
                alice.openConversation(conversation, "bob");
                alice.waitUntil(d -> "Chit-Chat".equals(d.getTitle()));

                // Open and visible: no notification.
                bob.send("Are you there?", false);
                alice.waitForMessage(3);
                sleep(500);
                assertEquals(1, alice.notifications().size(), "the open conversation in a visible page does not notify");
                assertEquals("Chit-Chat", alice.driver().getTitle(), "read at once");

                // Hidden, nothing open: my other device's message does not notify; bob's does, and its click opens it.
                alice.testId("composer").sendKeys(Keys.ESCAPE);
                alice.waitUntil(d -> !d.findElement(alice.selector("composer")).isDisplayed());
                alice.setHidden(true);
                phone.openConversation(conversation, "bob");
                phone.send("From my phone", false);
                alice.waitUntil(d -> preview(alice, conversation).equals("You: From my phone"));
                phone.testId("composer").sendKeys(Keys.ESCAPE); // else the phone reads bob's answer at once, for her
                phone.waitUntil(d -> !d.findElement(phone.selector("composer")).isDisplayed());
                bob.send("Lunch?", false);
                alice.waitUntil(d -> "(1) Chit-Chat".equals(d.getTitle()));
                alice.waitUntil(d -> alice.notifications().size() == 2);
                assertEquals(Map.of("title", "bob", "body", "Lunch?", "tag", conversation), alice.notifications().get(1),
                        "bob's, not mine from the other device");
                alice.script("window.__notificationObjects[window.__notificationObjects.length - 1].onclick();");
                alice.setHidden(false); // the click focused the window
                alice.waitForText(alice.selector("conversation-title"), "bob");
                alice.waitUntil(d -> "Chit-Chat".equals(d.getTitle()));

                // Mute, from the header, with the keyboard.
                WebElement mute = alice.testId("mute-toggle");
                assertEquals("Mute notifications", mute.getDomAttribute("aria-label"));
                assertEquals("false", mute.getDomAttribute("aria-pressed"));
                alice.script("arguments[0].focus();", mute);
                mute.sendKeys(Keys.ENTER);
                alice.waitUntil(d -> "true".equals(d.findElement(alice.selector("mute-toggle")).getDomAttribute("aria-pressed")));
                alice.waitUntil(d -> mutedInList(alice, conversation));
                phone.waitUntil(d -> mutedInList(phone, conversation)); // live, from the mute frame: no reload
                WebElement icon = alice.driver().findElement(Browser.conversationItem(conversation))
                        .findElement(By.cssSelector("[data-testid='muted-icon']"));
                assertEquals("muted", icon.getDomAttribute("aria-label"), "named for screen readers");
                alice.screenshotsLightAndDark("muted-open");

                // Stored on the server: a reload shows it muted.
                alice.driver().navigate().refresh();
                alice.waitForText(alice.selector("conversation-title"), "bob");
                alice.waitUntil(d -> "true".equals(d.findElement(alice.selector("mute-toggle")).getDomAttribute("aria-pressed")));
                assertTrue(mutedInList(alice, conversation));
                alice.waitUntil(d -> "true".equals(d.findElement(alice.selector("notifications-toggle")).getDomAttribute("aria-pressed")));

                // Muted and hidden: the badge and the title count it, and no notification.
                alice.testId("composer").sendKeys(Keys.ESCAPE);
                alice.waitUntil(d -> !d.findElement(alice.selector("composer")).isDisplayed());
                alice.setHidden(true);
                bob.send("Muted?", false);
                alice.waitUntil(d -> "(1) Chit-Chat".equals(d.getTitle()));
                assertEquals("1", alice.unread(conversation), "a muted conversation's badge still counts");
                sleep(500);
                assertEquals(List.of(), alice.notifications(), "none for a muted conversation");
                alice.screenshotsLightAndDark("muted-list");

                // Unmuted on the other device: this page hears it, and the next message notifies.
                phone.openConversation(conversation, "bob");
                WebElement phoneMute = phone.testId("mute-toggle");
                phone.waitUntil(d -> "true".equals(phoneMute.getDomAttribute("aria-pressed")));
                phoneMute.click();
                alice.waitUntil(d -> !mutedInList(alice, conversation));
                phone.testId("composer").sendKeys(Keys.ESCAPE);
                phone.waitUntil(d -> !d.findElement(phone.selector("composer")).isDisplayed());
                bob.send("Back?", false);
                alice.waitUntil(d -> alice.notifications().size() == 1);
                assertEquals(Map.of("title", "bob", "body", "Back?", "tag", conversation), alice.notifications().get(0));
                alice.setHidden(false);
                for (Browser window : List.of(alice, bob, phone)) {
                    window.assertNoAlert();
                }
            } finally {
                alice.screenshot();
                bob.screenshot();
                phone.screenshot();
            }
        }
    }

    private static String preview(Browser browser, String id) {
        List<WebElement> items = browser.driver().findElements(Browser.conversationItem(id));
        return items.isEmpty() ? "" : Browser.text(items.get(0).findElement(By.cssSelector(".user-preview"))).strip();
    }

    private static boolean mutedInList(Browser browser, String id) {
        List<WebElement> items = browser.driver().findElements(Browser.conversationItem(id));
        return !items.isEmpty() && !items.get(0).findElements(By.cssSelector("[data-testid='muted-icon']")).isEmpty();
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
