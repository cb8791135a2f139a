package chitchat.bench.jmh;

import chitchat.chat.messages.Message;
import chitchat.chat.protocol.Frames;
import chitchat.chat.protocol.Inbound;
import chitchat.json.Json;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.bson.types.ObjectId;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A message's JSON work on the server: parse the client's {@code chat msg} frame, write the {@code ack}, write the
 * {@code chat msg} that is published to Redis and delivered. Each happens once per message.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Xmx512m")
public class FramesBenchmark {

    private final String inbound = "{\"type\":\"chat msg\",\"receiver\":\"bob\","
            + "\"message\":\"the quick brown fox jumps over the lazy dog, message 12345\",\"clientMsgId\":\"c-5f1e2d3c-12345\"}";
    private final Message stored = new Message(new ObjectId(), "alice|bob", 12345, "alice", "bob",
            "the quick brown fox jumps over the lazy dog, message 12345", Instant.now(), "c-5f1e2d3c-12345", null);

    @Benchmark
    public Inbound parseSend() {
        return Inbound.parse(inbound);
    }

    @Benchmark
    public String writeAck() {
        return Frames.ack(stored.frame());
    }

    @Benchmark
    public String writeChatMessage() {
        return Json.write(stored.frame());
    }
}
