package chitchat.http;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;

/** Creates JDK HTTP servers with a virtual thread per request. */
public final class HttpServers {

    private HttpServers() {
    }

    /** Serves the API routes, {@code /healthz} and {@code /metrics} on {@code http}: every service has all three. */
    public static void mount(HttpServer http, Routes routes, Health health, chitchat.metrics.Metrics metrics) {
        routes.paths().forEach(path -> http.createContext(path, routes));
        http.createContext("/healthz", health);
        http.createContext("/metrics", metrics);
    }

    /**
     * A server on {@code port} (0 = any free port), not yet started.
     *
     * <p>Without an executor the JDK server handles requests one at a time on its dispatcher thread; with a
     * virtual thread per request, a handler may block on the database or on bcrypt without holding up the others.
     */
    public static HttpServer create(int port) {
        // The JDK server leaves Nagle's algorithm on: a small response would wait ~40 ms for the client's
        // delayed ACK. Read once, when the first server is made.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(port), 512);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on HTTP port " + port + " (in use? set HTTP_PORT)", e);
        }
    }
}
