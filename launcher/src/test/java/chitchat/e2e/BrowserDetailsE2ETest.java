package chitchat.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import chitchat.launcher.DevServer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chromium.ChromiumDriver;

/**
 * The details of the client a browser can see (issue 14), in one session against the real dev server: links in
 * messages are {@code <a>} elements that open in a new tab without this page ({@code rel="noopener noreferrer"}),
 * and {@code javascript:} text is no link; a message of only emoji is large; near the 4,096-character limit a
 * counter shows, and past it the message is refused with the reason; leading spaces stay; the sender's name shows
 * in a group, not in a direct conversation; while scrolled, the day pill covers no message text; the first
 * connection says {@code connecting}, never {@code reconnecting}; sizes follow the root font size (rem); in
 * forced-colors mode the icons are painted; 768 px is wide enough for both panes; the theme toggle survives a
 * reload. Screenshots at 360, 768 and 1440 px, light and dark, land in {@code target/e2e-screenshots/}
 * ({@code details-*}).
 *
 * <p>Needs Debian's {@code chromium} and {@code chromium-driver}; skipped, not failed, without them.
 */
class BrowserDetailsE2ETest {

    /** Runs before the page's own scripts on every load: notes each text the connection status ever shows. */
    private static final String RECORD_STATUS = """
            window.__connection = [];
            new MutationObserver(() => {
              const status = document.querySelector('[data-testid="connection-status"]');
              const text = status && status.textContent;
              if (text && window.__connection[window.__connection.length - 1] !== text) window.__connection.push(text);
            }).observe(document, { subtree: true, childList: true, characterData: true });
            """;

    @Test
    @Timeout(240)
    void whatTheBrowserShows(@TempDir Path temp) throws IOException {
        assumeTrue(Browser.available(), "needs /usr/bin/chromium and /usr/bin/chromedriver (Debian: chromium chromium-driver)");
        try (DevServer server = DevServer.start(BrowserConversationsE2ETest.env(temp));
                Browser bob = Browser.open("details-bob", temp, server.httpPort());
                Browser alice = Browser.open("details", temp, server.httpPort())) {
            try {
                bob.signUp("bob");
                signIn(alice);
                firstConnection(alice);
                alice.click(Browser.person("bob"));
                alice.waitForText(alice.selector("conversation-title"), "bob");

                messages(alice, bob);
                composer(alice);
                senderLabels(alice);
                dayPill(alice);
                layout(alice);
                theme(alice);
            } finally {
                alice.screenshot();
            }
        }
    }

    /**
     * An invalid name puts the keyboard in the username field; a name with no account gets "Wrong username or
     * password" and the offer to sign up, which keeps the name and makes Enter sign up.
     */
    private static void signIn(Browser alice) {
        alice.fillCredentials("a b", Browser.PASSWORD);
        alice.testId("password").sendKeys(Keys.ENTER);
        alice.waitUntil(d -> Browser.text(d.findElement(alice.selector("auth-error"))).contains("3 to 32 characters"));
        assertEquals("username", alice.script("return document.activeElement.id;"), "an invalid username: focus on it");

        alice.fillCredentials("alice", Browser.PASSWORD);
        alice.testId("password").sendKeys(Keys.ENTER);
        alice.waitForText(alice.selector("auth-error"), "Wrong username or password.");
        alice.screenshot("login-refused");
        alice.click(alice.selector("offer-signup"));
        assertEquals("alice", alice.testId("username").getDomProperty("value"), "the name is kept");
        assertEquals("", alice.testId("password").getDomProperty("value"));
        assertEquals("password", alice.script("return document.activeElement.id;"));
        alice.testId("password").sendKeys(Browser.PASSWORD, Keys.ENTER); // Enter now signs up
        alice.waitForText(alice.selector("me"), "alice");
    }

