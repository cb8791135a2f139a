package chitchat.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A JVM started as a separate OS process, with everything it prints captured in a file under
 * {@code target/process-logs}, so a test can kill it like a crash (SIGKILL), stop it like a deploy (SIGTERM), and
 * read afterwards what it logged.
 *
 * <p>The child's environment is exactly what the test gives it (plus {@code PATH}), never the environment of the
 * build that runs the tests. Every process started here is also killed by a JVM shutdown hook, so a test JVM that
 * dies or times out leaves nothing running.
 */
final class OsProcess {

    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();
    private static final Set<Runnable> ON_EXIT = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LIVE.forEach(Process::destroyForcibly);
            ON_EXIT.forEach(Runnable::run);
        }, "kill-test-processes"));
    }

    /** Something else to stop if this JVM exits before the test does (a Redis, started by the testbed). */
    static void stopOnExit(Runnable stop) {
        ON_EXIT.add(stop);
    }

    static void forget(Runnable stop) {
        ON_EXIT.remove(stop);
    }

    private final String name;
    private final List<String> command;
    private volatile Map<String, String> env;
    private final Path log;
    private volatile Process process;

    OsProcess(String name, List<String> jvmArgs, List<String> mainAndArgs, Map<String, String> env, Path log) {
        this.name = name;
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-XX:+UseSerialGC"); // one GC thread's worth of overhead: this machine has 2 cores and runs builds meanwhile
        command.addAll(jvmArgs);
        command.addAll(mainAndArgs);
        this.command = List.copyOf(command);
        this.env = Map.copyOf(env);
        this.log = log;
    }

    /** Starts the process again with a changed environment (other ports, after losing a race for one). */
    void start(Map<String, String> newEnv) {
        this.env = Map.copyOf(newEnv);
        start();
    }

    /** Whether it died because a port it was given was taken meanwhile (free ports are only free when chosen). */
    boolean lostPortRace() {
        return !isAlive() && tail(60).contains("Address already in use");
    }

    /** Starts the process (again), appending to its log file. */
    void start() {
        try {
            Files.createDirectories(log.getParent());
            String ports = env.entrySet().stream().filter(e -> e.getKey().endsWith("_PORT"))
                    .map(e -> e.getKey() + "=" + e.getValue()).sorted().collect(java.util.stream.Collectors.joining(" "));
            Files.writeString(log, "---- " + name + ": " + ports + " " + String.join(" ", command) + "\n", StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().clear();
            builder.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
            builder.environment().putAll(env);
            Process started = builder.start();
            LIVE.add(started);
            process = started;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    String name() {
        return name;
    }

    Path log() {
        return log;
    }

    boolean isAlive() {
        Process p = process;
        return p != null && p.isAlive();
    }

    /** SIGKILL, like a crash or the OOM killer: no shutdown hook runs. Waits until the process is gone. */
    void kill() {
        Process p = process;
        if (p == null) {
            return;
        }
        p.destroyForcibly();
        awaitExit(p, Duration.ofSeconds(10));
    }

    /** SIGTERM, as a deploy or {@code docker stop} sends it; true when the process exited within {@code timeout}. */
    boolean terminate(Duration timeout) {
        Process p = process;
        if (p == null) {
            return true;
        }
        p.destroy();
        return awaitExit(p, timeout);
    }

    private static boolean awaitExit(Process p, Duration timeout) {
        try {
            boolean exited = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (exited) {
                LIVE.remove(p);
            }
            return exited;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Writes the process's threads next to its log (for a test that saw it hang); returns where, or why not. */
    String dumpThreads() {
        Process p = process;
        if (p == null || !p.isAlive()) {
            return "(not running)";
        }
        Path file = log.resolveSibling(name + "-threads-" + System.currentTimeMillis() + ".txt");
        try {
            Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    String.valueOf(p.pid()), "Thread.dump_to_file", "-format=text", file.toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            jcmd.waitFor(20, TimeUnit.SECONDS);
            return file.toString();
        } catch (IOException e) {
            return "(no thread dump: " + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "(interrupted)";
        }
    }

    /** Fails with the end of the log when the process has died, e.g. while a test waits for it to start. */
    void assertAlive() {
        if (!isAlive()) {
            throw new AssertionError(name + " is not running; the end of " + log + ":\n" + tail(40));
        }
    }

    String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.ISO_8859_1); // any bytes at all
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Waits until something accepts TCP connections on 127.0.0.1:{@code port}, while this process is alive. */
    void awaitPort(int port, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            assertAlive();
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(name + " did not listen on port " + port + " within " + timeout + ":\n" + tail(40));
                }
                Waits.sleep(50);
            }
        }
    }
}
