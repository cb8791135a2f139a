package chitchat.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chitchat.testbed.LoopbackHttp;
import chitchat.testbed.RawWebSocket;
import chitchat.token.JwtSecret;
import chitchat.token.Tokens;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.Jedis;

/**
 * Thousands of connections open and close on two instances, with a clean close or a vanished TCP connection,
 * while other connections of the same users stay open. Afterwards no registration or Redis subscription is left
 * behind, those that should stay did, and {@code /healthz} and Redis both say so.
 */
@Timeout(180)
class ChurnTest extends FaultTest {

    private static final int CYCLES = 2000;
    private static final int WORKERS = 8;
    private static final int USERS = 20;

    /** Clients that go once the server has registered them (it answered a first frame): the usual case. */
    @Test
    void thousandsOfConnectDisconnectCyclesLeaveNoRegistrationOrSubscriptionBehind() throws Exception {
        churn("churn", List.of(Way.REGISTERED_THEN_VANISH, Way.REGISTERED_THEN_CLOSE), Map.of());
    }

    /**
     * Clients that go right after the handshake, before the server registered them: a tab closed while it
     * connects, a network that drops at that moment.
     */
    @Test
    void clientsLeavingRightAfterTheHandshakeLeaveNoRegistrationOrSubscriptionBehind() throws Exception {
        churn("churn-early-leavers", List.of(Way.VANISH_AT_ONCE, Way.CLOSE_AT_ONCE), Map.of());
    }

    /** How a churning client leaves. */
    private enum Way { VANISH_AT_ONCE, CLOSE_AT_ONCE, REGISTERED_THEN_VANISH, REGISTERED_THEN_CLOSE }