    /** On a phone-sized page, a reload: "connecting" first (never "reconnecting"), then "online"; the search box is not focused. */
    private static void firstConnection(Browser alice) {
        alice.waitForText(alice.selector("connection-status"), "online");
        ChromiumDriver chromium = (ChromiumDriver) alice.driver();
        Object script = chromium.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", RECORD_STATUS))
                .get("identifier");
        alice.emulate(360, 740, false);
        alice.driver().navigate().refresh();
        alice.waitForText(alice.selector("connection-status"), "online");
        @SuppressWarnings("unchecked")
        List<String> seen = (List<String>) alice.script("return window.__connection;");
        assertEquals(List.of("connecting", "online"), seen, "the first connection of a page");
        assertFalse("filter".equals(alice.script("return document.activeElement && document.activeElement.id;")),
                "on a phone the search box does not take focus on load");
        alice.screenshot("list-360");
        alice.emulate(360, 740, true);
        alice.screenshot("list-360-dark");
        alice.emulate(0, 0, false);
        chromium.executeCdpCommand("Page.removeScriptToEvaluateOnNewDocument", Map.of("identifier", script));
    }

    /** Links, big emoji, leading spaces, and no sender label in a direct conversation. */
    private static void messages(Browser alice, Browser bob) {
        alice.send("Read https://example.com/docs. Not javascript:alert(1) nor data:text/html,hi", false);
        WebElement linked = alice.waitForMessage(1);
        List<Map<String, Object>> anchors = links(alice, linked);
        assertEquals(1, anchors.size(), "one link: javascript: and data: stay text");
        assertEquals(Map.of("href", "https://example.com/docs", "text", "https://example.com/docs", "rel", "noopener noreferrer",
                "target", "_blank"), anchors.get(0), "the full stop is not part of the URL");
        assertTrue(Browser.text(linked).contains("Not javascript:alert(1) nor data:text/html,hi"), "shown as text");
        // The other side sees the same link.
        String conversation = Browser.direct("alice", "bob");
        bob.waitUntil(d -> "1".equals(bob.unread(conversation)));
        bob.click(Browser.conversationItem(conversation));
        WebElement received = bob.waitForMessage(1);
        assertEquals(anchors, links(bob, received));

        alice.send("👍", false);
        assertTrue(alice.waitForMessage(2).getDomAttribute("class").contains("emoji-only"), "one emoji is shown large");
        alice.send("hi 👍", false);
        assertFalse(alice.waitForMessage(3).getDomAttribute("class").contains("emoji-only"), "text with an emoji is not");
        double big = fontSize(alice, alice.messages().get(1));
        double normal = fontSize(alice, alice.messages().get(2));
        assertTrue(big > 2 * normal, "large: " + big + "px against " + normal + "px");

        // Leading spaces of each line stay (the server refuses only blank messages).
        setComposer(alice, "    indented\n  and again");
        alice.testId("composer").sendKeys(Keys.ENTER);
        WebElement indented = alice.waitForMessage(4);
        alice.waitUntil(d -> Browser.stored(indented));
        assertEquals("    indented\n  and again", alice.script("return arguments[0].querySelector('.text').textContent;", indented));

        // In a direct conversation the bubbles carry no visible name (only screen readers hear it).
        Number widest = (Number) alice.script("""
                return Math.max(...[...document.querySelectorAll('#conversation .sender')].map((s) => s.getBoundingClientRect().width));
                """);
        assertTrue(widest.doubleValue() <= 1, "no sender label in a direct conversation: " + widest);
    }

    /** The counter near the limit, and a send past it refused with the reason; the text stays to be shortened. */
    private static void composer(Browser alice) {
        int before = alice.messages().size();
        setComposer(alice, "a".repeat(3000));
        assertEquals("", Browser.text(alice.driver().findElement(alice.selector("composer-counter"))), "no counter far from the limit");
        setComposer(alice, "😀".repeat(3900)); // code points, as the server counts: 3,900, not 7,800
        alice.waitForText(alice.selector("composer-counter"), "196 left");
        assertEquals("polite", alice.driver().findElement(alice.selector("composer-counter")).getDomAttribute("aria-live"));
        alice.screenshot("counter");
        setComposer(alice, "a".repeat(4100));
        alice.waitForText(alice.selector("composer-counter"), "4 too many");
        alice.testId("composer").sendKeys(Keys.ENTER);
        String why = Browser.text(alice.testId("composer-error"));
        assertTrue(why.contains("4,096") && why.contains("Remove 4"), "the refusal says why: " + why);
        assertEquals(before, alice.messages().size(), "nothing was sent");
        assertEquals(4100, ((Number) alice.script("return [...document.getElementById('composer').value].length;")).intValue(),
                "the text stays, uncut");
        alice.screenshot("refused");
        setComposer(alice, "");
        alice.waitUntil(d -> Browser.text(d.findElement(alice.selector("composer-error"))).isEmpty());
    }

