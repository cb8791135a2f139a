package chitchat.reliability;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The embedded store (mongo-java-server over an H2 file) as its own process, so a test can make the database
 * unreachable by killing it, and bring it back on the same port and data directory.
 */
final class StoreProcess {

    private final OsProcess process;
    private final int port;

    private StoreProcess(OsProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    static StoreProcess start(Path dataDir, Path logDir) {
        for (int attempt = 1; ; attempt++) {
            int port = Ports.free();
            OsProcess process = new OsProcess("store", List.of("-Xmx384m"),
                    List.of("-cp", ChatProcess.chatServerJar().toString(), "chitchat.store.EmbeddedMongoMain",
                            "--port", String.valueOf(port), "--data-dir", dataDir.toString()),
                    Map.of(), logDir.resolve("store.log"));
            StoreProcess store = new StoreProcess(process, port);
            try {
                store.restart();
                return store;
            } catch (AssertionError e) {
                if (attempt == 3 || !process.lostPortRace()) {
                    throw e;
                }
            }
        }
    }

    String uri() {
        return "mongodb://127.0.0.1:" + port;
    }

    /** Starts it (again) on the same port and data directory, and waits until it listens. */
    void restart() {
        process.start();
        process.awaitPort(port, Duration.ofSeconds(60));
    }

    /** SIGKILL: the store vanishes mid-conversation, as a crashed or partitioned database does. */
    void kill() {
        process.kill();
    }

    OsProcess process() {
        return process;
    }
}
