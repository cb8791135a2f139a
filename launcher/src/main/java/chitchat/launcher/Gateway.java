package chitchat.launcher;

import chitchat.config.ConfigException;
import chitchat.config.Env;
import chitchat.config.Startup;
import chitchat.http.Exposure;
import chitchat.json.Json;
import chitchat.http.Origins;
import chitchat.http.Routes;
import chitchat.http.Server;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A development stand-in for nginx or the ALB in {@code make run-cluster}: one browser origin that serves the
 * static client and forwards {@code /api/auth} and {@code /api/users} to the auth-server and {@code /api/messages},
 * {@code /api/conversations} and {@code /api/conversations/...} to one chat-server, whose WebSocket port it tells the
 * client through {@code /config.json}. Chat paths match as nginx and the ALB match them (whole path segments), not as
 * the JDK's contexts do (plain string prefixes, under which {@code /api/conversationsX} would reach the chat-server).
 *
 * <p>Two gateways, each in front of a different chat-server, let two browsers chat across instances. Deployed
 * environments use nginx or the ALB instead (deploy/, cloudformation/); this exists so a laptop needs only a JDK.
 * Settings: {@code HTTP_PORT}, {@code STATIC_DIR}, {@code AUTH_URL}, {@code CHAT_URL}, {@code CHAT_WS_PORT}, and
 * {@code BIND_ADDRESS} (127.0.0.1 by default, like {@code make run}: it is a laptop's stand-in).
 */
public final class Gateway {

    private static final Logger log = LoggerFactory.getLogger(Gateway.class);
    private static final List<String> FORWARDED_REQUEST_HEADERS = List.of("Content-Type", "Cookie", "Authorization", "Origin", "Accept");
    private static final List<String> FORWARDED_RESPONSE_HEADERS = List.of("Content-Type", "Set-Cookie", "Retry-After", "Cache-Control", "Allow");

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    public static void main(String[] args) {
        Startup.run(() -> start(Env.system()));
    }

    /** Starts the gateway configured by {@code env}; a wrong setting is a {@link ConfigException}, before any port is bound. */
    static Server start(Env env) {
        int wsPort = env.integer("CHAT_WS_PORT", 8083, 1, 65535);
        URI auth = URI.create(env.optional("AUTH_URL").orElseThrow(() -> new ConfigException("set AUTH_URL, e.g. http://127.0.0.1:8081")));
        URI chat = URI.create(env.optional("CHAT_URL").orElseThrow(() -> new ConfigException("set CHAT_URL, e.g. http://127.0.0.1:8082")));
        Gateway gateway = new Gateway();
        return Server.assemble("gateway", server -> {
            // No grace at shutdown: it only forwards, and the upstream answers whoever retries.
            server.listen(env, Exposure.from(env, Exposure.DEVELOPMENT), env.integer("HTTP_PORT", 8080, 0, 65535), 0);
            server.context("/api/auth/", gateway.forwardTo(auth));
            server.context("/api/users", gateway.forwardTo(auth));
            HttpHandler notFound = new Routes(new Origins(List.of()), false); // other API paths: a JSON 404
            server.context("/api/messages", exactly("/api/messages", gateway.forwardTo(chat), notFound));
            server.context("/api/conversations", subtree("/api/conversations", gateway.forwardTo(chat), notFound));
            server.context("/api/", notFound);
            StaticSite.mount(server.http(), Path.of(env.string("STATIC_DIR", "static-client")), wsPort);
            server.start();
            log.info("event=gateway_ready url=http://localhost:{} auth={} chat={} ws_port={}", server.port(), auth, chat, wsPort);
            return server;
        });
    }

    /** {@code path} itself to {@code handler}; anything else under the context (e.g. {@code path + "X"}) to {@code other}. */
    private static HttpHandler exactly(String path, HttpHandler handler, HttpHandler other) {
        return exchange -> (exchange.getRequestURI().getPath().equals(path) ? handler : other).handle(exchange);
    }

    /** {@code path} and {@code path/...} to {@code handler}; a longer name such as {@code pathX} to {@code other}. */
    private static HttpHandler subtree(String path, HttpHandler handler, HttpHandler other) {
        return exchange -> {
            String requested = exchange.getRequestURI().getPath();
            boolean inside = requested.equals(path) || requested.startsWith(path + "/");
            (inside ? handler : other).handle(exchange);
        };
    }

    private HttpHandler forwardTo(URI upstream) {
        return exchange -> {
            try (exchange) { // closed after the 502 too: closing it first would send the client an empty reply
                try {
                    forward(exchange, upstream);
                } catch (IOException | InterruptedException e) {
                    if (e instanceof InterruptedException) {
                        Thread.currentThread().interrupt();
                    }
                    log.warn("event=gateway_upstream_failed upstream={} error=\"{}\"", upstream, e.toString());
                    Routes.writeJson(exchange, 502, Json.write(new Routes.ErrorBody("unavailable", "That service is not reachable right now.")));
                }
            }
        };
    }

    private void forward(HttpExchange exchange, URI upstream) throws IOException, InterruptedException {
        URI target = upstream.resolve(exchange.getRequestURI().getRawPath()
                + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery()));
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readNBytes(64 * 1024);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(30))
                .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        for (String name : FORWARDED_REQUEST_HEADERS) {
            for (String value : exchange.getRequestHeaders().getOrDefault(name, List.of())) {
                request.header(name, value);
            }
        }
        request.header("X-Forwarded-For", exchange.getRemoteAddress().getAddress().getHostAddress());
        HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        for (String name : FORWARDED_RESPONSE_HEADERS) {
            response.headers().allValues(name).forEach(value -> exchange.getResponseHeaders().add(name, value));
        }
        byte[] answer = response.body();
        exchange.sendResponseHeaders(response.statusCode(), answer.length == 0 ? -1 : answer.length);
        if (answer.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        }
    }
}