    /** In a group, each run of bubbles is named. */
    private static void senderLabels(Browser alice) {
        alice.click(alice.selector("new-group"));
        alice.testId("group-name").sendKeys("Crew");
        alice.click(By.cssSelector("[data-testid='group-candidate'][data-username='bob']"));
        alice.click(alice.selector("create-group"));
        alice.waitForText(alice.selector("conversation-title"), "Crew");
        alice.send("Hello crew", false);
        WebElement mine = alice.waitForMessage(1);
        assertTrue(((Number) alice.script("return arguments[0].querySelector('.sender').getBoundingClientRect().width;", mine))
                .doubleValue() > 1, "a sender label in a group");
        assertEquals("You", alice.script("return arguments[0].querySelector('.sender').textContent;", mine));
    }

    /** Scrolled into the middle of a long conversation, the day shows above the messages, covering none of them. */
    private static void dayPill(Browser alice) {
        for (int i = 1; i <= 30; i++) {
            alice.send("Line " + i + " of a long day", false);
        }
        alice.waitUntil(d -> alice.messages().size() == 31 && alice.messages().stream().allMatch(Browser::stored));
        alice.script("const list = document.getElementById('conversation'); list.scrollTop = list.scrollHeight / 2;");
        alice.waitUntil(d -> "Today".equals(Browser.text(d.findElement(alice.selector("day-pill"))))
                && d.findElement(alice.selector("day-pill")).isDisplayed());
        Number covered = (Number) alice.script("""
                const pill = document.querySelector('[data-testid="day-pill"]').getBoundingClientRect();
                const list = document.getElementById('conversation').getBoundingClientRect();
                const texts = [...document.querySelectorAll('#conversation .text')].map((t) => t.getBoundingClientRect())
                  .filter((t) => t.bottom > list.top && t.top < list.bottom);
                if (texts.length === 0) return -1;
                // What shows of a text is the part inside the list's scrollport: the rest is scrolled away.
                return texts.filter((t) => Math.max(t.top, list.top) < pill.bottom && Math.min(t.bottom, list.bottom) > pill.top).length;
                """);
        assertEquals(0, covered.intValue(), "the day pill covers no visible message text (-1: none visible)");
        alice.screenshot("day-pill");
    }

