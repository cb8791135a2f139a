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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Usernames that are also names of {@code Object.prototype}'s members (security review, issue 10, item 8).
 *
 * <p>{@code constructor} and {@code __proto__} are valid usernames (3-32 of {@code a-z 0-9 _ . -}). A client that
 * keeps per-person state in plain objects ({@code unread[name]}, {@code conversations[name]}) reads the inherited
 * {@code Object} function or {@code Object.prototype} for them: every list showed the badge
 * {@code function Object() { [native code] }}, messages from {@code constructor} never showed, and one message from
 * {@code __proto__} in a catch-up page threw away the whole page, while the catch-up point had already moved past it.
 *
 * <p>The setup is the reconnect test's: two instances share one store and one Redis. Alice's window is on instance B;
 * one more window, on instance A, logs in as each sender in turn (one browser instead of four keeps the machine
 * calm). What it proves: Alice's list shows no bogus text; a message from {@code constructor} arrives live; while
 * instance B is down, {@code __proto__}, {@code bob} and {@code constructor} write to her, and when B is back her
 * window catches up on all of it without a reload: conversations in her list with unread badges and previews for
 * the ones that are not open (contract v2: from {@code GET /api/conversations}), the message itself in the one
 * that is (by seq). Screenshots land in {@code target/e2e-screenshots/}, one of them
 * ({@code alice-prototype-names-caught-up.png}) taken right after the catch-up, with its badges.
 */
class PrototypeNamesE2ETest {

    /** Senders whose names collide with Object.prototype, one that does not collide but looks like it, and a plain one. */
    private static final List<String> SENDERS = List.of("constructor", "__proto__", "tostring", "bob");
    /** Reconnecting may sit out a long back-off (up to 15 s) after the instance was down for a while. */
    private static final Duration RECONNECT_WAIT = Duration.ofSeconds(45);

    @Test
    @Timeout(180)
    void prototypeNamedUsersChatAndCatchUpLikeAnyone(@TempDir Path temp) throws IOException {
        assumeTrue(Browser.available(), "needs /usr/bin/chromium and /usr/bin/chromedriver (Debian: chromium chromium-driver)");
        int aliceHttp = LocalRedis.freePort();
        int aliceWs = LocalRedis.freePort();
        try (EmbeddedMongo store = EmbeddedMongo.inMemory();
                LocalRedis redis = LocalRedis.start();
                DevServer senderServer = DevServer.start(SharedInstances.env(temp, "a", "prototype-names", store, redis, 0, 0))) {
            DevServer aliceServer = DevServer.start(SharedInstances.env(temp, "b", "prototype-names", store, redis, aliceHttp, aliceWs));
            try (Browser alice = Browser.open("alice-prototype-names", temp, aliceHttp);
                    Browser sender = Browser.open("sender-prototype-names", temp, senderServer.httpPort())) {
                try {
                    // Everyone signs up; alice last, so her list already holds them all.
                    for (String name : SENDERS) {
                        if (!name.equals(SENDERS.get(0))) {
                            logOut(sender);
                        }
                        sender.signUp(name);
                    }
                    alice.signUp("alice");
                    alice.waitForText(alice.selector("connection-status"), "online");
                    for (String name : SENDERS) {
                        alice.testId("user-list").findElement(entry(name)); // throws when missing
                    }
                    assertNoBogusText(alice, "alice's list, right after signing up");

                    // A message from `constructor` shows up live in the conversation alice has open.
                    alice.click(entry("constructor"));
                    alice.waitUntil(d -> "constructor".equals(Browser.text(d.findElement(By.id("chat-title")))));
                    switchUser(sender, "constructor");
                    sendTo(sender, "alice", "hello from constructor", 1);
                    assertEquals("constructor", alice.waitForMessage(1).getDomAttribute("data-sender"));
                    assertTrue(Browser.text(alice.messages().get(0)).contains("hello from constructor"));

                    // Alice's instance goes away; three people write to her meanwhile.
                    aliceServer.close();
                    alice.waitForText(alice.selector("connection-status"), "reconnecting");
                    switchUser(sender, "__proto__");
                    sendTo(sender, "alice", "from __proto__ while you were away", 1);
                    switchUser(sender, "bob");
                    sendTo(sender, "alice", "from bob while you were away 1", 1);
                    sendTo(sender, "alice", "from bob while you were away 2", 2);
                    switchUser(sender, "constructor");
                    sendTo(sender, "alice", "from constructor while you were away", 2);

                    // Back on the same address: her window reconnects by itself and catches up on everything.
                    aliceServer = DevServer.start(SharedInstances.env(temp, "b", "prototype-names", store, redis, aliceHttp, aliceWs));
                    new WebDriverWait(alice.driver(), RECONNECT_WAIT).until(ExpectedConditions.textToBe(
                            alice.selector("connection-status"), "online"));
                    // The open conversation shows the new message without being reopened...
                    assertTrue(Browser.text(alice.waitForMessage(2)).contains("from constructor while you were away"));
                    // ...and the others have badges and previews, which only the catch-up can have set.
                    alice.waitUntil(d -> "1".equals(alice.unread(withAlice("__proto__"))));
                    alice.waitUntil(d -> "2".equals(alice.unread(withAlice("bob"))));
                    assertEquals("from __proto__ while you were away", previewOf(alice, "__proto__"));
                    assertEquals("from bob while you were away 2", previewOf(alice, "bob"));
                    assertTrue(alice.driver().findElements(Browser.conversationItem(withAlice("tostring"))).isEmpty(),
                            "no conversation with tostring, who wrote nothing");
                    assertEquals("", alice.unread(withAlice("constructor")), "the open conversation was read as it came");
                    assertNoBogusText(alice, "alice's window after catching up");
                    alice.screenshot("caught-up");

                    // Opening them shows the messages (and clears the badges).
                    alice.openConversation(withAlice("__proto__"), "__proto__");
                    assertEquals("__proto__", alice.waitForMessage(1).getDomAttribute("data-sender"));
                    alice.openConversation(withAlice("bob"), "bob");
                    alice.waitForMessage(2);
                    alice.waitUntil(d -> alice.unread(withAlice("__proto__")).isEmpty());
                    alice.waitUntil(d -> alice.unread(withAlice("bob")).isEmpty());
                    assertNoBogusText(alice, "alice's window at the end");
                    alice.assertNoAlert();
                } finally {
                    alice.screenshot();
                    sender.screenshot();
                }
            } finally {
                aliceServer.close();
            }
        }
    }

