package chitchat.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import chitchat.launcher.DevServer;
import chitchat.store.EmbeddedMongo;
import chitchat.testbed.LocalRedis;
import java.io.IOException;
import java.nio.file.Files;
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
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The conversation list of contract v2 in real browsers against the real dev server: unread badges that follow
 * {@code lastSeq - readSeq}, the list's order, a second tab of the same user clearing its badge through the
 * {@code receipt} frame, what arrived while logged out showing on the next log-in, and sign-ups reaching the
 * directory within seconds; a group made, used and changed in the UI by its admin (members added, promoted,
 * removed: the removed one's list shows it ended), with its members' windows on two instances that share a store
 * and a real Redis; and older messages paged in by seq when scrolling up.
 * Screenshots of the list, a group and its members, light and dark, at 360 px wide, land in
 * {@code target/e2e-screenshots/}.
 *
 * <p>Needs Debian's {@code chromium} and {@code chromium-driver}; skipped, not failed, without them.
 */
class BrowserConversationsE2ETest {

    /** Polling /api/users every 5 s, plus a page's start-up: a sign-up shows well within this. */
    private static final Duration DIRECTORY_WAIT = Duration.ofSeconds(12);

    static Map<String, String> env(Path temp) throws IOException {
        return Map.of(
                "HTTP_PORT", "0",
                "WS_PORT", "0",
                "DATA_DIR", Files.createDirectories(temp.resolve("data")).toString(),
                "STATIC_DIR", Browser.staticClient().toString(),
                "BCRYPT_COST", "10");
    }

    @Test
    @Timeout(180)
    void theListShowsBadgesOrderAndReadsAcrossTabs(@TempDir Path temp) throws IOException {
        assumeTrue(Browser.available(), "needs /usr/bin/chromium and /usr/bin/chromedriver (Debian: chromium chromium-driver)");
        try (DevServer server = DevServer.start(env(temp));
                Browser bob = Browser.open("bob-list", temp, server.httpPort());
                Browser bobTwo = Browser.open("bob-second-tab", temp, server.httpPort());
                Browser carol = Browser.open("carol-list", temp, server.httpPort());
                Browser alice = Browser.open("alice-list", temp, server.httpPort())) {
            try {
                bob.signUp("bob");
                // dave signs up and leaves at once: what is sent to him while he is away shows when he is back.
                carol.signUp("dave");
                carol.click(carol.selector("logout"));
                carol.signUp("carol");
                alice.signUp("alice");
                bobTwo.login("bob", Browser.PASSWORD);
                bobTwo.waitForText(bobTwo.selector("me"), "bob");
                for (Browser window : List.of(bob, bobTwo, carol, alice)) {
                    window.waitForText(window.selector("connection-status"), "online");
                }

                // alice signed up after bob's page loaded: she reaches his directory by itself, within seconds.
                new WebDriverWait(bob.driver(), DIRECTORY_WAIT).until(d -> !d.findElements(Browser.person("alice")).isEmpty());

                // alice writes: both of bob's tabs show the conversation with a badge of 1.
                String withAlice = Browser.direct("alice", "bob");
                alice.click(Browser.person("bob"));
                alice.send("Hi Bob, one tab or two?", false);
                bob.waitUntil(d -> "1".equals(bob.unread(withAlice)));
                bobTwo.waitUntil(d -> "1".equals(bobTwo.unread(withAlice)));
                bobTwo.waitUntil(d -> "(1) Chit-Chat".equals(d.getTitle()));
                WebElement preview = bob.driver().findElement(Browser.conversationItem(withAlice)).findElement(By.cssSelector(".user-preview"));
                assertEquals("Hi Bob, one tab or two?", Browser.text(preview));

                // bob reads it in one tab: the badge goes there, and in the other tab through the receipt.
                List<String> orderBefore = bob.conversationOrder();
                bob.openConversation(withAlice, "alice");
                bob.waitForMessage(1);
                assertEquals(orderBefore, bob.conversationOrder(), "opening a conversation does not move the list");
                bob.waitUntil(d -> bob.unread(withAlice).isEmpty());
                bobTwo.waitUntil(d -> bobTwo.unread(withAlice).isEmpty());
                // The other tab's title counts with its badges: bob's own receipt brought it to nothing unread.
                bobTwo.waitUntil(d -> "Chit-Chat".equals(d.getTitle()));

                // carol writes while bob has alice's conversation open: hers goes to the top, with a badge;
                // the open one stays read.
                String withCarol = Browser.direct("bob", "carol");
                carol.click(Browser.person("bob"));
                carol.send("Bob, it's carol. Lunch?", false);
                carol.send("Say yes.", true);
                bob.waitUntil(d -> "2".equals(bob.unread(withCarol)));
                bobTwo.waitUntil(d -> "(2) Chit-Chat".equals(d.getTitle()));
                assertEquals(withCarol, bob.conversationOrder().get(0), "the newest conversation is at the top");
                assertEquals("", bob.unread(withAlice));
                // The list as a phone shows it (one pane at a time: back from the open conversation), light and dark.
                bob.emulate(360, 740, false);
                bob.click(By.id("back"));
                bob.testId("conversation-list");
                bob.screenshot("list-360");
                bob.emulate(360, 740, true);
                bob.screenshot("list-360-dark");
                bob.emulate(0, 0, false);
                bob.openConversation(withCarol, "carol");
                bob.waitForMessage(2);
                bob.send("Yes!", false);
                bob.waitUntil(d -> Browser.stored(bob.waitForMessage(3)));
                bob.emulate(360, 740, false);
                bob.screenshot("direct-360");
                bob.emulate(360, 740, true);
                bob.screenshot("direct-360-dark");
                bob.emulate(0, 0, false);
                bob.waitUntil(d -> bob.unread(withCarol).isEmpty());
                bobTwo.waitUntil(d -> bobTwo.unread(withCarol).isEmpty());
                bobTwo.waitUntil(d -> "Chit-Chat".equals(d.getTitle()));
                assertEquals("Chit-Chat", bob.driver().getTitle());

                // carol writes to dave, who is logged out; when he logs in, it is at the top with its badge.
                String carolDave = Browser.direct("carol", "dave");
                carol.click(Browser.person("dave"));
                carol.send("Dave, when you are back: call me.", false);
                carol.waitUntil(d -> Browser.stored(carol.messages().get(carol.messages().size() - 1)));
                carol.click(carol.selector("logout"));
                carol.login("dave", Browser.PASSWORD);
                carol.waitForText(carol.selector("me"), "dave");
                carol.waitUntil(d -> "1".equals(carol.unread(carolDave)));
                assertEquals(carolDave, carol.conversationOrder().get(0));
                assertEquals("Dave, when you are back: call me.", Browser.text(carol.driver()
                        .findElement(Browser.conversationItem(carolDave)).findElement(By.cssSelector(".user-preview"))));
                carol.openConversation(carolDave, "carol");
                assertEquals("carol", carol.waitForMessage(1).getDomAttribute("data-sender"));
                carol.waitUntil(d -> carol.unread(carolDave).isEmpty());
                for (Browser window : List.of(bob, bobTwo, carol, alice)) {
                    window.assertNoAlert();
                }
            } finally {
                bob.screenshot();
                bobTwo.screenshot();
                carol.screenshot();
                alice.screenshot();
            }
        }
    }

    @Test
    @Timeout(180)
    void aGroupIsMadeUsedAndChangedInTheBrowser(@TempDir Path temp) throws IOException {
        assumeTrue(Browser.available(), "needs /usr/bin/chromium and /usr/bin/chromedriver (Debian: chromium chromium-driver)");
        // Two instances sharing one store and one real Redis, as `make run-cluster` runs them: alice's window is on
        // one, bob's and carol's on the other, so every message and every group change crosses instances.
        try (EmbeddedMongo store = EmbeddedMongo.inMemory();
                LocalRedis redis = LocalRedis.start();
                DevServer first = DevServer.start(SharedInstances.env(temp, "a", "groups", store, redis, 0, 0));
                DevServer second = DevServer.start(SharedInstances.env(temp, "b", "groups", store, redis, 0, 0));
                Browser bob = Browser.open("bob-group", temp, second.httpPort());
                Browser carol = Browser.open("carol-group", temp, second.httpPort());
                Browser alice = Browser.open("alice-group", temp, first.httpPort())) {
            try {
                carol.signUp("dave");
                carol.click(carol.selector("logout"));
                bob.signUp("bob");
                carol.signUp("carol");
                alice.signUp("alice");

                // alice makes the group in the form; it opens, with its members under the title.
                alice.click(alice.selector("new-group"));
                alice.testId("group-name").sendKeys("Trip");
                alice.click(By.cssSelector("[data-testid='group-candidate'][data-username='bob']"));
                alice.click(By.cssSelector("[data-testid='group-candidate'][data-username='carol']"));
                alice.click(alice.selector("create-group"));
                alice.waitForText(alice.selector("conversation-title"), "Trip");
                String subtitle = Browser.text(alice.testId("conversation-subtitle"));
                assertTrue(subtitle.contains("bob") && subtitle.contains("carol"), "members under the title: " + subtitle);
                alice.waitForSystemMessages(1);
                String group = alice.firstGroupId();
                assertTrue(group.startsWith("g:"), "a group's id: " + group);

                // A message in it reaches both, with a badge first.
                alice.send("Who is in for Saturday?", false);
                alice.waitUntil(d -> Browser.stored(alice.waitForMessage(1)));
                for (Browser member : List.of(bob, carol)) {
                    member.waitUntil(d -> "2".equals(member.unread(group))); // `created`, then the message
                    assertEquals("group", member.driver().findElement(Browser.conversationItem(group)).getDomAttribute("data-kind"));
                    member.openConversation(group, "Trip");
                    WebElement message = member.waitForMessage(1);
                    assertEquals("alice", message.getDomAttribute("data-sender"));
                    assertTrue(Browser.text(message).contains("Who is in for Saturday?"));
                    member.waitUntil(d -> member.unread(group).isEmpty());
                }
                carol.send("Me!", false);
                assertEquals("carol", alice.waitForMessage(2).getDomAttribute("data-sender"));
                assertEquals("carol", bob.waitForMessage(2).getDomAttribute("data-sender"));

                // The member list: alice is the admin. She adds dave, makes bob an admin, and removes carol.
                alice.click(alice.selector("members"));
                alice.waitUntil(d -> memberRole(alice, "alice").equals("admin") && memberRole(alice, "bob").equals("member")
                        && memberRole(alice, "carol").equals("member"));
                alice.click(alice.selector("add-member"));
                alice.click(By.cssSelector("#add-candidates [data-testid='group-candidate'][data-username='dave']"));
                alice.waitUntil(d -> memberRole(alice, "dave").equals("member"));
                bob.waitUntil(d -> bob.waitForSystemMessages(2).stream().anyMatch(t -> t.contains("dave")));

                alice.click(By.cssSelector("[data-testid='member'][data-username='bob'] [data-testid='promote']"));
                alice.waitUntil(d -> memberRole(alice, "bob").equals("admin"));
                bob.click(bob.selector("members"));
                bob.waitUntil(d -> memberRole(bob, "bob").equals("admin"));
                bob.emulate(360, 740, false);
                bob.screenshot("group-members-360");
                bob.click(By.id("members-close"));
                bob.screenshot("group-360");
                bob.emulate(360, 740, true);
                bob.screenshot("group-360-dark");
                bob.emulate(0, 0, false);

                alice.click(By.cssSelector("[data-testid='member'][data-username='carol'] [data-testid='remove-member']"));
                alice.waitUntil(d -> d.findElements(By.cssSelector("[data-testid='member'][data-username='carol']")).isEmpty());
                // carol's list loses the group or shows it ended, and she can no longer write in it.
                carol.waitUntil(d -> d.findElements(Browser.conversationItem(group)).stream()
                        .allMatch(item -> "true".equals(item.getDomAttribute("data-ended"))));
                carol.waitUntil(d -> !d.findElement(carol.selector("composer")).isDisplayed());
                carol.screenshot("removed");
                alice.click(By.id("members-close"));
                alice.screenshot("group");

                // After a reload (the list names members but not roles) alice still sees who is admin, and her buttons.
                alice.testId("composer").sendKeys(Keys.ESCAPE); // closes it, so the reload opens nothing by itself
                alice.waitUntil(d -> !d.findElement(alice.selector("composer")).isDisplayed());
                alice.driver().navigate().refresh();
                alice.openConversation(group, "Trip");
                alice.click(alice.selector("members"));
                alice.waitUntil(d -> memberRole(alice, "bob").equals("admin") && memberRole(alice, "alice").equals("admin"));
                alice.testId("add-member");
                alice.waitUntil(d -> !d.findElements(By.cssSelector("[data-testid='member'][data-username='dave'] [data-testid='remove-member']")).isEmpty());
                for (Browser window : List.of(bob, carol, alice)) {
                    window.assertNoAlert();
                }
            } finally {
                bob.screenshot();
                carol.screenshot();
                alice.screenshot();
            }
        }
    }

    @Test
    @Timeout(150)
    void olderMessagesArePagedInBySeqWhenScrollingUp(@TempDir Path temp) throws IOException {
        assumeTrue(Browser.available(), "needs /usr/bin/chromium and /usr/bin/chromedriver (Debian: chromium chromium-driver)");
        int count = 75; // more than one page (50)
        try (DevServer server = DevServer.start(env(temp));
                Browser bob = Browser.open("bob-history", temp, server.httpPort());
                Browser alice = Browser.open("alice-history", temp, server.httpPort())) {
            try {
                bob.signUp("bob");
                alice.signUp("alice");
                // alice's page writes them over a WebSocket of its own (same cookie, same origin), a few at a
                // time so the server's frame limit is not what is tested, and waits for every ack.
                Object acked = alice.script("""
                        const [to, count] = arguments;
                        return fetch('/config.json').then(r => r.json()).then(config => new Promise((resolve, reject) => {
                          const url = config.wsPort ? `ws://${location.hostname}:${config.wsPort}/ws` : `ws://${location.host}/ws`;
                          const socket = new WebSocket(url);
                          let acks = 0;
                          socket.onmessage = (event) => {
                            const frame = JSON.parse(event.data);
                            if (frame.type === 'ack' && ++acks === count) { socket.close(); resolve(acks); }
                            if (frame.type === 'error') reject(new Error(event.data));
                          };
                          socket.onopen = async () => {
                            for (let i = 1; i <= count; i++) {
                              socket.send(JSON.stringify({ type: 'chat msg', receiver: to, message: `number ${i}`, clientMsgId: `history-${i}` }));
                              if (i % 5 === 0) await new Promise(r => setTimeout(r, 120));
                            }
                          };
                          socket.onerror = () => reject(new Error('socket failed'));
                        }));
                        """, "bob", count);
                assertEquals(count, ((Number) acked).intValue());

                String conversation = Browser.direct("alice", "bob");
                bob.waitUntil(d -> String.valueOf(count).equals(bob.unread(conversation)));
                bob.openConversation(conversation, "alice");
                bob.waitUntil(d -> bob.messages().size() >= 50);
                // Scrolling to the top asks for the page before the oldest seq shown, until the first message.
                new WebDriverWait(bob.driver(), Duration.ofSeconds(30)).until(d -> {
                    bob.script("document.querySelector('[data-testid=\"conversation\"]').scrollTop = 0;");
                    return bob.messages().size() == count;
                });
                List<String> seqs = bob.messages().stream().map(m -> m.getDomAttribute("data-seq")).toList();
                List<String> expected = java.util.stream.IntStream.rangeClosed(1, count).mapToObj(String::valueOf).toList();
                assertEquals(expected, seqs, "every message once, in seq order");
                assertTrue(Browser.text(bob.messages().get(0)).contains("number 1"));
            } finally {
                bob.screenshot();
                alice.screenshot();
            }
        }
    }

    /** The data-role of a member in the open member list, or "" when not listed. */
    private static String memberRole(Browser browser, String username) {
        return browser.driver().findElements(By.cssSelector("[data-testid='member'][data-username='" + username + "']"))
                .stream().map(e -> e.getDomAttribute("data-role")).findFirst().orElse("");
    }
}
