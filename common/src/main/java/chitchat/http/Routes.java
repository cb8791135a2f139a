package chitchat.http;

import chitchat.json.Json;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps {@code METHOD /path} to endpoints, and does for every one of them what none should repeat.
 *
 * <p>A path is either exact ({@code /api/conversations}) or a template whose {@code {name}} segments match one
 * path segment each ({@code /api/conversations/{id}/members/{username}}); the endpoint reads them with
 * {@link Request#pathParam}, percent-decoded. Exact paths win over templates, and templates are tried in the order
 * they were registered.
 *
 * <ul>
 *   <li>An unknown path is a 404 and a known path with another method a 405, in the contract's error shape.</li>
 *   <li>A POST, PUT, PATCH or DELETE whose {@code Origin} is not allowed is refused with 403 before any endpoint runs
 *       (CSRF).</li>
 *   <li>CORS headers for allowed origins, and preflight answers.</li>
 *   <li>{@link ApiException} becomes its status and error, and a body field of the wrong type
 *       ({@link Json.BadJson}) a 400; a store that cannot be reached in time (see
 *       {@link StoreErrors}) is a 503 {@code store_unavailable} with {@code Retry-After}, for every endpoint of
 *       every service; anything else is logged with context and answered with a plain 500: a client never sees a
 *       stack trace or an internal message.</li>
 * </ul>
 * Register it on an {@link com.sun.net.httpserver.HttpServer} context that covers its paths, e.g. {@code /api/}.
 */
public final class Routes implements HttpHandler {

    private static final Logger log = LoggerFactory.getLogger(Routes.class);

    private final Map<String, Map<String, Endpoint>> byPath = new LinkedHashMap<>();
    private final Map<PathTemplate, Map<String, Endpoint>> byTemplate = new LinkedHashMap<>();
    private final Origins origins;
    private final boolean trustProxy;

    public Routes(Origins origins, boolean trustProxy) {
        this.origins = origins;
        this.trustProxy = trustProxy;
    }

    public Routes get(String path, Endpoint endpoint) {
        return add("GET", path, endpoint);
    }

    public Routes post(String path, Endpoint endpoint) {
        return add("POST", path, endpoint);
    }

    public Routes put(String path, Endpoint endpoint) {
        return add("PUT", path, endpoint);
    }

    public Routes patch(String path, Endpoint endpoint) {
        return add("PATCH", path, endpoint);
    }

    public Routes delete(String path, Endpoint endpoint) {
        return add("DELETE", path, endpoint);
    }

    private Routes add(String method, String path, Endpoint endpoint) {
        Map<String, Endpoint> endpoints = path.contains("{")
                ? byTemplate.computeIfAbsent(PathTemplate.of(path), p -> new LinkedHashMap<>())
                : byPath.computeIfAbsent(path, p -> new LinkedHashMap<>());
        endpoints.put(method, endpoint);
        return this;
    }

    /**
     * The paths served, so the caller can create one server context for each: the exact paths, and for each
     * template the part before its first parameter ({@code /api/conversations/}), which the JDK matches as a prefix.
     */
    public java.util.Set<String> paths() {
        java.util.Set<String> paths = new java.util.LinkedHashSet<>(byPath.keySet());
        byTemplate.keySet().forEach(template -> paths.add(template.prefix()));
        return java.util.Collections.unmodifiableSet(paths);
    }

    /** Answers the request; its access log line is written by {@link AccessLog}, around every handler alike. */
    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            dispatch(exchange);
        } catch (IOException e) {
            log.debug("event=http_io_error path={} error=\"{}\"", exchange.getRequestURI().getPath(), e.getMessage());
        }
    }

    private int dispatch(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String origin = exchange.getRequestHeaders().getFirst("Origin");
        exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        if (origins.allows(origin)) {
            exchange.getResponseHeaders().set("Access-Control-Allow-Origin", origin);
            exchange.getResponseHeaders().set("Access-Control-Allow-Credentials", "true");
            exchange.getResponseHeaders().set("Vary", "Origin");
        }

        Map<String, String> params = Map.of();
        Map<String, Endpoint> endpoints = byPath.get(exchange.getRequestURI().getPath());
        if (endpoints == null) {
            String rawPath = exchange.getRequestURI().getRawPath();
            for (Map.Entry<PathTemplate, Map<String, Endpoint>> entry : byTemplate.entrySet()) {
                Optional<Map<String, String>> match = entry.getKey().match(rawPath);
                if (match.isPresent()) {
                    params = match.get();
                    endpoints = entry.getValue();
                    break;
                }
            }
        }
        if (endpoints == null) {
            return sendError(exchange, new ApiException(404, "not_found", "No such endpoint."));
        }
        if (method.equals("OPTIONS")) {
            exchange.getResponseHeaders().set("Access-Control-Allow-Methods", String.join(", ", endpoints.keySet()));
            exchange.getResponseHeaders().set("Access-Control-Allow-Headers", "Content-Type, Authorization");
            exchange.sendResponseHeaders(204, -1);
            return 204;
        }
        Endpoint endpoint = endpoints.get(method);
        if (endpoint == null) {
            exchange.getResponseHeaders().set("Allow", String.join(", ", endpoints.keySet()));
            return sendError(exchange, new ApiException(405, "method_not_allowed", "Use " + String.join(" or ", endpoints.keySet()) + "."));
        }
        if (!method.equals("GET") && !method.equals("HEAD") && origin != null && !origins.allows(origin)) {
            return sendError(exchange, new ApiException(403, "forbidden_origin", "Requests from this site are not allowed."));
        }
        try {
            return send(exchange, endpoint.handle(new Request(exchange, trustProxy, params)));
        } catch (ApiException e) {
            return sendError(exchange, e);
        } catch (Json.BadJson e) {
            // A body field of the wrong type or missing (Json.string and the like): the client's mistake, said plainly.
            return sendError(exchange, ApiException.badRequest(e.getMessage() + "."));
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            if (StoreErrors.unavailable(e)) {
                // Expected under overload or an outage, not a bug: one line without the stack, and a retryable answer.
                log.warn("event=store_unavailable method={} path={} error=\"{}\"", method, exchange.getRequestURI().getPath(), StoreErrors.describe(e));
                return sendError(exchange, StoreErrors.answer());
            }
            log.error("event=http_error method={} path={} error=\"{}\"", method, exchange.getRequestURI().getPath(), e.toString(), e);
            return sendError(exchange, new ApiException(500, "internal", "Something went wrong on our side. Please try again."));
        }
    }

    private static int send(HttpExchange exchange, Reply reply) throws IOException {
        reply.cookies().forEach(cookie -> exchange.getResponseHeaders().add("Set-Cookie", cookie));
        return writeJson(exchange, reply.status(), Optional.ofNullable(reply.body()).map(Json::write).orElse(null));
    }

    private static int sendError(HttpExchange exchange, ApiException error) throws IOException {
        error.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        return writeJson(exchange, error.status(), Json.write(new ErrorBody(error.code(), error.getMessage())));
    }

    /** Writes a JSON body (or none when {@code json} is null) with {@code status}. */
    public static int writeJson(HttpExchange exchange, int status, String json) throws IOException {
        if (json == null) {
            exchange.sendResponseHeaders(status, -1);
            return status;
        }
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
        return status;
    }

    /** The contract's error shape. */
    public record ErrorBody(String error, String message) {
    }
}
