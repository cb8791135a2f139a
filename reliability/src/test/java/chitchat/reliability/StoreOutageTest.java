package chitchat.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.mongodb.client.model.Filters;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The store becomes unreachable (its process is killed) and comes back on the same port and data directory. While
 * it is gone, nothing is acked: every send is answered with an {@code error} frame ({@code store_unavailable}),
 * and {@code /healthz} says 503. When it is back the service recovers by itself, with no restart.
 */
@Timeout(150)
class StoreOutageTest extends FaultTest {

    @Test
    void sendsFailWithAnErrorNeverAnAckWhileTheStoreIsDownAndServiceRecoversByItself() {
        assumeTrue(System.getenv("MONGO_URI") == null || System.getenv("MONGO_URI").isBlank(),
                "needs the embedded store in its own process to kill it; MONGO_URI points elsewhere");
        topology = new Topology("store-outage", 1, Map.of(), List.of());
        topology.createUsers("alice", "bob", "carol");
        ChatProcess chat = topology.instance(0);
        Device alice = connect("alice", 0);
        Device bob = connect("bob", 0);

        Device.Sent before = alice.send("bob", "before the outage");
        Waits.await("the first message acked", Duration.ofSeconds(10), () -> alice.acks().containsKey(before.clientMsgId()), alice::toString);

        topology.storeProcess().kill();
        Waits.await("/healthz says 503 with the store down", Duration.ofSeconds(30),
                () -> chat.health() != null && chat.health().status() == 503, chat::health);
        assertEquals("down", chat.health().body().get("store").getAsString());

        // bob is a known receiver (cached); carol is looked up in the store first: both paths fail cleanly.
        List<Device.Sent> during = List.of(alice.send("bob", "during the outage 1"), alice.send("carol", "during the outage 2"),
                alice.send("bob", "during the outage 3"));
        Waits.await("an error frame for every send", Duration.ofSeconds(60),
                () -> during.stream().allMatch(m -> alice.errors().containsKey(m.clientMsgId())), alice::toString);
        during.forEach(m -> assertEquals("store_unavailable", alice.errors().get(m.clientMsgId()), m.clientMsgId()));
        assertEquals(List.of(), alice.otherErrors());
        assertEquals(Map.of(), bob.errors());

        topology.storeProcess().restart();
        chat.awaitHealthy(Duration.ofSeconds(60));
        Device.Sent after = alice.send("bob", "after the outage");
        Waits.await("a send after the store is back is acked", Duration.ofSeconds(20),
                () -> alice.acks().containsKey(after.clientMsgId()), alice::toString);
        Waits.await("and delivered", Duration.ofSeconds(10),
                () -> bob.shownLive().contains(alice.acks().get(after.clientMsgId()).id()), bob::toString);

        // Never an ack for what failed, not even late; and none of it in the store. The connections lived through it.
        during.forEach(m -> assertFalse(alice.acks().containsKey(m.clientMsgId()), m.clientMsgId() + " was acked"));
        for (Device.Sent m : during) {
            assertEquals(0, topology.messages().countDocuments(Filters.eq("clientMsgId", m.clientMsgId())), m.clientMsgId() + " stored");
        }
        assertEquals(1, topology.messages().countDocuments(Filters.eq("clientMsgId", after.clientMsgId())));
        assertEquals(List.of(), alice.closeCodes());
        assertEquals(List.of(), bob.closeCodes());
        assertEquals(List.of(), alice.problems());
    }

    /** Acked means stored: a store that crashes right after an ack still has the message when it is back. */
    @Test
    void messagesAckedJustBeforeTheStoreCrashesAreStillStoredAfterIt() {
        assumeTrue(System.getenv("MONGO_URI") == null || System.getenv("MONGO_URI").isBlank(),
                "needs the embedded store in its own process to kill it; MONGO_URI points elsewhere");
        topology = new Topology("store-crash", 1, Map.of(), List.of());
        topology.createUsers("alice", "bob");
        Device alice = connect("alice", 0);
        for (int i = 0; i < 20; i++) {
            alice.send("bob", "acked before the crash " + i);
        }
        Waits.await("all acked", Duration.ofSeconds(20), () -> alice.unacked().isEmpty(), alice::toString);
        topology.storeProcess().kill();
        topology.storeProcess().restart();
        topology.instance(0).awaitHealthy(Duration.ofSeconds(60));
        StoredMessages stored = new StoredMessages(topology, devices);
        stored.assertAckedAreStoredOnce(Device.acked(devices));
        assertEquals(20, stored.size());
    }
}
