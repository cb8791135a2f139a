package chitchat.config;

import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every {@code main} does: start the service, stop it gracefully on SIGTERM (the shutdown hook), and turn a
 * configuration mistake into one log line that says what to set and exit code 2, not a stack trace.
 */
public final class Startup {

    private static final Logger log = LoggerFactory.getLogger(Startup.class);

    private Startup() {
    }

    public static <T extends AutoCloseable> T run(Supplier<T> start) {
        try {
            T service = start.get();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    service.close();
                } catch (Exception e) {
                    log.error("event=shutdown_failed error=\"{}\"", e.toString());
                }
            }, "shutdown"));
            return service;
        } catch (ConfigException e) {
            log.error("event=startup_failed reason=\"{}\"", e.getMessage());
            System.exit(2);
            return null;
        }
    }
}
