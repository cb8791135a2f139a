package chitchat.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import chitchat.launcher.DevServer;
import chitchat.store.EmbeddedMongo;
import chitchat.testbed.LocalRedis;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * The account panel in real browsers: alice on a laptop and a phone, bob beside them.
 * <ul>
 *   <li>on the laptop alice changes her password in the panel: it says so, and her phone is back at the log-in
 *       page (its session ended everywhere) while the laptop goes on;</li>
 *   <li>she deletes her account (password and the confirmation tick): back at the log-in page; bob's copy of the
 *       conversation keeps her message, its sender now "Deleted user", the chat is read-only, and she is no
 *       longer among the people.</li>
 * </ul>
 * Screenshots of the panel, light and dark, at 360 and 1440 px, land in {@code target/e2e-screenshots/}.
 *
 * <p>Needs Debian's {@code chromium} and {@code chromium-driver}; skipped, not failed, without them.
 */
class BrowserAccountE2ETest {

    private static final String NEW_PASSWORD = "a brand new password";

    @Test
    @Timeout(180)
    void changeThePasswordThenDeleteTheAccount(@TempDir Path temp) throws IOException {
        assumeTrue(Browser.available(), "needs /usr/bin/chromium and /usr/bin/chromedriver (Debian: chromium chromium-driver)");
        try (EmbeddedMongo store = EmbeddedMongo.inMemory();
                LocalRedis redis = LocalRedis.start();
                DevServer server = DevServer.start(SharedInstances.env(temp, "a", "account", store, redis, 0, 0));
                Browser laptop = Browser.open("alice-account", temp, server.httpPort());
                Browser phone = Browser.open("alice-phone", temp, server.httpPort());
                Browser bob = Browser.open("bob-account", temp, server.httpPort())) {
            try {
                bob.signUp("bob");
                laptop.signUp("alice");
                phone.login("alice", Browser.PASSWORD);
                phone.waitForText(phone.selector("me"), "alice");
                // The panel opens from the sidebar's Account button, with the keyboard in it, and Escape closes it,
                // the keyboard back on the button.
                laptop.click(laptop.selector("account"));
                laptop.testId("account-panel");
                assertEquals("account-title", laptop.script("return document.activeElement.id"));
                shots(laptop, "account-panel");
                laptop.testId("current-password").sendKeys(Keys.ESCAPE);
                laptop.waitUntil(d -> "account".equals(laptop.script("return document.activeElement.dataset.testid")));

                String conversation = Browser.direct("alice", "bob");
                laptop.click(Browser.person("bob"));
                laptop.send("Hello from alice", false);
                laptop.waitUntil(d -> Browser.stored(laptop.waitForMessage(1)));
                bob.openConversation(conversation, "alice");
                bob.waitForMessage(1);
                laptop.click(laptop.selector("account"));

                laptop.testId("current-password").sendKeys("not my password");
                laptop.testId("new-password").sendKeys(NEW_PASSWORD);
                laptop.testId("confirm-password").sendKeys(NEW_PASSWORD);
                laptop.click(laptop.selector("change-password"));
                laptop.waitForText(laptop.selector("password-error"), "That is not your current password.");

                laptop.testId("current-password").clear();
                laptop.testId("current-password").sendKeys(Browser.PASSWORD);
                laptop.testId("new-password").clear();
                laptop.testId("new-password").sendKeys(NEW_PASSWORD);
                laptop.testId("confirm-password").clear();
                laptop.testId("confirm-password").sendKeys(NEW_PASSWORD);
                laptop.click(laptop.selector("change-password"));
                laptop.waitForText(laptop.selector("password-done"), "Password changed. You were logged out everywhere else.");
                phone.testId("login"); // the phone's session ended: back at the log-in page
                laptop.screenshot("password-changed");
                assertEquals("alice", Browser.text(laptop.testId("me")), "the laptop goes on");

                // Deleting asks for the password and the tick, then ends everything.
                laptop.testId("delete-password").sendKeys(NEW_PASSWORD);
                laptop.click(laptop.selector("delete-account"));
                laptop.waitForText(laptop.selector("delete-error"), "Tick the box to confirm that you want your account deleted.");
                laptop.click(laptop.selector("delete-confirm"));
                laptop.click(laptop.selector("delete-account"));
                laptop.testId("login");

                // bob, after a reload: her message stays, from "Deleted user"; she is not among the people.
                bob.driver().navigate().refresh();
                bob.openConversation(conversation, "alice");
                WebElement message = bob.waitForMessage(1);
                bob.waitUntil(d -> "Deleted user".equals(Browser.text(message.findElement(By.cssSelector(".sender")))));
                assertTrue(bob.driver().findElements(Browser.person("alice")).isEmpty(), "not offered as someone to write to");
                bob.waitForText(By.id("ended"), "This account was deleted. You can read this chat but not write to it.");
                assertEquals("account deleted", Browser.text(bob.testId("conversation-subtitle")));
                bob.screenshot("deleted-user");
            } finally {
                laptop.screenshot();
                bob.screenshot();
            }
        }
    }

    /** 1440 and 360 px wide, light and dark. */
    private static void shots(Browser browser, String moment) {
        for (boolean dark : new boolean[] {false, true}) {
            browser.emulate(1440, 900, dark);
            browser.screenshot(moment + "-1440" + (dark ? "-dark" : ""));
            browser.emulate(360, 740, dark);
            browser.screenshot(moment + "-360" + (dark ? "-dark" : ""));
        }
        browser.emulate(0, 0, false);
    }
}