    private void churn(String name, List<Way> ways, Map<String, String> env) throws Exception {
        topology = new Topology(name, 2, env, List.of());
        List<String> users = new ArrayList<>();
        for (int i = 0; i < USERS; i++) {
            users.add("churner" + i);
        }
        topology.createUsers(users.toArray(String[]::new));
        Map<String, String> tokens = new ConcurrentHashMap<>();
        users.forEach(u -> tokens.put(u, topology.token(u)));
        // Two users keep a connection open throughout, on each instance, while their other connections churn.
        Device stayA = connect("churner0", 0);
        Device stayB = connect("churner1", 1);

        AtomicInteger done = new AtomicInteger();
        Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < WORKERS; w++) {
            workers.add(Thread.ofVirtual().start(() -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                while (System.nanoTime() < deadline) {
                    int cycle = done.get();
                    if (cycle >= CYCLES) {
                        return;
                    }
                    String user = users.get(random.nextInt(USERS));
                    ChatProcess instance = topology.instance(random.nextInt(2));
                    try {
                        cycle(instance, tokens.get(user), ways.get(cycle % ways.size()));
                        done.incrementAndGet();
                    } catch (IOException | RuntimeException e) {
                        failures.computeIfAbsent(e.getClass().getSimpleName() + ": " + e.getMessage(), k -> new AtomicInteger()).incrementAndGet();
                        done.incrementAndGet();
                    }
                }
            }));
        }
        for (Thread t : workers) {
            t.join(Duration.ofSeconds(120));
        }
        assertTrue(done.get() >= CYCLES, "only " + done.get() + " cycles within the time bound");
        int failed = failures.values().stream().mapToInt(AtomicInteger::get).sum();
        assertTrue(failed <= CYCLES / 100, "cycles that failed: " + failures);

        // A few refused handshakes too: a forged token and one in a Basic header must leave nothing either (and
        // appear in no log).
        refusedHandshakes();

        // Only the two connections that stayed are left, with their users' subscriptions, within a few seconds:
        // well before the heartbeat (WS_PING_SECONDS, 30 s) would find a dead peer.
        List<List<Integer>> rightAfter = topology.instances().stream().map(ChurnTest::figures).toList();
        for (int i = 0; i < 2; i++) {
            ChatProcess instance = topology.instance(i);
            Waits.await(instance.name() + " has one connection, one user, one subscription left (right after the churn: "
                    + rightAfter + ")", Duration.ofSeconds(10), () -> figures(instance).equals(List.of(1, 1, 1)), () -> instance.health().body());
        }
        try (Jedis redis = topology.redisClient()) {
            Map<String, Long> subscribers = redis.pubsubNumSub(users.stream().map(u -> "chat_" + u).toArray(String[]::new));
            subscribers.forEach((channel, count) -> assertEquals(channel.equals("chat_churner0") || channel.equals("chat_churner1") ? 1L : 0L,
                    count, channel + " subscribers"));
        }
        // They still work: each gets the other's message, across instances.
        Device.Sent ab = stayA.send("churner1", "after the churn");
        Device.Sent ba = stayB.send("churner0", "after the churn too");
        Waits.await("delivered after the churn", Duration.ofSeconds(10),
                () -> stayA.acks().containsKey(ab.clientMsgId()) && stayB.acks().containsKey(ba.clientMsgId())
                        && stayB.shownLive().contains(stayA.acks().get(ab.clientMsgId()).id())
                        && stayA.shownLive().contains(stayB.acks().get(ba.clientMsgId()).id()), devices::toString);

        // And when they close too, nothing is left at all: no connection, no user, no subscription, in Redis either.
        stayA.close();
        stayB.close();
        for (ChatProcess instance : topology.instances()) {
            Waits.await(instance.name() + " empty", Duration.ofSeconds(30), () -> figures(instance).equals(List.of(0, 0, 0)),
                    () -> instance.health().body());
        }
        try (Jedis redis = topology.redisClient()) {
            assertEquals(List.of(), redis.pubsubChannels("chat_*"), "user channels still subscribed in Redis");
        }
        System.out.printf("[reliability] churn: %d cycles (%s) on 2 instances, %d failed (%s)%n", done.get(), ways, failed, failures);
    }

    /** One connect/disconnect cycle. */
    private static void cycle(ChatProcess instance, String token, Way way) throws IOException {
        try (RawWebSocket ws = RawWebSocket.open(instance.wsPort(), token, 0)) { // a client that gives up goes too
            if (way == Way.REGISTERED_THEN_VANISH || way == Way.REGISTERED_THEN_CLOSE) {
                ws.sendText("{\"type\":\"ready?\"}");
                ws.readText(); // answered: the server has registered and subscribed this connection
            }
            if (way == Way.CLOSE_AT_ONCE || way == Way.REGISTERED_THEN_CLOSE) {
                ws.closeGracefully();
            } // else the TCP connection ends without a close frame
        }
    }

    /** {@code connections}, {@code users}, {@code subscriptions} from /healthz. */
    private static List<Integer> figures(ChatProcess instance) {
        ChatProcess.Health health = instance.health();
        return health == null ? List.of() : List.of(health.figure("connections"), health.figure("users"), health.figure("subscriptions"));
    }

    private void refusedHandshakes() throws IOException {
        String forged = new Tokens(JwtSecret.of("another-secret-another-secret-another-secret"), Duration.ofHours(1)).issue("churner2");
        topology.rememberSecret(forged);
        String basic = "Basic " + Base64.getEncoder().encodeToString(("churner2:" + Topology.PASSWORD).getBytes());
        for (ChatProcess instance : topology.instances()) {
            try {
                RawWebSocket.open(instance.wsPort(), forged, 0).close();
                throw new AssertionError("a forged token was accepted");
            } catch (IOException refused) {
                // as it should be
            }
            for (String authorization : List.of(basic, "Bearer " + forged)) {
                HttpResponse<String> response = LoopbackHttp.send(LoopbackHttp.request(instance.httpPort(),
                        "/api/messages?with=" + Topology.PASSWORD).header("Authorization", authorization));
                assertEquals(401, response.statusCode());
            }
        }
    }
}
