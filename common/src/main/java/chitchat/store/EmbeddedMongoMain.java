package chitchat.store;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the embedded store on its own, so that several processes (one auth-server, two chat-servers in
 * {@code make run-cluster} or a test) can share one database without installing MongoDB:
 * {@code java -cp chat-server.jar chitchat.store.EmbeddedMongoMain --port 27017 --data-dir ./data/cluster}.
 * {@code --bind 0.0.0.0} makes it reachable from other hosts (a container of its own); the default is loopback.
 */
public final class EmbeddedMongoMain {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedMongoMain.class);

    public static void main(String[] args) throws InterruptedException {
        int port = 27017;
        Path dataDir = Path.of("data");
        String bind = "127.0.0.1";
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                case "--data-dir" -> dataDir = Path.of(args[i + 1]);
                case "--bind" -> bind = args[i + 1];
                default -> throw new IllegalArgumentException("usage: --port N --data-dir DIR [--bind ADDRESS]");
            }
        }
        EmbeddedMongo store = EmbeddedMongo.persistent(dataDir.toAbsolutePath(), bind, port);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            store.close();
            stopped.countDown();
        }));
        log.info("event=embedded_store_ready uri={} data_dir={}", store.connectionString(), dataDir.toAbsolutePath());
        stopped.await();
    }
}
