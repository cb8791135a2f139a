package chitchat.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import chitchat.launcher.DevServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The browser client end to end: the real dev server ({@link DevServer}: static client, auth, history, WebSocket)
 * and two headless Chromium windows, one per person, driven through the contract's {@code data-testid} hooks.
 *
 * <p>What it proves, in the order a person would see it: a failed log-in is explained in words; two people sign
 * up; one picks the other in the directory and sends; the message shows at once as {@code pending} and turns
 * {@code sent} with a server id; the other sees the conversation join their list with an unread badge, without
 * reloading, opens it (the badge goes) and answers; a reload shows the history;
 * and a message that looks like HTML ({@code <img src=x onerror=alert(1)>}) is shown as text and runs nothing.
 * Screenshots of both windows are left in {@code target/e2e-screenshots/} to look at.
 *
 * <p>It needs Debian's {@code chromium} and {@code chromium-driver} ({@code make test} installs them) and is
 * skipped, not failed, without them.
 */
class BrowserChatE2ETest {

    private static final String PASSWORD = Browser.PASSWORD;
    private static final String HTML_LOOKALIKE = "<img src=x onerror=alert(1)>";
    /**
     * {@code -Dchitchat.e2e.origin=http://127.0.0.1:18080}: run against that origin instead of a {@link DevServer}
     * of the test's own (a fresh one: the test signs up "alice" and "bob").
     */
    private static final String EXTERNAL_ORIGIN = System.getProperty("chitchat.e2e.origin", "");
    /**
     * With {@link #EXTERNAL_ORIGIN}, {@code -Dchitchat.e2e.origin.bob=http://127.0.0.1:8090}: bob's window opens that
     * origin instead, so the two people chat across instances ({@code make run-cluster}'s two gateways, each in front
     * of its own chat-server; README, "Running it scaled out").
     */
    private static final String BOB_ORIGIN = System.getProperty("chitchat.e2e.origin.bob", EXTERNAL_ORIGIN);

    @Test
    @Timeout(120)
    void twoPeopleChatInRealTime(@TempDir Path temp) throws IOException {
        assumeTrue(Browser.available(), "needs /usr/bin/chromium and /usr/bin/chromedriver (Debian: chromium chromium-driver)");
        if (!EXTERNAL_ORIGIN.isEmpty()) {
            // The same scenario against a stack already running (deploy/stack-test.sh: nginx in front of the
            // containers), opened as http://localhost:<its port>, which its ALLOWED_ORIGINS lists.
            int port = java.net.URI.create(EXTERNAL_ORIGIN).getPort();
            try (Browser bob = Browser.open("bob", temp, java.net.URI.create(BOB_ORIGIN).getPort());
                    Browser alice = Browser.open("alice", temp, port)) {
                try {
                    chat(alice, bob);
                } finally {
                    alice.screenshot();
                    bob.screenshot();
                }
            }
            return;
        }
        Map<String, String> env = Map.of(
                "HTTP_PORT", "0",
                "WS_PORT", "0",
                "DATA_DIR", Files.createDirectories(temp.resolve("data")).toString(),
                "STATIC_DIR", Browser.staticClient().toString(),
                "BCRYPT_COST", "10");

        try (DevServer server = DevServer.start(env);
                Browser bob = Browser.open("bob", temp, server.httpPort());
                Browser alice = Browser.open("alice", temp, server.httpPort())) {
            try {
                chat(alice, bob);
            } finally {
                alice.screenshot();
                bob.screenshot();
            }
        }
    }

    private static void chat(Browser alice, Browser bob) {
        // A wrong log-in is explained in words, then both sign up (bob first, so alice's list already has him).
        alice.login("alice", PASSWORD);
        alice.waitUntil(d -> !alice.testId("auth-error").getText().isBlank()); // the server's reason, in words
        bob.signUp("bob");
        alice.signUp("alice");
        alice.waitForText(alice.selector("connection-status"), "online");
        bob.waitForText(bob.selector("connection-status"), "online");

        // Alice writes to Bob: pending at once, then sent with the server's id.
        alice.click(Browser.person("bob"));
        alice.recordMessageStatuses();
        alice.send("Hello Bob! Are you there?", false);
        WebElement first = alice.waitForMessage(1);
        alice.waitUntil(d -> Browser.stored(first));
        assertTrue(first.getDomAttribute("data-id").matches("[0-9a-f]{24}"), "a sent message carries the server's id");
        // Then delivered and read, as bob's page receives it and he opens it (BrowserReceiptsE2ETest): each once.
        assertEquals(List.of("pending", "sent"), alice.recordedStatuses().subList(0, 2), "shown as pending first, then sent");

        // Bob sees it without reloading: the conversation joins his list with an unread badge; he opens it and answers.
        String conversation = Browser.direct("alice", "bob");
        By aliceEntry = Browser.conversationItem(conversation);
        bob.waitUntil(d -> "1".equals(bob.unread(conversation)));
        assertEquals("direct", bob.driver().findElement(aliceEntry).getDomAttribute("data-kind"));
        bob.click(aliceEntry);
        WebElement received = bob.waitForMessage(1);
        assertEquals("alice", received.getDomAttribute("data-sender"));
        assertEquals("1", received.getDomAttribute("data-seq"), "the first message of a conversation has seq 1");
        bob.waitUntil(d -> bob.unread(conversation).isEmpty()); // opening it read it
        assertTrue(Browser.text(received).contains("Hello Bob! Are you there?"));
        bob.send("Hi Alice, loud and clear.", true);
        bob.waitUntil(d -> Browser.stored(bob.messages().get(1)));
        WebElement answer = alice.waitForMessage(2);
        assertEquals("bob", answer.getDomAttribute("data-sender"));
        assertTrue(Browser.text(answer).contains("Hi Alice, loud and clear."));

        // Text that looks like HTML stays text, and runs nothing in either window.
        alice.send(HTML_LOOKALIKE, false);
        WebElement lookalike = bob.waitForMessage(3);
        assertTrue(Browser.text(lookalike).contains(HTML_LOOKALIKE), "shown as the characters that were typed");
        assertTrue(lookalike.findElements(By.tagName("img")).isEmpty(), "no element was made from it");
        alice.waitUntil(d -> Browser.stored(alice.messages().get(2)));
        alice.assertNoAlert();
        bob.assertNoAlert();

        // A reload shows the history: the same three messages, in order, from the server.
        List<String> idsBefore = bob.messages().stream().map(m -> m.getDomAttribute("data-id")).toList();
        bob.driver().navigate().refresh();
        bob.waitForText(bob.selector("me"), "bob");
        if (bob.driver().findElements(By.cssSelector("[data-testid='conversation']")).stream().noneMatch(WebElement::isDisplayed)) {
            bob.click(aliceEntry);
        }
        bob.waitForMessage(3);
        assertEquals(idsBefore, bob.messages().stream().map(m -> m.getDomAttribute("data-id")).toList());
        assertEquals(List.of("alice", "bob", "alice"), bob.messages().stream().map(m -> m.getDomAttribute("data-sender")).toList());
        assertTrue(Browser.text(bob.messages().get(2)).contains(HTML_LOOKALIKE));
        bob.assertNoAlert();
        bob.waitForText(bob.selector("connection-status"), "online");
    }
}
