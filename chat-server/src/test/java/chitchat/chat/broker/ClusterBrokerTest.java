package chitchat.chat.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chitchat.testbed.LocalRedisCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The cluster broker on its own, over a real 3+3 Redis Cluster: two brokers (two instances) deliver to each other's
 * users on every shard; a migrated slot resyncs only its users and delivery continues; a killed primary's users
 * are resynced once its replica has taken over, and only they. The tests run in order: each changes the cluster.
 */
@Timeout(120)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterBrokerTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static LocalRedisCluster redis;
    private static Recorder a;
    private static Recorder b;
    private static ClusterBroker brokerA;
    private static ClusterBroker brokerB;
    /** Users whose channels fall on different shards (a name per primary, and more). */
    private static final List<String> USERS = List.of("u0", "u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8", "u9");

    /** A Delivery that records what reached it. */
    static final class Recorder implements Broker.Delivery {
        final BlockingQueue<String> delivered = new LinkedBlockingQueue<>();
        final List<String> resynced = new CopyOnWriteArrayList<>();
        final Set<String> everything = ConcurrentHashMap.newKeySet();

        @Override
        public void deliver(String user, String payload) {
            delivered.add(user + ":" + payload);
        }

        @Override
        public void resync() {
            resynced.add("*");
        }

        @Override
        public void resync(Collection<String> users) {
            resynced.addAll(users);
        }

        String next() throws InterruptedException {
            String got = delivered.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (got == null) {
                throw new AssertionError("nothing delivered within " + WAIT);
            }
            return got;
        }
    }

    @BeforeAll
    static void start() {
        Assumptions.assumeTrue(LocalRedisCluster.available(), "needs redis-server 7+ and redis-cli (apt-get install redis-server redis-tools)");
        redis = LocalRedisCluster.start(31200);
        a = new Recorder();
        b = new Recorder();
        brokerA = new ClusterBroker(new Topology(List.of(redis.seeds().split(",")), false), a);
        // B beats fast, so that the frozen-primary test need not wait out the production deadline of 15 s.
        brokerB = new ClusterBroker(new Topology(List.of(redis.seeds().split(",")), false), b, Duration.ofMillis(500), Duration.ofSeconds(2));
        USERS.forEach(brokerB::subscribe);
    }

    @AfterAll
    static void stop() {
        if (brokerA != null) {
            brokerA.close();
            brokerB.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    private static Set<Integer> ownersOf(List<String> users) {
        Set<Integer> ports = new java.util.HashSet<>();
        users.forEach(u -> ports.add(redis.ownerOf(SlotMap.slot(Broker.channel(u))).port()));
        return ports;
    }

    @Test
    @Order(1)
    void deliversToUsersOnEveryShardOnce() throws InterruptedException {
        assertEquals(3, ownersOf(USERS).size(), "the test users cover all three shards");
        assertEquals(USERS.size(), brokerB.subscriptions());
        for (String user : USERS) {
            assertTrue(brokerA.publish(user, "hello " + user));
        }
        Set<String> got = new java.util.HashSet<>();
        for (int i = 0; i < USERS.size(); i++) {
            got.add(b.next());
        }
        assertEquals(Set.copyOf(USERS.stream().map(u -> u + ":hello " + u).toList()), got);
        assertEquals(null, b.delivered.poll(500, TimeUnit.MILLISECONDS), "nothing twice");
        awaitTrue(() -> brokerA.health().up() && brokerB.health().up(), "both healthy");
    }

    @Test
    @Order(2)
    void aMigratedSlotIsResubscribedAtItsNewOwnerAndOnlyItsUsersResync() throws InterruptedException {
        String moved = "u3";
        int slot = SlotMap.slot(Broker.channel(moved));
        int from = redis.ownerOf(slot).port();
        int to = redis.nodes().stream().filter(n -> n.primary() && !n.failed() && n.port() != from).findFirst().orElseThrow().port();
        b.resynced.clear();
        redis.migrateSlot(slot, to);
        awaitTrue(() -> b.resynced.contains(moved), "the moved user is resynced");
        List<String> sameSlot = USERS.stream().filter(u -> SlotMap.slot(Broker.channel(u)) == slot).toList();
        assertEquals(Set.copyOf(sameSlot), Set.copyOf(b.resynced), "only the moved slot's users resync");
        brokerA.publish(moved, "after the move");
        assertEquals(moved + ":after the move", b.next());
        for (String user : USERS) {
            brokerA.publish(user, "all " + user);
        }
        Set<String> got = new java.util.HashSet<>();
        for (int i = 0; i < USERS.size(); i++) {
            got.add(b.next());
        }
        assertEquals(USERS.size(), got.size());
        assertEquals(USERS.size(), brokerB.subscriptions());
    }

    /**
     * {@code redis-cli --cluster reshard} as an operator runs it: it moves a primary's lowest slots, so a user is made
     * up whose channel falls among them. Every user of the moved slots, and only they, resync; delivery goes on.
     */
    @Test
    @Order(3)
    void aReshardMovesSeveralSlotsAndOnlyTheirUsersResync() throws InterruptedException {
        int count = 20;
        var from = redis.nodes().stream().filter(n -> n.primary() && !n.failed()).findFirst().orElseThrow();
        var to = redis.nodes().stream().filter(n -> n.primary() && !n.failed() && n.port() != from.port()).findFirst().orElseThrow();
        Set<Integer> lowest = new java.util.TreeSet<>();
        from.slots().stream().sorted(java.util.Comparator.comparingInt(r -> r[0])).forEach(r -> {
            for (int slot = r[0]; slot <= r[1] && lowest.size() < count; slot++) {
                lowest.add(slot);
            }
        });
        String user = java.util.stream.IntStream.range(0, 1_000_000).mapToObj(i -> "rs" + i)
                .filter(u -> lowest.contains(SlotMap.slot(Broker.channel(u)))).findFirst().orElseThrow();
        brokerB.subscribe(user);
        b.resynced.clear();
        redis.reshard(from.port(), to.port(), count);
        List<String> moved = new ArrayList<>(USERS.stream().filter(u -> lowest.contains(SlotMap.slot(Broker.channel(u)))).toList());
        moved.add(user);
        awaitTrue(() -> b.resynced.containsAll(moved), "the resharded slots' users are resynced");
        assertEquals(Set.copyOf(moved), Set.copyOf(b.resynced), "only they");
        assertEquals(to.port(), redis.ownerOf(SlotMap.slot(Broker.channel(user))).port(), "the slot did move");
        b.delivered.clear();
        brokerA.publish(user, "resharded");
        assertEquals(user + ":resharded", b.next());
        brokerB.unsubscribe(user);
    }

    @Test
    @Order(4)
    void aKilledPrimarysUsersResyncOnceItsReplicaTookOver() throws InterruptedException {
        String victim = "u0";
        int slot = SlotMap.slot(Broker.channel(victim));
        int port = redis.ownerOf(slot).port();
        List<String> shard = USERS.stream().filter(u -> redis.ownerOf(SlotMap.slot(Broker.channel(u))).port() == port).toList();
        b.resynced.clear();
        long started = System.nanoTime();
        redis.killPrimaryOf(slot, 30);
        awaitTrue(() -> b.resynced.containsAll(shard), "the failed shard's users are resynced");
        assertEquals(Set.copyOf(shard), Set.copyOf(b.resynced), "only the failed shard's users resync");
        // Publishing resumes within seconds, to every shard.
        List<String> sent = new ArrayList<>();
        for (String user : USERS) {
            brokerA.publish(user, "after failover " + user);
            sent.add(user + ":after failover " + user);
        }
        Set<String> got = new java.util.HashSet<>();
        for (int i = 0; i < USERS.size(); i++) {
            got.add(b.next());
        }
        assertEquals(Set.copyOf(sent), got);
        System.out.printf("[cluster] failover to delivery: %d ms%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        awaitTrue(() -> brokerB.health().up(), "healthy again");
    }

    /**
     * A primary that stops answering without closing its sockets (SIGSTOP; it has no replica left after the previous
     * test, so the cluster cannot fail it over): only the echo heartbeat can tell. The link is dropped, and once the
     * node answers again it is resubscribed and its users alone resync. Without the heartbeat the old socket would
     * just carry on after the thaw, and what was published meanwhile would never be caught up.
     */
    @Test
    @Order(5)
    void aFrozenPrimaryIsFoundByTheHeartbeatAndItsUsersResync() throws InterruptedException {
        var orphan = redis.nodes().stream().filter(n -> n.primary() && !n.failed()
                && redis.nodes().stream().noneMatch(r -> !r.primary() && !r.failed() && r.replicaOf(n.id()))).findFirst().orElseThrow();
        List<String> shard = USERS.stream().filter(u -> orphan.owns(SlotMap.slot(Broker.channel(u)))).toList();
        assertTrue(!shard.isEmpty(), "some test user is on the primary without a replica");
        b.resynced.clear();
        redis.freeze(orphan.port());
        try {
            Thread.sleep(4000); // the deadline (2 s) and a beat or two
        } finally {
            redis.thaw(orphan.port());
        }
        awaitTrue(() -> b.resynced.containsAll(shard), "the frozen shard's users are resynced");
        assertEquals(Set.copyOf(shard), Set.copyOf(b.resynced), "only the frozen shard's users resync");
        b.delivered.clear();
        for (String user : USERS) {
            brokerA.publish(user, "thawed " + user);
        }
        Set<String> got = new java.util.HashSet<>();
        for (int i = 0; i < USERS.size(); i++) {
            got.add(b.next());
        }
        assertEquals(USERS.size(), got.size());
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + WAIT.toNanos() * 2;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within " + WAIT.multipliedBy(2));
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
