package chitchat.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chitchat.testbed.LoopbackHttp;
import chitchat.testbed.WsClient;
import com.google.gson.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An instance is SIGKILLed while bob is connected to it: it never closes his connection, so no instance hears him
 * leave. The survivors' sweep finds its alive key expired and shows bob offline to alice, who watches him on the
 * other instance, within the contract's 60 seconds (here with {@code PRESENCE_TTL_SECONDS=6}: within 9 s), and
 * stores his lastSeen then.
 */
@Timeout(120)
class PresenceCrashTest extends FaultTest {

    @Test
    void usersOfAKilledInstanceAreShownOfflineToTheirWatchers() throws Exception {
        topology = new Topology("presence-crash", 2, Map.of("PRESENCE_TTL_SECONDS", "6"), List.of());
        topology.createUsers("alice", "bob");
        ChatProcess doomed = topology.instance(0);
        ChatProcess survivor = topology.instance(1);
        HttpResponse<String> direct = LoopbackHttp.send(LoopbackHttp.request(survivor.httpPort(), "POST", "/api/conversations",
                topology.token("alice"), Map.of("kind", "direct", "with", "bob")));
        assertEquals(200, direct.statusCode(), direct.body());

        WsClient bob = WsClient.connect(doomed.wsPort(), topology.token("bob"));
        WsClient alice = WsClient.connect(survivor.wsPort(), topology.token("alice"));
        try {
            alice.sendJson(Map.of("type", "watch", "users", List.of("bob")));
            assertTrue(alice.next("presence", Duration.ofSeconds(5)).get("online").getAsBoolean());

            doomed.kill();
            long killedAt = System.nanoTime();
            JsonObject offline = alice.next("presence", Duration.ofSeconds(30));
            long tookMillis = (System.nanoTime() - killedAt) / 1_000_000;
            assertFalse(offline.get("online").getAsBoolean(), offline.toString());
            assertEquals("bob", offline.get("user").getAsString());
            assertTrue(tookMillis < 12_000, "offline within 1.5 TTL (9 s) and a little: took " + tookMillis + " ms");
            assertFalse(offline.get("lastSeen").isJsonNull(), offline.toString());
            Document stored = topology.users().find(new Document("username", "bob")).first();
            assertNotNull(stored.getDate("lastSeen"), "the sweep writes lastSeen");
        } finally {
            alice.close();
            bob.close();
        }
    }
}
