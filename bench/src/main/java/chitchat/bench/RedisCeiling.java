package chitchat.bench;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The ceiling for delivery across instances on this machine: how many PUBLISH commands per second the run's own
 * Redis takes, measured with {@code redis-benchmark} (Debian's redis-tools) in the same run as the load.
 *
 * <p>Two figures: one command per round trip from 50 clients, and pipelined 16 deep, which is how the chat-server
 * publishes under load. The payload is a contract {@code chat msg} frame of the size the load tool sends. Each
 * message costs two PUBLISHes (the receiver's channel and the sender's, for the sender's other devices), so the
 * message ceiling is half the PUBLISH rate. The channel has no subscriber, so Redis's cost of writing to
 * subscribers is not in it: the true ceiling is lower.
 */
final class RedisCeiling {

    record Result(boolean available, String tool, int payloadBytes, double publishPerSec, double pipelinedPublishPerSec,
                  double messageCeilingPerSec, String note) {
    }

    private static final String PAYLOAD = "{\"type\":\"chat msg\",\"id\":\"66f0c0ffee0ddba11ca7f00d\",\"sender\":\"bk3x9au17\","
            + "\"receiver\":\"bk3x9au18\",\"message\":\"the quick brown fox jumps over the lazy dog, message 12345\","
            + "\"ts\":\"2025-01-01T12:00:00.000Z\",\"clientMsgId\":\"3.12345.41234567\"}";

    private RedisCeiling() {
    }

    static Result run(int port) throws InterruptedException {
        String tool = onPath("redis-benchmark");
        if (tool == null || port <= 0) {
            return new Result(false, null, PAYLOAD.length(), 0, 0, 0,
                    tool == null ? "redis-benchmark not found (apt-get install redis-tools)" : "no --redis-port given");
        }
        double plain = publishRate(tool, port, 200_000, 1);
        double pipelined = publishRate(tool, port, 1_000_000, 16);
        return new Result(true, tool, PAYLOAD.length(), plain, pipelined, Math.round(pipelined / 2),
                "PUBLISH to a channel without subscribers; 2 PUBLISHes per message, so ceiling = pipelined / 2");
    }

    /** Requests per second of {@code redis-benchmark ... publish}, from its CSV output; 0 when it fails. */
    private static double publishRate(String tool, int port, int requests, int pipeline) throws InterruptedException {
        List<String> command = new ArrayList<>(List.of(tool, "-h", "127.0.0.1", "-p", Integer.toString(port),
                "-n", Integer.toString(requests), "-c", "50", "-P", Integer.toString(pipeline), "--csv",
                "publish", "chitchat_bench_ceiling", PAYLOAD));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroy();
                return 0;
            }
            // Header line, then "<test>","<rps>",...: the test name holds the payload, so take the field after it.
            for (String line : out.split("\n")) {
                if (line.startsWith("\"publish")) {
                    String[] fields = line.split("\",\"");
                    return Double.parseDouble(fields[fields.length - 7].replace("\"", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // reported as 0
        }
        return 0;
    }

    private static String onPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            File f = new File(dir, name);
            if (f.canExecute()) {
                return f.getPath();
            }
        }
        return null;
    }
}
