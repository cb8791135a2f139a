package chitchat.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import chitchat.launcher.DevServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.UnexpectedAlertBehaviour;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The browser client end to end: the real dev server ({@link DevServer}: static client, auth, history, WebSocket)
 * and two headless Chromium windows, one per person, driven through the contract's {@code data-testid} hooks.
 *
 * <p>What it proves, in the order a person would see it: a failed log-in is explained in words; two people sign
 * up; one picks the other and sends; the message shows at once as {@code pending} and turns {@code sent} with a
 * server id; the other sees it without reloading, with an unread badge, and answers; a reload shows the history;
 * and a message that looks like HTML ({@code <img src=x onerror=alert(1)>}) is shown as text and runs nothing.
 * Screenshots of both windows are left in {@code target/e2e-screenshots/} to look at.
 *
 * <p>It needs Debian's {@code chromium} and {@code chromium-driver} ({@code make test} installs them) and is
 * skipped, not failed, without them.
 */
class BrowserChatE2ETest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target", "e2e-screenshots");
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final String PASSWORD = "correct horse battery";
    private static final String HTML_LOOKALIKE = "<img src=x onerror=alert(1)>";

    @Test
    @Timeout(120)
    void twoPeopleChatInRealTime(@TempDir Path temp) throws IOException {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "needs /usr/bin/chromium and /usr/bin/chromedriver (Debian: chromium chromium-driver)");
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        Map<String, String> env = Map.of(
                "HTTP_PORT", "0",
                "WS_PORT", "0",
                "DATA_DIR", Files.createDirectories(temp.resolve("data")).toString(),
                "STATIC_DIR", staticClient().toString(),
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
        assertFalse(alice.testId("auth-error").getText().isBlank(), "the server's reason, in words");
        bob.signUp("bob");
        alice.signUp("alice");
        alice.waitForText(alice.selector("connection-status"), "online");
        bob.waitForText(bob.selector("connection-status"), "online");

        // Alice writes to Bob: pending at once, then sent with the server's id.
        alice.click(By.cssSelector("[data-testid='user'][data-username='bob']"));
        alice.recordMessageStatuses();
        alice.send("Hello Bob! Are you there?", false);
        WebElement first = alice.waitForMessage(1);
        alice.waitUntil(d -> "sent".equals(first.getDomAttribute("data-status")));
        assertTrue(first.getDomAttribute("data-id").matches("[0-9a-f]{24}"), "a sent message carries the server's id");
        assertEquals(List.of("pending", "sent"), alice.recordedStatuses(), "shown as pending first, then sent");

        // Bob sees it without reloading: Alice joins his list with an unread badge; he opens it and answers.
        By aliceEntry = By.cssSelector("[data-testid='user'][data-username='alice']");
        bob.waitUntil(ExpectedConditions.textToBePresentInElementLocated(
                By.cssSelector("[data-testid='user'][data-username='alice'] .badge"), "1"));
        bob.click(aliceEntry);
        WebElement received = bob.waitForMessage(1);
        assertEquals("alice", received.getDomAttribute("data-sender"));
        assertTrue(received.getText().contains("Hello Bob! Are you there?"));
        bob.send("Hi Alice, loud and clear.", true);
        bob.waitUntil(d -> "sent".equals(bob.messages().get(1).getDomAttribute("data-status")));
        WebElement answer = alice.waitForMessage(2);
        assertEquals("bob", answer.getDomAttribute("data-sender"));
        assertTrue(answer.getText().contains("Hi Alice, loud and clear."));

        // Text that looks like HTML stays text, and runs nothing in either window.
        alice.send(HTML_LOOKALIKE, false);
        WebElement lookalike = bob.waitForMessage(3);
        assertTrue(lookalike.getText().contains(HTML_LOOKALIKE), "shown as the characters that were typed");
        assertTrue(lookalike.findElements(By.tagName("img")).isEmpty(), "no element was made from it");
        alice.waitUntil(d -> "sent".equals(alice.messages().get(2).getDomAttribute("data-status")));
        alice.assertNoAlert();
        bob.assertNoAlert();

        // A reload shows the history: the same three messages, in order, from the server.
        List<String> idsBefore = bob.messages().stream().map(m -> m.getDomAttribute("data-id")).toList();
        bob.driver.navigate().refresh();
        bob.waitForText(bob.selector("me"), "bob");
        if (bob.driver.findElements(By.cssSelector("[data-testid='conversation']")).stream().noneMatch(WebElement::isDisplayed)) {
            bob.click(aliceEntry);
        }
        bob.waitForMessage(3);
        assertEquals(idsBefore, bob.messages().stream().map(m -> m.getDomAttribute("data-id")).toList());
        assertEquals(List.of("alice", "bob", "alice"), bob.messages().stream().map(m -> m.getDomAttribute("data-sender")).toList());
        assertTrue(bob.messages().get(2).getText().contains(HTML_LOOKALIKE));
        bob.assertNoAlert();
        bob.waitForText(bob.selector("connection-status"), "online");
    }

    /** {@code static-client/} of this checkout: Maven runs tests in the module's directory, an IDE maybe at the root. */
    private static Path staticClient() {
        for (Path candidate : List.of(Path.of("..", "static-client"), Path.of("static-client"))) {
            if (Files.isRegularFile(candidate.resolve("index.html"))) {
                return candidate.toAbsolutePath().normalize();
            }
        }
        throw new IllegalStateException("static-client/index.html not found from " + Path.of("").toAbsolutePath());
    }

    /** One person's headless Chromium window, with the few actions the test needs. */
    private record Browser(String name, WebDriver driver, WebDriverWait waiter, String baseUrl) implements AutoCloseable {

        static Browser open(String name, Path temp, int httpPort) throws IOException {
            ChromeOptions options = new ChromeOptions();
            options.setBinary(CHROMIUM.toFile());
            // Leave any alert open, so assertNoAlert() sees it instead of the driver silently dismissing it.
            options.setUnhandledPromptBehaviour(UnexpectedAlertBehaviour.IGNORE);
            options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                    "--window-size=1280,800",
                    "--user-data-dir=" + Files.createTempDirectory(temp, "chromium-" + name));
            WebDriver driver = new ChromeDriver(options);
            driver.manage().timeouts().pageLoadTimeout(WAIT);
            // The page's origin must be one the server allows for the WebSocket: localhost and its HTTP port.
            Browser browser = new Browser(name, driver, new WebDriverWait(driver, WAIT), "http://localhost:" + httpPort + "/");
            driver.get(browser.baseUrl);
            return browser;
        }

        By selector(String testId) {
            return By.cssSelector("[data-testid='" + testId + "']");
        }

        WebElement testId(String testId) {
            return waiter.until(ExpectedConditions.visibilityOfElementLocated(selector(testId)));
        }

        <T> T waitUntil(Function<? super WebDriver, T> condition) {
            return waiter.until(condition);
        }

        void waitForText(By locator, String text) {
            waiter.until(ExpectedConditions.textToBe(locator, text));
        }

        void click(By locator) {
            waiter.until(ExpectedConditions.elementToBeClickable(locator)).click();
        }

        void fillCredentials(String username, String password) {
            WebElement user = testId("username");
            user.clear();
            user.sendKeys(username);
            WebElement pass = testId("password");
            pass.clear();
            pass.sendKeys(password);
        }

        void login(String username, String password) {
            fillCredentials(username, password);
            click(selector("login"));
        }

        void signUp(String username) {
            fillCredentials(username, PASSWORD);
            click(selector("signup"));
            waitForText(selector("me"), username);
        }

        /** Types a message and sends it with Enter, or with the send button. */
        void send(String text, boolean withButton) {
            WebElement composer = testId("composer");
            composer.sendKeys(text);
            if (withButton) {
                click(selector("send"));
            } else {
                composer.sendKeys(Keys.ENTER);
            }
        }

        List<WebElement> messages() {
            return driver.findElements(By.cssSelector("[data-testid='conversation'] [data-testid='message']"));
        }

        /** Waits until the open conversation shows {@code count} messages and returns the last one. */
        WebElement waitForMessage(int count) {
            waiter.until(d -> messages().size() >= count);
            assertEquals(count, messages().size(), name + "'s conversation shows each message once");
            return messages().get(count - 1);
        }

        /**
         * Notes every data-status the page ever gives a message, as it happens, so that a pending state lasting
         * only milliseconds is still seen. (WebDriver scripts are not subject to the page's CSP.)
         */
        void recordMessageStatuses() {
            ((JavascriptExecutor) driver).executeScript("""
                    window.__statuses = [];
                    const note = (el) => {
                      const s = el.getAttribute('data-status');
                      if (window.__statuses[window.__statuses.length - 1] !== s) window.__statuses.push(s);
                    };
                    new MutationObserver((records) => {
                      for (const r of records) {
                        if (r.type === 'attributes' && r.target.matches('[data-testid="message"]')) note(r.target);
                        for (const n of r.addedNodes || []) {
                          if (n.nodeType === 1 && n.matches('[data-testid="message"]')) note(n);
                        }
                      }
                    }).observe(document.querySelector('[data-testid="conversation"]'),
                               { subtree: true, childList: true, attributes: true, attributeFilter: ['data-status'] });
                    """);
        }

        @SuppressWarnings("unchecked")
        List<String> recordedStatuses() {
            return (List<String>) ((JavascriptExecutor) driver).executeScript("return window.__statuses;");
        }

        void assertNoAlert() {
            try {
                driver.switchTo().alert();
                throw new AssertionError(name + ": an alert opened: a message ran as HTML");
            } catch (NoAlertPresentException expected) {
                // nothing ran
            }
            assertFalse(driver.getPageSource().contains("<img src=\"x\""), name + ": no <img> element was made");
        }

        void screenshot() {
            try {
                Files.createDirectories(SCREENSHOTS);
                Path shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
                Files.copy(shot, SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException | RuntimeException e) {
                System.err.println("[e2e] no screenshot of " + name + ": " + e);
            }
        }

        @Override
        public void close() {
            driver.quit();
        }
    }
}
