package chitchat.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.UnexpectedAlertBehaviour;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chromium.ChromiumDriver;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** One person's headless Chromium window, with the few actions the test needs. */
record Browser(String name, WebDriver driver, WebDriverWait waiter, String baseUrl) implements AutoCloseable {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path SCREENSHOTS = Path.of("target", "e2e-screenshots");
    static final Duration WAIT = Duration.ofSeconds(15);
    static final String PASSWORD = "correct horse battery";

    /** Whether this machine can run the browser tests (Debian: chromium chromium-driver). */
    static boolean available() {
        if (Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER)) {
            System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
            return true;
        }
        return false;
    }

    /** {@code static-client/} of this checkout: Maven runs tests in the module's directory, an IDE maybe at the root. */
    static Path staticClient() {
        for (Path candidate : List.of(Path.of("..", "static-client"), Path.of("static-client"))) {
            if (Files.isRegularFile(candidate.resolve("index.html"))) {
                return candidate.toAbsolutePath().normalize();
            }
        }
        throw new IllegalStateException("static-client/index.html not found from " + Path.of("").toAbsolutePath());
    }


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
        // A re-rendered element read in the middle of a wait is stale: read it again at the next poll.
        WebDriverWait waiter = new WebDriverWait(driver, WAIT);
        waiter.ignoring(StaleElementReferenceException.class);
        Browser browser = new Browser(name, driver, waiter, "http://localhost:" + httpPort + "/");
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

    /**
     * The text an element holds, from the DOM: a new message fades in, and WebDriver's getText() leaves out text
     * that is not yet visible, so reading it right after the message appears could see nothing.
     */
    static String text(WebElement element) {
        return element.getDomProperty("textContent");
    }

    // ---- contract v2: conversations --------------------------------------------------------------------------

    /**
     * The id of the direct conversation of two users, as the contract defines it (the names sorted, joined by
     * {@code |}). Only tests build it, to find the right entry; the client never parses or builds ids.
     */
    static String direct(String a, String b) {
        return a.compareTo(b) < 0 ? a + "|" + b : b + "|" + a;
    }

    /** A person in the directory. */
    static By person(String username) {
        return By.cssSelector("[data-testid='user'][data-username='" + username + "']");
    }

    /** A conversation in the list, by its id. */
    static By conversationItem(String id) {
        return By.cssSelector("[data-testid='conversation-item'][data-conversation='" + id + "']");
    }

    /** The unread count shown on a conversation, or "" when no badge shows (the hook is absent or hidden). */
    String unread(String id) {
        List<WebElement> items = driver.findElements(conversationItem(id));
        if (items.isEmpty()) {
            return "";
        }
        List<WebElement> badges = items.get(0).findElements(By.cssSelector("[data-testid='unread']"));
        return badges.isEmpty() || !badges.get(0).isDisplayed() ? "" : text(badges.get(0)).strip();
    }

    /** The conversation ids of the list, top to bottom. */
    List<String> conversationOrder() {
        return driver.findElements(By.cssSelector("[data-testid='conversation-list'] [data-testid='conversation-item']"))
                .stream().map(e -> e.getDomAttribute("data-conversation")).toList();
    }

    /** The first group in the list (the tests make one group per window at a time). */
    String firstGroupId() {
        return waitUntil(d -> d.findElements(By.cssSelector("[data-testid='conversation-item'][data-kind='group']"))
                .stream().map(e -> e.getDomAttribute("data-conversation")).findFirst().orElse(null));
    }

    /** Opens a conversation from the list and waits until its title shows. */
    void openConversation(String id, String title) {
        click(conversationItem(id));
        waitUntil(d -> title.equals(text(d.findElement(selector("conversation-title")))));
    }

    /** Waits until the open conversation shows {@code count} system messages and returns their texts. */
    List<String> waitForSystemMessages(int count) {
        By system = By.cssSelector("[data-testid='conversation'] [data-testid='system-message']");
        waitUntil(d -> d.findElements(system).size() >= count);
        return driver.findElements(system).stream().map(Browser::text).toList();
    }

    Object script(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /**
     * Makes the page {@code width} CSS pixels wide (a phone when narrow: Chromium's window cannot be made that small)
     * and light or dark, through the DevTools protocol; {@code width} 0 goes back to the window as it is.
     */
    void emulate(int width, int height, boolean dark) {
        ChromiumDriver chromium = (ChromiumDriver) driver;
        if (width > 0) {
            chromium.executeCdpCommand("Emulation.setDeviceMetricsOverride",
                    Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", width < 600));
        } else {
            chromium.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
        }
        chromium.executeCdpCommand("Emulation.setEmulatedMedia",
                Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", dark ? "dark" : "light"))));
    }

    /** Emulates Windows' high-contrast mode (forced colors) through the DevTools protocol, or ends it. */
    void forcedColors(boolean on) {
        ((ChromiumDriver) driver).executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features",
                on ? List.of(Map.of("name", "forced-colors", "value", "active")) : List.of()));
    }

    /** A screenshot of one moment as Windows' high-contrast mode shows it ({@code <name>-<moment>.png}). */
    void forcedColorsScreenshot(String moment) {
        forcedColors(true);
        screenshot(moment);
        forcedColors(false);
    }

    /**
     * The same moment at desktop width and at 360 px, light and dark ({@code <moment>}, {@code -360},
     * {@code -360-dark}, {@code -dark}), then back to the window as it was, light.
     */
    void screenshotsLightAndDark(String moment) {
        screenshot(moment);
        emulate(360, 740, false);
        screenshot(moment + "-360");
        emulate(360, 740, true);
        screenshot(moment + "-360-dark");
        emulate(0, 0, true);
        screenshot(moment + "-dark");
        emulate(0, 0, false);
    }

    /**
     * Whether a message is stored: its status is past the outbox's ({@code pending}, {@code failed}). After
     * {@code sent} it moves on by itself to {@code delivered} and {@code read} as the others' pages receive and
     * read it, so a test that only waits for the ack must accept all three.
     */
    static boolean stored(WebElement message) {
        return List.of("sent", "delivered", "read").contains(message.getDomAttribute("data-status"));
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

    /**
     * Desktop notifications, recorded instead of shown, from the next page load on (the page is reloaded):
     * <ul>
     *   <li>the site's permission is granted through the DevTools protocol ({@code Browser.grantPermissions}), as
     *       if the person had clicked Allow; but the page sees {@code Notification.permission} as
     *       {@code "default"} until it calls {@code requestPermission()}, so the test can tell that the page asks
     *       only when clicked (every call is counted in {@code window.__permissionRequests});</li>
     *   <li>{@code window.Notification} is wrapped: each notification made is noted in
     *       {@code window.__notifications} as {@code {title, body, tag}}, and kept (with its {@code onclick}) in
     *       {@code window.__notificationObjects};</li>
     *   <li>{@code document.visibilityState} and {@code document.hidden} follow {@code window.__hidden}, which
     *       {@link #setHidden} sets before it dispatches {@code visibilitychange}: headless Chromium's page is
     *       always visible otherwise.</li>
     * </ul>
     * The script goes in with {@code Page.addScriptToEvaluateOnNewDocument}, so it runs before the page's own on
     * every load (reloads included) and is not subject to the page's Content-Security-Policy. Once asked, the
     * page sees the real permission after reloads too (the tab's sessionStorage remembers), as it would.
     */
    void recordNotifications() {
        ChromiumDriver chromium = (ChromiumDriver) driver;
        chromium.executeCdpCommand("Browser.grantPermissions",
                Map.of("origin", baseUrl.replaceAll("/$", ""), "permissions", List.of("notifications")));
        chromium.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", """
                (() => {
                  const Native = window.Notification;
                  window.__notifications = [];
                  window.__notificationObjects = [];
                  window.__permissionRequests = 0;
                  let asked = sessionStorage.getItem('test.asked') === 'yes';
                  class Recorded extends Native {
                    constructor(title, options = {}) {
                      super(title, options);
                      window.__notifications.push({ title, body: options.body || '', tag: options.tag || '' });
                      window.__notificationObjects.push(this);
                    }
                    static get permission() { return asked ? Native.permission : 'default'; }
                    static requestPermission() {
                      window.__permissionRequests += 1;
                      asked = true;
                      sessionStorage.setItem('test.asked', 'yes');
                      return Native.requestPermission();
                    }
                  }
                  window.Notification = Recorded;
                  window.__hidden = false;
                  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (window.__hidden ? 'hidden' : 'visible') });
                  Object.defineProperty(document, 'hidden', { configurable: true, get: () => window.__hidden });
                })();
                """));
        driver.navigate().refresh();
    }

    /** The page as hidden (another tab in front, the window minimised) or visible again: see {@link #recordNotifications}. */
    void setHidden(boolean hidden) {
        script("window.__hidden = arguments[0]; document.dispatchEvent(new Event('visibilitychange'));", hidden);
    }

    /** The notifications recorded since the page loaded, each {@code {title, body, tag}}. */
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> notifications() {
        return (List<Map<String, Object>>) script("return window.__notifications || [];");
    }

    /** How often the page called {@code Notification.requestPermission()} since it loaded. */
    long permissionRequests() {
        return ((Number) script("return window.__permissionRequests || 0;")).longValue();
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
        saveScreenshot(name + ".png");
    }

    /** A screenshot of one moment of a test, beside the final one: {@code <name>-<moment>.png}. */
    void screenshot(String moment) {
        saveScreenshot(name + "-" + moment + ".png");
    }

    private void saveScreenshot(String file) {
        try {
            // A message that just arrived slides in (0.2 s): let it land, so the picture shows it as it stays.
            new WebDriverWait(driver, Duration.ofSeconds(2))
                    .until(d -> d.findElements(By.cssSelector(".message.enter")).isEmpty());
        } catch (RuntimeException stillMoving) {
            // take it anyway
        }
        try {
            Files.createDirectories(SCREENSHOTS);
            Path shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
            Files.copy(shot, SCREENSHOTS.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            System.err.println("[e2e] no screenshot of " + name + ": " + e);
        }
    }

    @Override
    public void close() {
        driver.quit();
    }
}
