package chitchat.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.Jedis;

/**
 * Redis goes away during traffic. The store is the source of truth, so sending never stops: every message is
 * still stored and acked. Live delivery stops meanwhile (pub/sub is at-most-once); when Redis is back each
 * instance resubscribes its users and sends {@code resync}, and the apps catch up with {@code after=}. Counted
 * per receiving device: every acked message is shown, once.
 *
 * <p>Two instances, four users: alice and carol on instance a, bob and dave on b, each talking across instances
 * and within one, ten messages a second each.
 */
@Timeout(120)
class RedisOutageTest extends FaultTest {

    private Traffic start(String name) {
        topology = new Topology(name, 2, Map.of(), List.of());
        topology.createUsers("alice", "bob", "carol", "dave");
        Device alice = connect("alice", 0);
        Device carol = connect("carol", 0);
        Device bob = connect("bob", 1);
        Device dave = connect("dave", 1);
        return new Traffic(Map.of(
                alice, List.of("bob", "carol"), bob, List.of("alice", "dave"),
                carol, List.of("dave", "alice"), dave, List.of("carol", "bob")), Duration.ofMillis(100));
    }

    /**
     * Redis is killed and restarted while everyone keeps sending. The instances reconnect each on its own backoff,
     * so for a while one is back and the other is not.
     */
    @Test
    void sendsAreStoredAndAckedDuringARedisOutageAndEveryReceiverCatchesUpAfterResync() {
        Traffic traffic = start("redis-outage");
        try {
            Waits.sleep(1500);
            topology.stopRedis();
            Waits.await("/healthz says 503 while the broker is down", Duration.ofSeconds(10),
                    () -> topology.instances().stream().allMatch(i -> i.health() != null && i.health().status() == 503),
                    () -> topology.instance(0).health());
            Waits.sleep(2500);
            topology.startRedis();
            Waits.await("every connection gets a resync once Redis is back", Duration.ofSeconds(30),
                    () -> devices.stream().allMatch(d -> d.resyncs() > 0), devices::toString);
            topology.instances().forEach(i -> i.awaitHealthy(Duration.ofSeconds(10)));
            Waits.sleep(1500);
        } finally {
            traffic.stop();
        }
        Waits.await("every message acked", Duration.ofSeconds(20), () -> devices.stream().allMatch(d -> d.unacked().isEmpty()), devices::toString);

        // Every message sent, during the outage too, was acked, and is stored exactly once.
        devices.forEach(d -> assertEquals(Map.of(), d.errors(), d.user() + " got error frames"));
        StoredMessages stored = new StoredMessages(topology, devices);
        Map<Device.Sent, Device.Ack> acked = Device.acked(devices);
        assertEquals(traffic.sent(), acked.size(), "every message sent is acked");
        stored.assertAckedAreStoredOnce(acked);
        assertEquals(acked.size(), stored.size(), "the store holds exactly the acked messages");
        // Every receiving device shows each of them, once.
        assertEveryAckedMessageShownOnce(stored);

        // The instances resubscribed: one subscriber per connected user again, and /healthz agrees.
        try (Jedis redis = topology.redisClient()) {
            assertEquals(Map.of("chat_alice", 1L, "chat_bob", 1L, "chat_carol", 1L, "chat_dave", 1L),
                    redis.pubsubNumSub("chat_alice", "chat_bob", "chat_carol", "chat_dave"));
        }
        for (ChatProcess instance : topology.instances()) {
            assertEquals(2, instance.health().figure("subscriptions"), instance.name() + ": " + instance.health());
        }
        long caughtUpOnly = devices.stream().mapToLong(d -> d.shown().size() - d.shownLive().size()).sum();
        assertTrue(caughtUpOnly > 0, "some messages could only be caught up, or the outage tested nothing");
        System.out.printf("[reliability] redis outage: %d sent and acked, %d shown only after a catch-up%n", acked.size(), caughtUpOnly);
    }

    /**
     * Instance a alone loses Redis (a partition; after a Redis restart the same happens while instances reconnect
     * at different moments, each on its own backoff) and traffic goes on. Its own users get a resync when it is
     * back; but bob and dave, on instance b, whose link never broke, must also get everything a stored meanwhile.
     */
    @Test
    void messagesFromAnInstanceCutOffFromRedisReachReceiversOnOthers() {
        Traffic traffic = start("redis-partition");
        try {
            Waits.sleep(1000);
            topology.partitionFromRedis(0);
            Waits.await("instance a says 503", Duration.ofSeconds(10),
                    () -> topology.instance(0).health() != null && topology.instance(0).health().status() == 503,
                    () -> topology.instance(0).health());
            Waits.sleep(2000);
            topology.reconnectRedis(0);
            Waits.await("instance a's connections get a resync", Duration.ofSeconds(30),
                    () -> devices.get(0).resyncs() > 0 && devices.get(1).resyncs() > 0, devices::toString);
            Waits.sleep(1000);
        } finally {
            traffic.stop();
        }
        Waits.await("every message acked", Duration.ofSeconds(20), () -> devices.stream().allMatch(d -> d.unacked().isEmpty()), devices::toString);
        StoredMessages stored = new StoredMessages(topology, devices);
        stored.assertAckedAreStoredOnce(Device.acked(devices));
        assertEveryAckedMessageShownOnce(stored);
    }
}
