package chitchat.chat.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chitchat.chat.broker.Broker;
import chitchat.chat.metrics.ChatMetrics;
import chitchat.config.Env;
import chitchat.http.Health;
import chitchat.json.Json;
import chitchat.token.Tokens;
import com.google.gson.JsonObject;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.java_websocket.WebSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One connection's rules, without a network: the rate limit and its strikes, typing's own allowance, a handler
 * that hands work off and goes on, and a close that refuses what came after it. The socket is a stand-in that
 * records what the connection sends and how it closes (the connection only sends, asks whether it is open, and
 * closes).
 */
@Timeout(30)
class ConnectionTest {

    /** What the connection did to its socket. */
    private static final class SocketRecord {
        final List<String> sent = new CopyOnWriteArrayList<>();
        volatile int closeCode = -1;
        volatile String closeReason;

        WebSocket socket() {
            return (WebSocket) Proxy.newProxyInstance(WebSocket.class.getClassLoader(), new Class<?>[] {WebSocket.class},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "send" -> {
                            if (args[0] instanceof String frame) {
                                sent.add(frame);
                            }
                            yield null;
                        }
                        case "isOpen" -> closeCode == -1;
                        case "close" -> {
                            if (args != null && args.length >= 1 && args[0] instanceof Integer code) {
                                closeCode = code;
                                closeReason = args.length > 1 ? (String) args[1] : null;
                            } else {
                                closeCode = 1000;
                            }
                            yield null;
                        }
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        case "toString" -> "socket stand-in";
                        default -> null;
                    });
        }