    /**
     * Sizes in rem follow the root font size; forced colors keep the icons painted; an h1 and a main landmark;
     * two panes at 768 px; and screenshots at 360, 768 and 1440 px in light and dark.
     */
    private static void layout(Browser alice) {
        String sizes = "return [document.getElementById('composer').getBoundingClientRect().height,"
                + " parseFloat(getComputedStyle(document.querySelector('#conversation .text')).fontSize)];";
        @SuppressWarnings("unchecked")
        List<Number> normal = (List<Number>) alice.script(sizes);
        alice.script("document.documentElement.style.fontSize = '24px';"); // as if the browser's text size were larger
        @SuppressWarnings("unchecked")
        List<Number> larger = (List<Number>) alice.script(sizes);
        alice.script("document.documentElement.style.fontSize = '';");
        assertTrue(larger.get(0).doubleValue() > normal.get(0).doubleValue() * 1.3, "the composer grows: " + normal + " -> " + larger);
        assertTrue(larger.get(1).doubleValue() > normal.get(1).doubleValue() * 1.3, "the bubbles' text grows: " + normal + " -> " + larger);

        String shown = "return [...document.querySelectorAll(arguments[0])].filter((e) => !e.closest('[hidden]')).length;";
        assertEquals(1L, alice.script(shown, "h1"), "one h1 on the chat screen");
        assertEquals(1L, alice.script(shown, "main"), "one main landmark on the chat screen");

        alice.forcedColors(true);
        alice.waitUntil(d -> Boolean.TRUE.equals(alice.script("return matchMedia('(forced-colors: active)').matches;")));
        @SuppressWarnings("unchecked")
        Map<String, Object> icon = (Map<String, Object>) alice.script("""
                const style = getComputedStyle(document.querySelector('[data-testid="logout"]'), '::before');
                return { background: style.backgroundColor, adjust: style.forcedColorAdjust };
                """);
        assertEquals("none", icon.get("adjust"), "the icon keeps its own colours: " + icon);
        String background = (String) icon.get("background");
        assertFalse(background.equals("transparent") || background.matches("rgba\\(.*, 0\\)"), "the icon is painted: " + icon);
        assertFalse("none".equals(alice.script("return getComputedStyle(document.querySelector('#conversation .bubble')).outlineStyle;")),
                "a bubble keeps an outline");
        alice.screenshot("forced-colors");
        alice.emulate(0, 0, false); // the media features back to normal

        alice.emulate(768, 1024, false);
        alice.waitUntil(d -> Boolean.TRUE.equals(alice.script("""
                const shown = (selector) => getComputedStyle(document.querySelector(selector)).display !== 'none';
                return shown('.sidebar') && shown('.chat');
                """)));
        for (int[] size : new int[][] {{360, 740}, {768, 1024}, {1440, 900}}) {
            for (boolean dark : new boolean[] {false, true}) {
                alice.emulate(size[0], size[1], dark);
                alice.screenshot(size[0] + (dark ? "-dark" : "-light"));
            }
        }
        alice.emulate(0, 0, false);
    }

    /** The theme toggle: system, light, dark; the choice holds over a reload, whatever the device says. */
    private static void theme(Browser alice) {
        By toggle = alice.selector("theme-toggle");
        assertEquals("Theme: System", alice.testId("theme-toggle").getDomAttribute("aria-label"));
        alice.click(toggle);
        alice.click(toggle);
        assertEquals("Theme: Dark", alice.testId("theme-toggle").getDomAttribute("aria-label"));
        assertEquals("dark", alice.script("return document.documentElement.dataset.theme;"));
        alice.driver().navigate().refresh();
        alice.waitForText(alice.selector("me"), "alice");
        assertEquals("dark", alice.script("return document.documentElement.dataset.theme;"), "the choice survives a reload");
        assertEquals("Theme: Dark", alice.testId("theme-toggle").getDomAttribute("aria-label"));
        assertEquals("rgb(17, 27, 33)", alice.script("return getComputedStyle(document.querySelector('.sidebar')).backgroundColor;"),
                "dark, although the device is light");
        alice.screenshot("theme-dark");
        alice.click(toggle); // back to the device's setting
        assertEquals("light", alice.script("return document.documentElement.dataset.theme;"));
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    /** A message's links, read in one go (a receipt may re-fill the bubble between two WebDriver calls). */
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> links(Browser browser, WebElement message) {
        return (List<Map<String, Object>>) browser.script("""
                return [...arguments[0].querySelectorAll('.text a')].map((a) => ({
                  href: a.getAttribute('href'), text: a.textContent, rel: a.getAttribute('rel'), target: a.getAttribute('target') }));
                """, message);
    }

    /** Puts text in the composer as a paste would (one input event), long or with new lines. */
    private static void setComposer(Browser browser, String text) {
        browser.script("""
                const box = document.getElementById('composer');
                box.value = arguments[0];
                box.dispatchEvent(new Event('input', { bubbles: true }));
                box.focus();
                """, text);
    }

    private static double fontSize(Browser browser, WebElement message) {
        return ((Number) browser.script("return parseFloat(getComputedStyle(arguments[0].querySelector('.text')).fontSize);",
                message)).doubleValue();
    }

    @SuppressWarnings("unused")
    private static void cdp(Browser browser, String command, Map<String, Object> params) {
        ((ChromiumDriver) browser.driver()).executeCdpCommand(command, params);
    }
}