    /** A person in the directory. */
    private static By entry(String username) {
        return Browser.person(username);
    }

    /** The direct conversation of alice and {@code username}. */
    private static String withAlice(String username) {
        return Browser.direct("alice", username);
    }

    private static String previewOf(Browser browser, String username) {
        return Browser.text(browser.driver().findElement(Browser.conversationItem(withAlice(username)))
                .findElement(By.cssSelector(".user-preview")));
    }

    /** Nothing from Object.prototype leaked onto the page: not in the visible text, nor in hidden elements. */
    private static void assertNoBogusText(Browser browser, String where) {
        String text = (String) ((JavascriptExecutor) browser.driver()).executeScript("return document.body.textContent;");
        assertFalse(text.contains("function"), where + " shows no \"function\": " + text.strip());
        assertFalse(text.contains("[native code]"), where + " shows no \"[native code]\"");
        assertFalse(text.contains("[object Object]"), where + " shows no \"[object Object]\"");
        assertFalse(text.contains("NaN"), where + " shows no \"NaN\"");
    }

    private static void logOut(Browser browser) {
        browser.click(browser.selector("logout"));
        browser.testId("username");
    }

    private static void switchUser(Browser browser, String username) {
        logOut(browser);
        browser.login(username, Browser.PASSWORD);
        browser.waitForText(browser.selector("me"), username);
        browser.waitForText(browser.selector("connection-status"), "online");
    }

    /** Opens the conversation with {@code to}, sends {@code text}, and waits until it is the {@code count}th, sent. */
    private static void sendTo(Browser browser, String to, String text, int count) {
        browser.click(entry(to));
        browser.waitUntil(d -> to.equals(Browser.text(d.findElement(By.id("chat-title")))));
        browser.waitUntil(d -> browser.messages().size() == count - 1); // the history is there before we add to it
        browser.send(text, false);
        browser.waitUntil(d -> browser.messages().size() == count
                && Browser.stored(browser.messages().get(count - 1)));
    }

}
