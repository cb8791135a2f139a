package chitchat.launcher;

import chitchat.http.HttpServers;
import chitchat.http.Routes;
import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Serves the static client from a directory ({@link StaticFiles}), plus what a page needs to be safe: the
 * headers of {@link PageHeaders} (a Content-Security-Policy that allows no inline script, nosniff, no referrer, no
 * framing), the same nginx sends; and no directory listings.
 *
 * <p>The page may open its WebSocket on another port of the same host (8083 in {@code make run}), so the policy
 * names that origin, built from the Host the browser asked for. {@code /config.json} tells the client the port.
 */
final class StaticSite {

    private StaticSite() {
    }

    /**
     * Serves {@code dir} at {@code /} and the client's {@code /config.json}, both with the security headers. More
     * specific contexts (the API) take precedence over {@code /}, whatever order they are created in.
     */
    static void mount(HttpServer http, Path dir, int wsPort) {
        Filter securityHeaders = securityHeaders(wsPort);
        HttpServers.context(http, "/config.json", clientConfig(wsPort)).getFilters().add(securityHeaders);
        var site = HttpServers.context(http, "/", handler(dir));
        site.getFilters().add(securityHeaders);
    }

    /** The files of {@code dir}, which must hold the client ({@link StaticFiles}: ETags, 304s, gzip). */
    private static HttpHandler handler(Path dir) {
        Path root = dir.toAbsolutePath().normalize();
        if (!Files.isRegularFile(root.resolve("index.html"))) {
            throw new chitchat.config.ConfigException("STATIC_DIR " + root + " holds no index.html; run from the repository root or set STATIC_DIR");
        }
        return new StaticFiles(root);
    }

    /** Adds the security headers ({@link PageHeaders}) to every response of a context. */
    private static Filter securityHeaders(int wsPort) {
        return Filter.beforeHandler("security headers", exchange -> {
            var headers = exchange.getResponseHeaders();
            String webSocketOrigin = "ws://" + hostName(exchange.getRequestHeaders().getFirst("Host")) + ":" + wsPort;
            PageHeaders.headers(webSocketOrigin).forEach(headers::set);
            headers.set("Cache-Control", "no-cache");
        });
    }

    /** {@code /config.json}: where the client opens its WebSocket. */
    private static HttpHandler clientConfig(int wsPort) {
        return exchange -> {
            try (exchange) {
                exchange.getResponseHeaders().set("Cache-Control", "no-store");
                Routes.writeJson(exchange, 200, "{\"wsPort\":" + wsPort + "}");
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
