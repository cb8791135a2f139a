package chitchat.chat;

import static chitchat.chat.testing.Api.enc;
import static chitchat.chat.testing.Api.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chitchat.chat.broker.Broker;
import chitchat.chat.testing.Api;
import chitchat.chat.testing.ChatCluster;
import chitchat.testbed.LocalRedisCluster;
import chitchat.testbed.WsClient;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * Two chat-server instances over a real 3-shard Redis Cluster (sharded Pub/Sub), one store, real sockets: direct
 * and group messages reach every device once; then, under traffic, a primary is killed and its replica takes over,
 * and a slot is migrated. Either way nothing acked is lost to the receiving client (live, or caught up from the
 * store after the {@code resync} it is sent), nothing is delivered twice, and users of the other shards are not
 * told to resync. The tests run in order: the last two change the cluster.
 */
@Timeout(120)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterDeliveryTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration QUIET = Duration.ofMillis(700);
    private static final int MESSAGES = 60;
    private static LocalRedisCluster redis;
    private static ChatCluster cluster;
    private static Api api;

    @BeforeAll
    static void start() {
        Assumptions.assumeTrue(LocalRedisCluster.available(), "needs redis-server 7+ and redis-cli (apt-get install redis-server redis-tools)");
        redis = LocalRedisCluster.start(31400); // ports 31400-31405, bus 31500-31505: clear of ClusterBrokerTest's
        cluster = new ChatCluster(2, Map.of("WS_RATE_PER_SECOND", "200", "WS_RATE_BURST", "200"), redis);
        cluster.createUsers("alice", "bob", "carol", "fsend", "frecv", "msend", "mrecv", "pwatcher", "pwatched");
        cluster.createUsers(IntStream.range(0, 20).mapToObj(i -> "other" + i).toArray(String[]::new));
        api = new Api(cluster);
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    private static int slotOf(String user) {
        return JedisClusterCRC16.getSlot(Broker.channel(user));
    }

    /** A user whose channel is on a different primary than {@code user}'s. */
    private static String onAnotherShard(String user) {
        int port = redis.ownerOf(slotOf(user)).port();
        return IntStream.range(0, 20).mapToObj(i -> "other" + i)
                .filter(u -> redis.ownerOf(slotOf(u)).port() != port).findFirst().orElseThrow();
    }

    private static boolean isMessage(JsonObject frame, String id) {
        return frame.get("type").getAsString().equals("chat msg") && frame.has("id") && id.equals(frame.get("id").getAsString());
    }

    @Test
    @Order(1)
    void directAndGroupMessagesReachEveryDeviceOnceAcrossInstances() {
        WsClient alice = cluster.connect(0, "alice");
        WsClient aliceOtherDevice = cluster.connect(1, "alice");
        WsClient bob = cluster.connect(1, "bob");
        WsClient bobOtherTab = cluster.connect(0, "bob");
        WsClient carol = cluster.connect(1, "carol");
        try {
            alice.chat("bob", "Hello over a cluster!", "c-1");
            String id = alice.next("ack", WAIT).get("id").getAsString();
            for (WsClient receiver : List.of(bob, bobOtherTab, aliceOtherDevice)) {
                assertEquals(id, receiver.next(f -> isMessage(f, id), WAIT).get("id").getAsString());
            }
            String group = api.group("alice", "Shards", "bob", "carol");
            carol.say(group, "to the group", "g-1");
            String groupId = carol.next("ack", WAIT).get("id").getAsString();
            for (WsClient member : List.of(alice, aliceOtherDevice, bob, bobOtherTab)) {
                // The group's creation notice comes first (a system message): skip to this one.
                assertEquals(groupId, member.next(f -> isMessage(f, groupId), WAIT).get("id").getAsString());
            }
            for (WsClient client : List.of(alice, aliceOtherDevice, bob, bobOtherTab, carol)) {
                assertEquals(List.of(), client.collect(QUIET, f -> isMessage(f, id) || isMessage(f, groupId)), "once");
            }
        } finally {
            List.of(alice, aliceOtherDevice, bob, bobOtherTab, carol).forEach(WsClient::close);
        }
    }

    /** Presence runs on the cluster too (its keys under {presence}, in one slot): across instances, both ways. */
    @Test
    @Order(2)
    void presenceIsSeenAcrossInstances() {
        ok(api.call(0, "POST", "/api/conversations", "pwatcher", Map.of("kind", "direct", "with", "pwatched")));
        WsClient watcher = cluster.connect(0, "pwatcher");
        try {
            watcher.sendJson(Map.of("type", "watch", "users", List.of("pwatched")));
            assertEquals(false, presenceOf(watcher, "pwatched").get("online").getAsBoolean());
            WsClient watched = cluster.connect(1, "pwatched");
            assertEquals(true, presenceOf(watcher, "pwatched").get("online").getAsBoolean(), "came online on the other instance");
            watched.close();
            assertEquals(false, presenceOf(watcher, "pwatched").get("online").getAsBoolean(), "went offline");
        } finally {
            watcher.close();
        }
    }

    private static JsonObject presenceOf(WsClient client, String user) {
        return client.next(f -> "presence".equals(f.get("type").getAsString()) && user.equals(f.get("user").getAsString()), WAIT);
    }

    @Test
    @Order(3)
    void aPrimaryKilledUnderTrafficLosesNothingAcked() {
        underTraffic("fsend", "frecv", at -> {
            long started = System.nanoTime();
            int killed = redis.killPrimaryOf(slotOf("frecv"), 30);
            System.out.printf("[cluster] killed primary %d after message %d; replica took over in %d ms%n",
                    killed, at, (System.nanoTime() - started) / 1_000_000);
        });
    }

    @Test
    @Order(4)
    void aSlotMigratedUnderTrafficLosesNothingAcked() {
        underTraffic("msend", "mrecv", at -> {
            int slot = slotOf("mrecv");
            int from = redis.ownerOf(slot).port();
            int to = redis.nodes().stream().filter(n -> n.primary() && !n.failed() && n.port() != from).findFirst().orElseThrow().port();
            redis.migrateSlot(slot, to);
            System.out.printf("[cluster] migrated slot %d from %d to %d after message %d%n", slot, from, to, at);
        });
    }

    /**
     * {@code sender} on instance 0 sends {@link #MESSAGES} messages to {@code receiver} on instance 1, and a third of
     * the way through {@code disruption} runs (on another thread). The receiver, as the browser client does, takes
     * what comes live and, after a {@code resync}, catches up from the store from its last contiguous seq.
     */
    private static void underTraffic(String sender, String receiver, IntConsumer disruption) {
        String bystander = onAnotherShard(receiver);
        WsClient from = cluster.connect(0, sender);
        WsClient to = cluster.connect(1, receiver);
        WsClient aside = cluster.connect(1, bystander);
        CompletableFuture<Void> disrupted = null;
        try {
            Set<String> acked = new HashSet<>();
            String conversation = null;
            for (int i = 0; i < MESSAGES; i++) {
                if (i == MESSAGES / 3) {
                    int at = i;
                    disrupted = CompletableFuture.runAsync(() -> disruption.accept(at));
                }
                from.chat(receiver, "m" + i, sender + "-" + i);
                JsonObject ack = from.next("ack", WAIT);
                acked.add(ack.get("id").getAsString());
                conversation = ack.get("conversation").getAsString();
                ChatCluster.sleep(50);
            }
            disrupted.join();
            // Once both instances say their broker is up again, delivery is live again.
            long recovering = System.nanoTime();
            cluster.awaitHealthy(WAIT);
            long healthyMs = (System.nanoTime() - recovering) / 1_000_000;
            from.chat(receiver, "after", sender + "-after");
            String after = from.next("ack", WAIT).get("id").getAsString();
            acked.add(after);

            List<String> live = new ArrayList<>();
            TreeSet<Long> seqs = new TreeSet<>();
            boolean resynced = false;
            long deadline = System.nanoTime() + WAIT.toNanos();
            boolean quiet = false;
            while (!quiet) { // until "after" has come (or the deadline), then one quiet window for strays and duplicates
                boolean done = live.contains(after) || System.nanoTime() > deadline;
                for (JsonObject frame : to.collect(done ? QUIET : Duration.ofMillis(200), f -> true)) {
                    String type = frame.get("type").getAsString();
                    if (type.equals("resync")) {
                        resynced = true;
                    } else if (type.equals("chat msg")) {
                        live.add(frame.get("id").getAsString());
                        seqs.add(frame.get("seq").getAsLong());
                    }
                }
                quiet = done;
            }
            assertEquals(live.size(), Set.copyOf(live).size(), "no message delivered twice live");
            assertTrue(live.contains(after), "live delivery resumed after the disruption");
            assertTrue(resynced, "the receiver's shard was disrupted: it is told to catch up");
            Set<String> seen = new HashSet<>(live);
            if (resynced) {
                long synced = 0;
                while (seqs.contains(synced + 1)) {
                    synced++;
                }
                JsonObject page = ok(cluster.get(1, "/api/conversations/" + enc(conversation) + "/messages?after=" + synced,
                        cluster.token(receiver)));
                for (JsonElement m : page.getAsJsonArray("msgs")) {
                    seen.add(m.getAsJsonObject().get("id").getAsString());
                }
            }
            Set<String> lost = new HashSet<>(acked);
            lost.removeAll(seen);
            assertEquals(Set.of(), lost, "every acked message reached the receiver, live or by catch-up");
            System.out.printf("[cluster] %s: %d acked, %d live, resync %s, both brokers healthy %d ms after the disruption ended%n",
                    receiver, acked.size(), live.size(), resynced, healthyMs);
            assertEquals(List.of(), aside.collect(QUIET, f -> f.get("type").getAsString().equals("resync")),
                    "a user on another shard is not told to resync");
        } finally {
            if (disrupted != null) {
                disrupted.join();
            }
            List.of(from, to, aside).forEach(WsClient::close);
        }
    }
}
