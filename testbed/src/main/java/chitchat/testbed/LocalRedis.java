package chitchat.testbed;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A real Redis server process on a loopback port, which can be stopped and restarted on the same port. */
public final class LocalRedis implements AutoCloseable {

    private static final String BUNDLED = "/redis-server-6.2.6-v5-linux-amd64";

    private final Path executable;
    private final int port;
    private Process process;

    private LocalRedis(Path executable, int port) {
        this.executable = executable;
        this.port = port;
    }

    /** Starts a Redis on a free port. */
    public static LocalRedis start() {
        return start(freePort());
    }

    public static LocalRedis start(int port) {
        LocalRedis redis = new LocalRedis(findExecutable(), port);
        redis.startProcess();
        return redis;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** Which binary runs, for test output. */
    public String describe() {
        return executable.toString();
    }

    public synchronized void startProcess() {
        if (process != null && process.isAlive()) {
            return;
        }
        try {
            process = new ProcessBuilder(List.of(executable.toString(), "--port", String.valueOf(port),
                    "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "yes",
                    "--maxclients", "10000"))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + executable, e);
        }
        awaitPort(true);
    }

    /** Kills the server (SIGKILL: like a crash, no goodbye to clients) and waits until the port is closed. */
    public synchronized void stopProcess() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        awaitPort(false);
    }

    @Override
    public void close() {
        stopProcess();
    }

    private void awaitPort(boolean open) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (Instant.now().isBefore(deadline)) {
            boolean isOpen;
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                isOpen = true;
            } catch (IOException e) {
                isOpen = false;
            }
            if (isOpen == open) {
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new IllegalStateException("redis on port " + port + " did not " + (open ? "start" : "stop"));
    }

    /** {@code redis-server} from PATH, else the Linux binary bundled in the embedded-redis artifact. */
    static Path findExecutable() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path candidate = Path.of(dir, "redis-server");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        try (InputStream in = LocalRedis.class.getResourceAsStream(BUNDLED)) {
            if (in == null) {
                throw new IllegalStateException("no redis-server on PATH and no bundled binary: apt-get install redis-server");
            }
            Path file = Files.createTempFile("redis-server", "");
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            file.toFile().setExecutable(true);
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs a Redis for a local topology until killed: {@code make run-cluster} uses it when apt is not there. */
    public static void main(String[] args) throws InterruptedException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 6379;
        LocalRedis redis = start(port);
        Runtime.getRuntime().addShutdownHook(new Thread(redis::close));
        Thread.currentThread().join();
    }
}
