package chitchat.bench.jmh;

import chitchat.token.JwtSecret;
import chitchat.token.Tokens;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
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
 * JWT work: verifying a session token (HS256 signature, algorithm pinned, expiry) happens on every WebSocket
 * handshake and every history request; issuing one, on every sign-up and log-in.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Xmx512m")
public class TokensBenchmark {

    private final Tokens tokens = new Tokens(JwtSecret.of("a-benchmark-secret-of-at-least-32-bytes-0123456789"), Duration.ofHours(24));
    private final String token = tokens.issue("alice");

    @Benchmark
    public Optional<Tokens.Session> verify() {
        return tokens.verify(token);
    }

    @Benchmark
    public String issue() {
        return tokens.issue("alice");
    }
}
