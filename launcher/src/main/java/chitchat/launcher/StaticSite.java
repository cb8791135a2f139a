package chitchat.launcher;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.SimpleFileServer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Serves the static client from a directory with the JDK's own file handler, plus what a page needs to be safe:
 * a Content-Security-Policy that allows no inline script, nosniff, no referrer, and no framing.
 *
 * <p>The page may open its WebSocket on another port of the same host (8083 in {@code make run}), so the policy
 * names that origin, built from the Host the browser asked for. {@code /config.json} tells the client the port.
 */
final class StaticSite {

    private StaticSite() {
    }

    /** The file handler for {@code dir}, with security headers, for a context at {@code /}. */
    static HttpHandler handler(Path dir) {
        Path root = dir.toAbsolutePath().normalize();
        if (!Files.isRegularFile(root.resolve("index.html"))) {
            throw new chitchat.config.ConfigException("STATIC_DIR " + root + " holds no index.html; run from the repository root or set STATIC_DIR");
        }
        return SimpleFileServer.createFileHandler(root);
    }

    /** Adds the security headers to every response of a context. */
    static Filter securityHeaders(int wsPort) {
        return Filter.beforeHandler("security headers", exchange -> {
            var headers = exchange.getResponseHeaders();
            headers.set("Content-Security-Policy", contentSecurityPolicy(exchange, wsPort));
            headers.set("X-Content-Type-Options", "nosniff");
            headers.set("Referrer-Policy", "no-referrer");
            headers.set("X-Frame-Options", "DENY");
            headers.set("Cache-Control", "no-cache");
        });
    }

    static String contentSecurityPolicy(HttpExchange exchange, int wsPort) {
        String host = hostName(exchange.getRequestHeaders().getFirst("Host"));
        return "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                + "connect-src 'self' ws://" + host + ":" + wsPort + "; "
                + "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";
    }

    /** {@code /config.json}: where the client opens its WebSocket. */
    static HttpHandler clientConfig(int wsPort) {
        return exchange -> {
            try (exchange) {
                byte[] body = ("{\"wsPort\":" + wsPort + "}").getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.getResponseHeaders().set("Cache-Control", "no-store");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        };
    }

    /** The host part of a Host header, safe to put in a header (anything odd becomes localhost). */
    private static String hostName(String hostHeader) {
        if (hostHeader == null) {
            return "localhost";
        }
        String host = hostHeader.startsWith("[") ? hostHeader.substring(0, hostHeader.indexOf(']') + 1)
                : hostHeader.split(":", 2)[0];
        return host.matches("[A-Za-z0-9.\\-\\[\\]:]+") ? host : "localhost";
    }

}
