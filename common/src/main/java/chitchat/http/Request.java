package chitchat.http;

import chitchat.json.Json;
import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Bounded, typed access to one HTTP request.
 *
 * <p>Bodies are read up to {@link #MAX_BODY_BYTES} and no further, so a client cannot make the server buffer an
 * unbounded upload; JSON bodies must say {@code application/json}, which a cross-site HTML form cannot send.
 */
public final class Request {

    public static final int MAX_BODY_BYTES = 16 * 1024;

    private final HttpExchange exchange;
    private final boolean trustProxy;
    private final Map<String, String> pathParams;
    private Map<String, String> query;

    Request(HttpExchange exchange, boolean trustProxy, Map<String, String> pathParams) {
        this.exchange = exchange;
        this.trustProxy = trustProxy;
        this.pathParams = pathParams;
    }

    public String method() {
        return exchange.getRequestMethod();
    }

    public String path() {
        return exchange.getRequestURI().getPath();
    }

    public Optional<String> header(String name) {
        return Optional.ofNullable(exchange.getRequestHeaders().getFirst(name));
    }

    /** A {@code {name}} segment of the route's path template, percent-decoded. */
    public String pathParam(String name) {
        String value = pathParams.get(name);
        if (value == null) {
            throw new IllegalArgumentException("the route has no path parameter " + name);
        }
        return value;
    }

    /** A query parameter; the first one wins when repeated. */
    public Optional<String> query(String name) {
        if (query == null) {
            query = parseQuery(exchange.getRequestURI().getRawQuery());
        }
        return Optional.ofNullable(query.get(name));
    }

    /** The body as a JSON object, or a 400 saying why it is not one. */
    public JsonObject jsonBody() throws IOException {
        String contentType = header("Content-Type").orElse("").toLowerCase();
        if (!contentType.startsWith("application/json")) {
            throw new ApiException(415, "unsupported_media_type", "Send the body as application/json.");
        }
        try {
            return Json.parseObject(new String(readBody(), StandardCharsets.UTF_8));
        } catch (Json.BadJson e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    private byte[] readBody() throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
            if (body.length > MAX_BODY_BYTES) {
                // The rest of the body is never read, so this connection cannot carry another request: say so, or
                // a client reusing it would meet a reset instead of its next answer.
                throw new ApiException(413, "too_large", "The body is larger than " + MAX_BODY_BYTES / 1024 + " KiB.",
                        java.util.Map.of("Connection", "close"));
            }
            return body;
        }
    }

    /** The session token: the {@code token} cookie, else an {@code Authorization: Bearer} header. */
    public Optional<String> token() {
        return SessionToken.from(exchange.getRequestHeaders());
    }

    /** The user this request's valid session token names, or a 401. */
    public String requireUser(chitchat.token.Tokens tokens) {
        return token().flatMap(tokens::verify).map(chitchat.token.Tokens.Session::username)
                .orElseThrow(ApiException::unauthorized);
    }

    /** The client's address: the peer, or the last proxy's view of it when behind a trusted proxy. */
    public String clientAddress() {
        return ClientAddress.of(exchange.getRequestHeaders().getFirst("X-Forwarded-For"), exchange.getRemoteAddress(), trustProxy);
    }

    private static Map<String, String> parseQuery(String raw) {
        Map<String, String> params = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return params;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            try {
                params.putIfAbsent(URLDecoder.decode(key, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("The query string is not valid URL encoding.");
            }
        }
        return params;
    }
}
