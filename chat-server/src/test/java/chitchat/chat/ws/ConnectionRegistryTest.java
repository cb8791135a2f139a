package chitchat.chat.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chitchat.chat.metrics.ChatMetrics;
import chitchat.chat.broker.Broker;
import chitchat.config.Env;
import chitchat.http.Health;
import chitchat.token.Tokens;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The registry keeps one subscription per connected user, in the order connections come and go, and never makes
 * one user wait for another's subscription (a network call). The broker here is a recorder whose calls take time,
 * as Redis's do; the connections are real {@link Connection}s without a socket (the registry only needs their user).
 */
@Timeout(60)
class ConnectionRegistryTest {

    /** Records subscribe/unsubscribe per user in order; each call takes a moment, like a round trip to Redis. */
    private static final class SlowRecordingBroker implements Broker {
        final List<String> calls = Collections.synchronizedList(new ArrayList<>());
        volatile CountDownLatch holdSubscribeOf = null;
        volatile String held = null;

        @Override
        public void subscribe(String user) {
            calls.add("subscribe " + user);
            if (user.equals(held)) {
                try {
                    holdSubscribeOf.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            } else {
                pause();
            }
        }

        @Override
        public void unsubscribe(String user) {
            calls.add("unsubscribe " + user);
            pause();
        }

        private static void pause() {
            try {
                Thread.sleep(0, 200_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public boolean publish(String user, String payload) {
            return true;
        }

        @Override
        public Health.Check health() {
            return new Health.Check(true, "test");
        }

        @Override
        public int subscriptions() {
            return 0;
        }

        @Override
        public void close() {
        }
    }

    private final Limits limits = Limits.from(new Env(Map.of()));
    private final ChatMetrics metrics = new ChatMetrics(new SimpleMeterRegistry());

    private Connection connection(String user) {
        return new Connection(null, new Tokens.Session(user, Instant.now().plusSeconds(3600), "s-" + System.nanoTime(), Instant.now()),
                limits, metrics);
    }

    @Test
    void racingFirstConnectsAndLastDisconnectsOfOneUserLeaveSubscriptionsInStep() throws Exception {
        SlowRecordingBroker broker = new SlowRecordingBroker();
        ConnectionRegistry registry = new ConnectionRegistry();
        registry.attach(broker);
        for (int round = 0; round < 200; round++) {
            // Two devices of one user open and close at once, over and over: each round ends with none connected.
            Connection phone = connection("ann");
            Connection laptop = connection("ann");
            CountDownLatch go = new CountDownLatch(1);
            Thread a = Thread.ofVirtual().start(() -> cycle(registry, phone, go));
            Thread b = Thread.ofVirtual().start(() -> cycle(registry, laptop, go));
            go.countDown();
            a.join();
            b.join();
            assertEquals(0, registry.connections());
        }
        // Strictly alternating: never two subscribes (or two unsubscribes) in a row, and unsubscribed at the end.
        List<String> calls = List.copyOf(broker.calls);
        for (int i = 0; i < calls.size(); i++) {
            assertEquals(i % 2 == 0 ? "subscribe ann" : "unsubscribe ann", calls.get(i), "call " + i + " of " + calls);
        }
        assertTrue(calls.size() >= 200, "at least one subscription per round: " + calls.size());
        assertEquals(0, registry.users(), "no empty entry left behind");
    }

    private static void cycle(ConnectionRegistry registry, Connection connection, CountDownLatch go) {
        try {
            go.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        registry.add(connection);
        Thread.yield();
        registry.remove(connection);
    }

    @Test
    void aSlowSubscriptionHoldsUpNoOtherUser() throws Exception {
        SlowRecordingBroker broker = new SlowRecordingBroker();
        ConnectionRegistry registry = new ConnectionRegistry();
        registry.attach(broker);
        broker.holdSubscribeOf = new CountDownLatch(1);
        broker.held = "ann";
        Thread ann = Thread.ofVirtual().start(() -> registry.add(connection("ann")));
        // Wait until ann's subscription is under way (and stuck), then connect many others: names enough that some
        // share ann's bin of the map, which a subscription inside the map's compute would lock.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!broker.calls.contains("subscribe ann") && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        long started = System.nanoTime();
        for (int i = 0; i < 64; i++) {
            registry.add(connection("user" + i));
        }
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertTrue(tookMillis < 2000, "others' connects waited for ann's subscription: " + tookMillis + " ms");
        assertEquals(65, registry.users(), "ann counts as connecting");
        broker.holdSubscribeOf.countDown();
        ann.join();
        assertEquals(65, registry.connections());
    }
}