        List<JsonObject> errors() {
            return sent.stream().map(Json::parseObject).filter(f -> "error".equals(f.get("type").getAsString())).toList();
        }
    }

    private static final Broker NO_BROKER = new Broker() {
        @Override public void subscribe(String user) { }
        @Override public void unsubscribe(String user) { }
        @Override public boolean publish(String user, String payload) { return true; }
        @Override public Health.Check health() { return new Health.Check(true, "test"); }
        @Override public int subscriptions() { return 0; }
        @Override public void close() { }
    };

    private final SocketRecord record = new SocketRecord();
    private final ConnectionRegistry registry = new ConnectionRegistry();

    private Connection connection(Map<String, String> env) {
        registry.attach(NO_BROKER);
        return new Connection(record.socket(), new Tokens.Session("ann", Instant.now().plusSeconds(3600), "s1", Instant.now()),
                Limits.from(new Env(env)), new ChatMetrics(new SimpleMeterRegistry()));
    }

    private static String message(int i) {
        return Json.write(Map.of("type", "chat msg", "conversation", "g:1", "message", "m" + i, "clientMsgId", "c" + i));
    }

    @Test
    void framesOverTheRateLimitAreRefusedNamingThemAndTooManyRefusalsClose() throws Exception {
        Connection connection = connection(Map.of("WS_RATE_PER_SECOND", "1", "WS_RATE_BURST", "5"));
        AtomicInteger handled = new AtomicInteger();
        connection.start((from, frame) -> handled.incrementAndGet(), registry);
        for (int i = 0; i < 10; i++) {
            connection.received(message(i));
        }
        waitFor(() -> handled.get() == 5);
        List<JsonObject> errors = record.errors();
        assertEquals(5, errors.size(), "the five over the burst are refused: " + errors);
        for (int i = 0; i < 5; i++) {
            assertEquals("rate_limited", errors.get(i).get("error").getAsString());
            assertEquals("c" + (i + 5), errors.get(i).get("clientMsgId").getAsString(), "each refusal names its frame");
        }
        assertEquals(-1, record.closeCode, "refusals alone do not close");
        for (int i = 0; i < 40 && record.closeCode == -1; i++) { // 20 strikes, at 1 a second back: a flood runs out
            connection.received(message(100 + i));
        }
        assertEquals(1008, record.closeCode);
        assertEquals("too many messages", record.closeReason);
    }

    @Test
    void aFullInboxRefusesWhatDoesNotFitAsOverloadedAndNeverCloses() throws Exception {
        Connection connection = connection(Map.of("WS_RATE_PER_SECOND", "100000", "WS_RATE_BURST", "100000"));
        CountDownLatch busy = new CountDownLatch(1); // a server too busy to take the next frame
        AtomicInteger handled = new AtomicInteger();
        connection.start((from, frame) -> {
            try {
                busy.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            handled.incrementAndGet();
        }, registry);
        int sent = Limits.INBOX + 20;
        for (int i = 0; i < sent; i++) {
            connection.received(message(i));
        }
        waitFor(() -> record.errors().size() >= 19);
        List<JsonObject> errors = record.errors();
        assertTrue(errors.size() >= 19 && errors.size() <= 20, "what did not fit is refused: " + errors.size());
        for (JsonObject error : errors) {
            assertEquals("overloaded", error.get("error").getAsString());
            assertEquals(Limits.INBOX_FULL_RETRY_MS, error.get("retryAfterMs").getAsLong());
            assertTrue(error.get("clientMsgId").getAsString().matches("c1[2-4][0-9]"), "each refusal names its frame: " + error);
        }
        assertEquals(-1, record.closeCode, "a busy server never closes a client that keeps to its rate limit");
        busy.countDown();
        waitFor(() -> handled.get() == sent - errors.size());
        assertEquals(-1, record.closeCode);
    }

    @Test
    void typingHasItsOwnAllowanceAndWhatIsOverItVanishesWithoutAStrike() throws Exception {
        Connection connection = connection(Map.of("WS_RATE_PER_SECOND", "1", "WS_RATE_BURST", "5"));
        List<String> handled = new CopyOnWriteArrayList<>();
        connection.start((from, frame) -> handled.add(frame), registry);
        String typing = Json.write(Map.of("type", "typing", "conversation", "g:1"));
        for (int i = 0; i < 40; i++) { // far more than a client sends (one every 3 s), below a flood (50/s)
            connection.received(typing);
        }
        connection.received(message(1)); // the frame rate is untouched by typing: this one is within it
        waitFor(() -> handled.contains(message(1)));
        assertEquals(5, handled.stream().filter(typing::equals).count(), "the typing allowance's burst, no more");
        assertEquals(List.of(), record.errors(), "no answer for a dropped typing notice");
        assertEquals(-1, record.closeCode, "a few typing notices too many never close a connection");
    }

    @Test
    void aHandlerThatHandsWorkOffLetsTheConnectionReadOnWhileTheWorkWaits() throws Exception {
        Connection connection = connection(Map.of());
        CompletableFuture<Void> store = new CompletableFuture<>(); // a store that does not answer (yet)
        AtomicInteger started = new AtomicInteger();
        connection.start((from, frame) -> from.inFlight(() -> {
            started.incrementAndGet();
            return store;
        }), registry);
        for (int i = 0; i < 50; i++) { // within the burst of 60
            connection.received(message(i));
        }
        waitFor(() -> started.get() == 50);
        assertEquals(-1, record.closeCode, "50 messages waiting for the store: the inbox never filled");
        connection.finish();
        assertTrue(!connection.awaitFinished(200), "a shutdown waits for what is being stored");
        store.complete(null);
        assertTrue(connection.awaitFinished(5000), "and ends once it is stored");
    }

    @Test
    void framesAfterTheCloseBeganAreRefusedAsShuttingDown() throws Exception {
        Connection connection = connection(Map.of());
        CountDownLatch handled = new CountDownLatch(1);
        connection.start((from, frame) -> handled.countDown(), registry);
        connection.received(message(1));
        assertTrue(handled.await(5, TimeUnit.SECONDS));
        connection.finish();
        connection.received(message(2));
        List<JsonObject> errors = record.errors();
        assertEquals(1, errors.size(), errors.toString());
        assertEquals("shutting_down", errors.get(0).get("error").getAsString());
        assertEquals("c2", errors.get(0).get("clientMsgId").getAsString());
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 5 s");
            }
            Thread.sleep(5);
        }
    }
}
