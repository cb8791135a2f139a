package chitchat.reliability;

import chitchat.json.Json;
import chitchat.testbed.LoopbackHttp;
import com.google.gson.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One chat-server instance as its own OS process ({@code java -jar chat-server.jar}), on two free loopback ports.
 * Its {@code /healthz} and {@code /metrics} are what the tests read to see inside it.
 */
final class ChatProcess {


    private final OsProcess process;
    private final Map<String, String> env;
    private volatile int httpPort;
    private volatile int wsPort;

    private ChatProcess(OsProcess process, Map<String, String> env, int httpPort, int wsPort) {
        this.process = process;
        this.env = env;
        this.httpPort = httpPort;
        this.wsPort = wsPort;
    }

    /** Starts the process; {@link #awaitHealthy} waits for it. */
    static ChatProcess start(String name, Map<String, String> env, List<String> jvmArgs, Path logDir) {
        Path jar = chatServerJar();
        int httpPort = Ports.free();
        int wsPort = Ports.free();
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put("HTTP_PORT", String.valueOf(httpPort));
        all.put("WS_PORT", String.valueOf(wsPort));
        // Info is what production logs; debug for the application's own loggers, so the log check sees more.
        List<String> args = new java.util.ArrayList<>(List.of("-Dorg.slf4j.simpleLogger.showDateTime=true",
                "-Dorg.slf4j.simpleLogger.log.chitchat=debug"));
        args.addAll(jvmArgs);
        OsProcess process = new OsProcess(name, args, List.of("-jar", jar.toString()), all, logDir.resolve(name + ".log"));
        process.start();
        return new ChatProcess(process, all, httpPort, wsPort);
    }

    /** The shaded chat-server jar the chat-server module packaged earlier in the reactor. */
    static Path chatServerJar() {
        Path jar = Path.of(System.getProperty("chitchat.chatServerJar", "../chat-server/target/chat-server.jar")).toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: these tests run the packaged chat-server; "
                    + "run `mvn install` (or `mvn package`) from the repository root, as `make test` does");
        }
        return jar;
    }

    String name() {
        return process.name();
    }

    int httpPort() {
        return httpPort;
    }

    int wsPort() {
        return wsPort;
    }

    OsProcess process() {
        return process;
    }

    void awaitHealthy(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int restarts = 0; ; ) {
            if (!process.isAlive()) {
                if (process.lostPortRace() && restarts++ < 3) {
                    httpPort = Ports.free();
                    wsPort = Ports.free();
                    env.put("HTTP_PORT", String.valueOf(httpPort));
                    env.put("WS_PORT", String.valueOf(wsPort));
                    process.start(env);
                    continue;
                }
                process.assertAlive();
            }
            HttpResponse<String> health = tryGet("/healthz", null);
            if (health != null && health.statusCode() == 200) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(name() + " not healthy within " + timeout + ": "
                        + (health == null ? "no answer" : health.statusCode() + " " + health.body()) + "\n" + process.tail(40));
            }
            Waits.sleep(100);
        }
    }

    /** {@code GET} on this instance's HTTP port, with a bearer token when given. */
    HttpResponse<String> get(String pathAndQuery, String token) {
        HttpResponse<String> response = tryGet(pathAndQuery, token);
        if (response == null) {
            throw new AssertionError(name() + " did not answer GET " + pathAndQuery.replaceAll("\\?.*", "?..."));
        }
        return response;
    }

    /** The same, or null when the instance does not answer (it is down, or the request timed out). */
    HttpResponse<String> tryGet(String pathAndQuery, String token) {
        HttpRequest request = LoopbackHttp.request(httpPort, "GET", pathAndQuery, token, null).timeout(Duration.ofSeconds(10)).build();
        return LoopbackHttp.trySend(request).orElse(null);
    }

    /** {@code /healthz}'s status code and body, or null when it does not answer. */
    Health health() {
        HttpResponse<String> response = tryGet("/healthz", null);
        return response == null ? null : new Health(response.statusCode(), Json.parseObject(response.body()));
    }

    record Health(int status, JsonObject body) {
        int figure(String name) {
            return body.get(name).getAsInt();
        }
    }

    /**
     * The sum of every sample of a Prometheus metric whose labels contain all of {@code labels} (e.g.
     * {@code area="heap"}), from {@code /metrics}; NaN when the instance does not answer or has no such metric.
     */
    double metric(String name, String... labels) {
        HttpResponse<String> response = tryGet("/metrics", null);
        if (response == null || response.statusCode() != 200) {
            return Double.NaN;
        }
        double sum = 0;
        boolean found = false;
        for (String line : response.body().split("\n")) {
            if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) {
                continue;
            }
            int end = line.lastIndexOf(' ');
            String series = line.substring(0, end);
            boolean matches = true;
            for (String label : labels) {
                matches &= series.contains(label);
            }
            if (matches) {
                sum += Double.parseDouble(line.substring(end + 1));
                found = true;
            }
        }
        return found ? sum : Double.NaN;
    }

    void kill() {
        process.kill();
    }

    boolean terminate(Duration timeout) {
        return process.terminate(timeout);
    }
}
