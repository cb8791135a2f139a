package chitchat.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import chitchat.launcher.DevServer;
import chitchat.store.EmbeddedMongo;
import chitchat.testbed.LocalRedis;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The browser client survives its server going away (issue 6): two instances share one store and one Redis, as in
 * production; Bob's instance is stopped while Alice, on the other one, keeps writing. Bob's window shows
 * {@code reconnecting}, and when his instance is back on the same address it shows {@code online} again and every
 * message sent meanwhile, each once, without a reload.
 */
class BrowserReconnectE2ETest {


    @Test
    @Timeout(150)
    void aWindowReconnectsAndCatchesUpOnWhatItMissed(@TempDir Path temp) throws IOException {
        assumeTrue(Browser.available(), "needs /usr/bin/chromium and /usr/bin/chromedriver (Debian: chromium chromium-driver)");
        int bobHttp = LocalRedis.freePort();
        int bobWs = LocalRedis.freePort();
        try (EmbeddedMongo store = EmbeddedMongo.inMemory();
                LocalRedis redis = LocalRedis.start();
                DevServer aliceServer = DevServer.start(SharedInstances.env(temp, "a", "reconnect", store, redis, 0, 0))) {
            DevServer bobServer = DevServer.start(SharedInstances.env(temp, "b", "reconnect", store, redis, bobHttp, bobWs));
            try (Browser bob = Browser.open("bob-reconnect", temp, bobHttp);
                    Browser alice = Browser.open("alice-reconnect", temp, aliceServer.httpPort())) {
                try {
                    bob.signUp("bob");
                    alice.signUp("alice");
                    alice.click(Browser.person("bob"));
                    alice.send("before the restart", false);
                    bob.click(Browser.person("alice"));
                    bob.waitForMessage(1);

                    bobServer.close();
                    bob.waitForText(bob.selector("connection-status"), "reconnecting");

                    for (String text : List.of("while you were away 1", "while you were away 2", "while you were away 3")) {
                        alice.send(text, false);
                    }
                    alice.waitUntil(d -> alice.messages().size() == 4
                            && alice.messages().stream().allMatch(m -> Browser.stored(m)));

                    bobServer = DevServer.start(SharedInstances.env(temp, "b", "reconnect", store, redis, bobHttp, bobWs));
                    bob.waitForText(bob.selector("connection-status"), "online");
                    bob.waitForMessage(4);
                    assertEquals(alice.messages().stream().map(m -> m.getDomAttribute("data-id")).toList(),
                            bob.messages().stream().map(m -> m.getDomAttribute("data-id")).toList(),
                            "bob shows every message alice sent, each once, in order");
                } finally {
                    alice.screenshot();
                    bob.screenshot();
                }
            } finally {
                bobServer.close();
            }
        }
    }

}
