package chitchat.security;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The dev server ({@code chitchat.launcher.DevServer}, what {@code make run} starts) in a JVM of its own, for
 * settings that are JVM-wide: the JDK HTTP server reads its timeouts once per JVM, when the first server is made,
 * so a test of them cannot share the test JVM with the other suites' sites. Environment as {@link TestSite}'s,
 * plus {@code extraEnv}; the ports are learnt from the child's {@code event=started} log line.
 */
final class ChildSite implements AutoCloseable {

    private static final Pattern STARTED = Pattern.compile("event=started service=dev http_port=(\\d+) ws_port=(\\d+)");

    private final Process process;
    private final Path root;
    private final List<String> log;
    private final int httpPort;

    private ChildSite(Process process, Path root, List<String> log, int httpPort) {
        this.process = process;
        this.root = root;
        this.log = log;
        this.httpPort = httpPort;
    }

    static ChildSite start(Map<String, String> extraEnv) {
        Path root = TestSite.createSiteFiles();
        Map<String, String> env = new HashMap<>(TestSite.baseEnv(root));
        env.putAll(extraEnv);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-XX:+UseSerialGC", "-Xmx256m", "-cp", classPath(),
                "chitchat.launcher.DevServer").redirectErrorStream(true);
        builder.environment().putAll(env);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> log = new CopyOnWriteArrayList<>();
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    log.add(line);
                    Matcher started = STARTED.matcher(line);
                    if (started.find()) {
                        port.complete(Integer.parseInt(started.group(1)));
                    }
                }
            } catch (IOException ignored) {
                // the child is gone
            }
            port.completeExceptionally(new AssertionError("the dev server did not start: " + String.join("\n", log)));
        });
        try {
            return new ChildSite(process, root, log, port.get(30, TimeUnit.SECONDS));
        } catch (Exception e) {
            process.destroyForcibly();
            TestSite.deleteTree(root);
            throw new AssertionError("the dev server did not start: " + String.join("\n", log), e);
        }
    }

    /** Surefire may hand the test JVM a manifest-only jar; either way this runs the same classes. */
    private static String classPath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }

    int httpPort() {
        return httpPort;
    }

    List<String> log() {
        return List.copyOf(log);
    }

    @Override
    public void close() {
        process.destroy(); // SIGTERM: the shutdown hook stops the server
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        TestSite.deleteTree(root);
    }
}
