package chitchat.store;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import chitchat.config.PrivateFiles;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/** A MongoDB wire-protocol server in this JVM, on a loopback port, persisted to one H2 file (or memory). */
public final class EmbeddedMongo implements AutoCloseable {

    private final MongoServer server;
    private final InetSocketAddress address;

    private EmbeddedMongo(MongoServer server, String bindAddress, int port) {
        this.server = server;
        server.bind(bindAddress, port);
        this.address = server.getLocalAddress();
    }

    /**
     * Keeps data in {@code dataDir/chitchat-store.mv.db}, so it survives restarts; the directory is 700 and the file
     * 600 ({@link PrivateFiles}): it holds password hashes and every message.
     */
    public static EmbeddedMongo persistent(Path dataDir, int port) {
        return persistent(dataDir, "127.0.0.1", port);
    }

    /**
     * As {@link #persistent(Path, int)}, listening on {@code bindAddress}: {@code 0.0.0.0} where other containers
     * must reach it (the store container of {@code deploy/compose.ci.yml}); loopback everywhere else.
     */
    public static EmbeddedMongo persistent(Path dataDir, String bindAddress, int port) {
        PrivateFiles.directory(dataDir);
        Path file = dataDir.resolve("chitchat-store.mv.db");
        EmbeddedMongo store = new EmbeddedMongo(new MongoServer(new DurableH2Backend(file.toString())), bindAddress, port);
        if (Files.exists(file)) { // H2 creates it on open, with the umask's mode
            PrivateFiles.file(file);
        }
        return store;
    }

    /** Keeps data in memory only: for tests that want a fresh store. */
    public static EmbeddedMongo inMemory() {
        return new EmbeddedMongo(new MongoServer(new MemoryBackend()), "127.0.0.1", 0);
    }

    public String connectionString() {
        return "mongodb://127.0.0.1:" + address.getPort();
    }

    public int port() {
        return address.getPort();
    }

    @Override
    public void close() {
        server.shutdownNow();
    }
}
