package chitchat.http;

import chitchat.config.Env;
import chitchat.config.FileDescriptors;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How long the JDK HTTP server waits for a client, so that slow or silent connections cannot pile up (slowloris).
 *
 * <p>The JDK server has no per-server setting for these: they are {@code sun.net.httpserver.*} system properties,
 * read once, when the first server of the JVM is created ({@code sun.net.httpserver.ServerConfig}'s static
 * initializer). {@link HttpServers} therefore applies them once per JVM, before its first server; a later server in
 * the same JVM (tests, the all-in-one launcher) gets the same values whatever its own environment says.
 *
 * <p>What each does in JDK 21-25 ({@code ServerImpl}):
 * <ul>
 *   <li>{@code headerSeconds} ({@code maxReqTime}): from a request's first byte until it has been read, request
 *       line, headers and body (bodies are at most 16 KiB here). A connection that sends nothing at all is closed
 *       after this too (or the idle time, if shorter). Checked every second.</li>
 *   <li>{@code idleSeconds} ({@code idleInterval}): a kept-alive connection between requests. The JDK keeps at most
 *       200 idle connections ({@code maxIdleConnections}, left at its default) and closes any beyond that.</li>
 *   <li>{@code responseSeconds} ({@code maxRspTime}): from the request being read until the response has been
 *       written, so it includes the handler's own time (bcrypt waits up to 10 s) and a client that reads slowly.</li>
 * </ul>
 *
 * @param headerSeconds   {@code HTTP_HEADER_TIMEOUT_SECONDS}, default 10
 * @param idleSeconds     {@code HTTP_IDLE_TIMEOUT_SECONDS}, default 30 (the JDK's own default)
 * @param responseSeconds {@code HTTP_RESPONSE_TIMEOUT_SECONDS}, default 60
 * @param maxConnections  {@code HTTP_MAX_CONNECTIONS}: open connections the JDK server accepts; past it, it closes
 *                        new ones at once ({@code jdk.httpserver.maxConnections}). The default is the HTTP share of
 *                        the descriptor limit ({@link FileDescriptors}), so that timeouts and caps together keep a
 *                        flood of connections from taking the descriptors every other socket of the process needs
 */
public record HttpTimeouts(int headerSeconds, int idleSeconds, int responseSeconds, int maxConnections) {

    /** At most this many request headers, and this many bytes of request line and headers (JDK: 200, 380 KiB). */
    static final int MAX_REQUEST_HEADERS = 100;
    static final int MAX_REQUEST_HEADER_BYTES = 64 * 1024;

    public static HttpTimeouts from(Env env) {
        return new HttpTimeouts(
                env.integer("HTTP_HEADER_TIMEOUT_SECONDS", 10, 1, 3600),
                env.integer("HTTP_IDLE_TIMEOUT_SECONDS", 30, 1, 86_400),
                env.integer("HTTP_RESPONSE_TIMEOUT_SECONDS", 60, 1, 3600),
                env.integer("HTTP_MAX_CONNECTIONS", FileDescriptors.defaultHttpCap(), 1, 10_000_000));
    }

    /** The JDK system properties that carry these settings. */
    Map<String, String> jdkProperties() {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("sun.net.httpserver.maxReqTime", String.valueOf(headerSeconds));
        properties.put("sun.net.httpserver.maxRspTime", String.valueOf(responseSeconds));
        properties.put("sun.net.httpserver.idleInterval", String.valueOf(idleSeconds));
        // The idle sweep (which also closes connections that never sent a byte) runs every 10 s by default, which
        // would let a silent connection live up to 10 s past its limit: sweep at a quarter of the shorter limit.
        long tickMillis = Math.clamp(Math.min(headerSeconds, idleSeconds) * 1000L / 4, 250, 10_000);
        properties.put("sun.net.httpserver.clockTick", String.valueOf(tickMillis));
        properties.put("sun.net.httpserver.maxReqHeaders", String.valueOf(MAX_REQUEST_HEADERS));
        properties.put("sun.net.httpserver.maxReqHeaderSize", String.valueOf(MAX_REQUEST_HEADER_BYTES));
        // The JDK server leaves Nagle's algorithm on: a small response would wait ~40 ms for the client's ACK.
        properties.put("sun.net.httpserver.nodelay", "true");
        properties.put("jdk.httpserver.maxConnections", String.valueOf(maxConnections));
        return properties;
    }
}
