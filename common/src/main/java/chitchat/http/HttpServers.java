package chitchat.http;

import chitchat.config.Env;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates every JDK HTTP server the project runs: a virtual thread per request, bound where {@link Exposure} says,
 * with the {@link HttpTimeouts} that close slow and silent connections.
 *
 * <p>Those timeouts are JVM-wide system properties that the JDK reads once, when its first server is created; this
 * class sets them from the first caller's environment before that happens, and logs it when a later caller asks for
 * different ones (they cannot be changed any more). Nothing else in the project may call {@code HttpServer.create}:
 * a server made elsewhere first would freeze the JDK defaults (no request timeout at all). Contexts are made with
 * {@link #context}, which adds the access log; a process puts its server together with {@link Server}.
 */
public final class HttpServers {

    private static final Logger log = LoggerFactory.getLogger(HttpServers.class);

    /**
     * Connections the kernel may queue for the server before it accepts them. Passing 0 would take the platform's
     * default (50 in the JDK), which a burst of clients arriving at once, as after a restart, can overflow.
     */
    private static final int ACCEPT_BACKLOG = 512;

    private static HttpTimeouts applied; // guarded by HttpServers.class

    private HttpServers() {
    }

    /**
     * Serves {@code path} (and what is under it) with {@code handler}, with the access log ({@link AccessLog}): the
     * one way every server here creates a context, so that no request goes unlogged.
     */
    public static HttpContext context(HttpServer http, String path, HttpHandler handler) {
        HttpContext context = http.createContext(path, handler);
        context.getFilters().add(AccessLog.INSTANCE);
        return context;
    }

    /**
     * A server on {@code port} (0 = any free port) of {@code exposure}'s address, not yet started, with the timeouts
     * of {@code env} if it is the first of this JVM.
     *
     * <p>Without an executor the JDK server handles requests one at a time on its dispatcher thread; with a
     * virtual thread per request, a handler may block on the database or on bcrypt without holding up the others.
     */
    public static HttpServer create(Env env, Exposure exposure, int port) {
        applyOnce(HttpTimeouts.from(env));
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(exposure.bindAddress(), port), ACCEPT_BACKLOG);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on HTTP port " + port + " of " + exposure.bindHost()
                    + " (in use? set HTTP_PORT, or BIND_ADDRESS to an address of this machine)", e);
        }
    }

    /** The timeouts every server of this JVM has, once the first one is created. */
    public static synchronized Optional<HttpTimeouts> timeouts() {
        return Optional.ofNullable(applied);
    }

    private static synchronized void applyOnce(HttpTimeouts wanted) {
        if (applied == null) {
            wanted.jdkProperties().forEach(System::setProperty);
            applied = wanted;
            log.info("event=http_timeouts header_seconds={} idle_seconds={} response_seconds={}",
                    wanted.headerSeconds(), wanted.idleSeconds(), wanted.responseSeconds());
        } else if (!applied.equals(wanted)) {
            log.warn("event=http_timeouts_unchanged wanted=\"{}\" kept=\"{}\" reason=\"the JDK reads them once per JVM\"", wanted, applied);
        }
    }
}
