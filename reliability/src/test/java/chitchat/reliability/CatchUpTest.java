package chitchat.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Catching up after a fault pages through {@code GET /api/messages?after=}; the server starts each page a few
 * seconds before {@code after} (ids from different instances are ordered by time only roughly). A user who got
 * more than a page of messages within those seconds, as after an outage under load, must still get to the end.
 */
@Timeout(120)
class CatchUpTest extends FaultTest {

    private static final int MESSAGES = 300; // more than a page (200), sent within a second or two

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
        bob.catchUp("");
        Waits.await("bob's catch-up ends", Duration.ofSeconds(30), () -> bob.caughtUp(1), bob::toString);
        assertEquals(List.of(), bob.problems());
        assertEquals(List.of(), Device.missing(bob, Device.acked(List.of(alice))));
    }
}
