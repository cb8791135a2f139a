package chitchat.chat.ws;

import chitchat.chat.metrics.ChatMetrics;
import chitchat.chat.broker.Broker;
import chitchat.chat.messages.Message;
import chitchat.http.Health;
import chitchat.json.Json;
import chitchat.token.Tokens;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bson.types.ObjectId;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Fan-out: what {@link ConnectionRegistry#deliver} costs for one message arriving from the broker, for a receiver
 * with 1 or 3 connections (tabs, devices) among 10,000 connected users.
 *
 * <p>The sockets are {@link FakeSocket}s that encode each frame exactly as Java-WebSocket's {@code WebSocketImpl}
 * does before queueing it for the selector, so the figure is the CPU work up to the socket write, without the
 * write. This class sits in {@code chitchat.chat.ws} (in the bench jar) because registering a connection is
 * package-private there; it uses only what the server itself uses.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Xmx512m")
public class FanOutBenchmark {

    @Param({"1", "3"})
    public int connectionsPerUser;

    private final ConnectionRegistry registry = new ConnectionRegistry();
    private final List<FakeSocket> receiverSockets = new ArrayList<>();
    private String payload;

    @Setup
    public void setUp() {
        registry.attach(new NoBroker());
        ChatMetrics metrics = new ChatMetrics(new SimpleMeterRegistry());
        Limits limits = Limits.from(new chitchat.config.Env(java.util.Map.of()));
        for (int i = 0; i < 10_000; i++) {
            registry.add(new Connection(new FakeSocket(), session("user" + i), limits, metrics));
        }
        for (int i = 0; i < connectionsPerUser; i++) {
            FakeSocket socket = new FakeSocket();
            receiverSockets.add(socket);
            registry.add(new Connection(socket, session("bob"), limits, metrics));
        }
        Message message = new Message(new ObjectId(), "alice|bob", 12345, "alice", "bob",
                "the quick brown fox jumps over the lazy dog, message 12345", Instant.now(), "c-5f1e2d3c-12345", null);
        payload = Json.write(message.frame());
    }

    @Benchmark
    public long deliver() {
        registry.deliver("bob", payload);
        return receiverSockets.getFirst().bytes;
    }

    /** A broker that does nothing: the registry subscribes through it as connections are added. */
    /** A session as a handshake would make it; the benchmark never verifies or revokes one. */
    private static Tokens.Session session(String user) {
        return new Tokens.Session(user, Instant.MAX, "bench-" + user, Instant.EPOCH);
    }

    private static final class NoBroker implements Broker {
        @Override
        public void subscribe(String user) {
        }

        @Override
        public void unsubscribe(String user) {
        }

        @Override
        public boolean publish(String user, String payload) {
            return true;
        }

        @Override
        public Health.Check health() {
            return new Health.Check(true, "up");
        }

        @Override
        public int subscriptions() {
            return 0;
        }

        @Override
        public void close() {
        }
    }
}
