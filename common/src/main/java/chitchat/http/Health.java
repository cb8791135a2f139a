package chitchat.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code GET /healthz}: 200 with {@code "status":"ok"} when every dependency answers, 503 otherwise.
 *
 * <p>Load balancers and container health checks take a process out of rotation on 503, so a check reports only
 * what makes this process unable to serve (its database, its broker), plus a few figures for people reading it.
 */
public final class Health implements HttpHandler {

    /** One dependency's state: whether it is usable, and what to show about it. */
    public record Check(boolean up, Object detail) {
    }

    private final Map<String, Supplier<Check>> checks = new LinkedHashMap<>();
    private final Map<String, Supplier<Object>> figures = new LinkedHashMap<>();

    public Health check(String name, Supplier<Check> check) {
        checks.put(name, check);
        return this;
    }

    public Health figure(String name, Supplier<Object> figure) {
        figures.put(name, figure);
        return this;
    }

    /** The current body, and whether everything is up. */
    public Map<String, Object> report() {
        Map<String, Object> body = new LinkedHashMap<>();
        boolean up = true;
        for (var entry : checks.entrySet()) {
            Check check;
            try {
                check = entry.getValue().get();
            } catch (RuntimeException e) {
                check = new Check(false, "error");
            }
            up &= check.up();
            body.put(entry.getKey(), check.detail());
        }
        figures.forEach((name, figure) -> body.put(name, figure.get()));
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("status", up ? "ok" : "unavailable");
        result.putAll(body);
        return result;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, Object> report = report();
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            Routes.writeJson(exchange, "ok".equals(report.get("status")) ? 200 : 503, chitchat.json.Json.write(report));
        }
    }
}
