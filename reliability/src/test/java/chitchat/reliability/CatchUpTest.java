package chitchat.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chitchat.json.Json;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A user who got more than a page of messages within a few seconds, as after an outage under load, must still
 * get to the end of them when catching up, both ways a client can:
 * <ul>
 *   <li>a v2 app (the browser, and {@link Device}) pages {@code GET /api/conversations/{id}/messages?after=<seq>};</li>
 *   <li>a v1 app pages {@code GET /api/messages?after=<id>}, where the server starts each page a few seconds before
 *       {@code after} (ids from different instances are ordered by time only roughly): a full page within those
 *       seconds must not keep it where it is.</li>
 * </ul>
 */
@Timeout(120)
class CatchUpTest extends FaultTest {

    private static final int MESSAGES = 300; // more than a page (200), sent within a second or two
    private static final int PAGE = 200;

    @Test
    void catchUpPagesPastMoreThanAPageOfMessagesWithinTheOverlap() {
        topology = new Topology("catch-up", 1, Map.of("WS_RATE_PER_SECOND", "5000", "WS_RATE_BURST", "5000"), List.of());
        topology.createUsers("alice", "bob");
        Device alice = connect("alice", 0);
        for (int n = 0; n < MESSAGES; n++) {
            while (alice.unacked().size() >= 64) {
                Waits.sleep(1);
            }
            alice.send("bob", "burst " + n);
        }
        Waits.await("all acked", Duration.ofSeconds(30), () -> alice.unacked().isEmpty(), alice::toString);

        // bob's app comes online afterwards and fetches everything, page by page.
        Device bob = connect("bob", 0);
        bob.catchUp();
        Waits.await("bob's catch-up ends", Duration.ofSeconds(30), () -> bob.caughtUp(1), bob::toString);
        assertEquals(List.of(), bob.problems());
        assertEquals(List.of(), Device.missing(bob, Device.acked(List.of(alice))));

        Set<String> v1 = v1CatchUp(topology.instance(0), topology.token("bob"));
        assertEquals(List.of(), alice.acks().values().stream().map(Device.Ack::id).filter(id -> !v1.contains(id)).toList(),
                "acked but not in bob's v1 catch-up");
    }

    /** As a v1 app catches up from nothing: pages of {@code after=<the last id of the page before>} until a short one. */
    private static Set<String> v1CatchUp(ChatProcess from, String token) {
        Set<String> ids = new HashSet<>();
        String cursor = "";
        for (int page = 0; page <= 200; page++) {
            HttpResponse<String> response = from.get("/api/messages?limit=" + PAGE + (cursor.isEmpty() ? "" : "&after=" + cursor), token);
            assertEquals(200, response.statusCode(), response.body());
            JsonArray msgs = Json.parseObject(response.body()).getAsJsonArray("msgs");
            String last = cursor;
            for (JsonElement element : msgs) {
                last = element.getAsJsonObject().get("id").getAsString();
                ids.add(last);
            }
            if (msgs.size() < PAGE) {
                return ids;
            }
            assertTrue(last.compareTo(cursor) > 0,
                    "no progress past after=" + cursor + ": a full page of " + PAGE + " lies within the server's overlap window");
            cursor = last;
        }
        throw new AssertionError("the v1 catch-up did not end after 200 pages");
    }
}
