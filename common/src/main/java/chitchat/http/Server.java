package chitchat.http;

import chitchat.config.Env;
import chitchat.metrics.Metrics;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One process's start-up and shutdown, the same for the auth-server, the chat-server, {@code make run} and the dev
 * gateway: what the process opens (its store, its list of ended sessions, the chat service) and its HTTP server.
 *
 * <p>Why one class: each of the four used to repeat "open this, then that, bind, mount, start; on a failure close what
 * was opened", and each did the clean-up a little differently (two could leave their port bound). Here the rule is
 * written once. Everything is registered as it is opened ({@link #open}, {@link #listen}); {@link #close} closes it
 * newest first, so what faces clients (WebSockets, then HTTP) goes before what they depend on (the store). A failure
 * inside {@link #assemble} does the same at once and releases the port, so a refused start leaves nothing behind.
 * The server runs a virtual thread per request ({@link HttpServers#create}) and every context has the access log
 * ({@link HttpServers#context}).
 */
public final class Server implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Server.class);

    /** What a process does between nothing and serving: opens through {@code server}, and starts it last. */
    @FunctionalInterface
    public interface Setup<T> {
        T run(Server server);
    }

    private final String service;
    private final Deque<AutoCloseable> opened = new ArrayDeque<>(); // newest first
    private HttpServer http;
    private int graceSeconds;
    private boolean started;

    private Server(String service) {
        this.service = service;
    }

    /**
     * Runs {@code setup} for {@code service} (the name its log lines carry) and returns what it returns. If it
     * throws, whatever it opened is closed, newest first, and the exception goes on to the caller.
     */
    public static <T> T assemble(String service, Setup<T> setup) {
        Server server = new Server(service);
        try {
            return setup.run(server);
        } catch (RuntimeException e) {
            server.abandon();
            throw e;
        }
    }

    /** Registers {@code resource}, just opened, to be closed before everything opened earlier. */
    public <T extends AutoCloseable> T open(T resource) {
        opened.push(resource);
        return resource;
    }

    /**
     * Binds the HTTP server ({@link HttpServers#create}), not yet started; it is stopped in its turn among what was
     * opened, letting requests in flight finish for up to {@code graceSeconds}.
     */
    public HttpServer listen(Env env, Exposure exposure, int port, int graceSeconds) {
        if (http != null) {
            throw new IllegalStateException("one HTTP server per process");
        }
        this.http = HttpServers.create(env, exposure, port);
        this.graceSeconds = graceSeconds;
        opened.push(() -> http.stop(this.graceSeconds));
        return http;
    }

    /** The API routes and {@code /healthz}, and {@code /metrics} where the operator chose to serve it. */
    public void mount(Routes routes, Health health, Metrics metrics, Exposure exposure) {
        routes.paths().forEach(path -> context(path, routes));
        context("/healthz", health);
        if (exposure.metrics()) {
            context("/metrics", metrics);
        }
    }

    /** Serves {@code path} with {@code handler}, with the access log ({@link HttpServers#context}). */
    public void context(String path, HttpHandler handler) {
        HttpServers.context(http, path, handler);
    }

    /** Starts serving: the last step of a {@link Setup}. */
    public void start() {
        http.start();
        started = true;
    }

    /** The server, for what mounts its own contexts (the static site). */
    public HttpServer http() {
        return http;
    }

    /** The port it listens on (the one picked, when asked for port 0). */
    public int port() {
        return http.getAddress().getPort();
    }

    /** Closes everything, newest first; one that fails is logged and the others are closed all the same. */
    @Override
    public void close() {
        log.info("event=stopping service={}", service);
        closeAll();
        log.info("event=stopped service={}", service);
    }

    private void abandon() {
        if (http != null && !started) {
            // The JDK server releases its port from its dispatcher thread: start it so that stop() really unbinds.
            http.start();
        }
        graceSeconds = 0; // nothing was served: no request to wait for
        closeAll();
    }

    private void closeAll() {
        while (!opened.isEmpty()) {
            AutoCloseable resource = opened.pop();
            try {
                resource.close();
            } catch (Exception e) {
                log.error("event=close_failed service={} resource={} error=\"{}\"", service, resource.getClass().getSimpleName(), e.toString());
            }
        }
    }
}
