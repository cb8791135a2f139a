package chitchat.http;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One log line per HTTP request, whatever answered it: the API, {@code /healthz}, {@code /metrics}, a static file or
 * the dev gateway's forwarding.
 *
 * <p>A JDK {@link Filter} on every context ({@link HttpServers#context}), not a line written by each handler: a
 * handler that forgets, or one written by the JDK (the file server), would leave requests no one can see. The
 * status is the one the handler sent ({@code -1}, logged as 0, when it sent none: the client went away first).
 */
final class AccessLog extends Filter {

    private static final Logger log = LoggerFactory.getLogger("chitchat.http.access");
    static final AccessLog INSTANCE = new AccessLog();

    private AccessLog() {
    }

    @Override
    public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
        long start = System.nanoTime();
        try {
            chain.doFilter(exchange);
        } finally {
            log.info("event=http method={} path={} status={} ms={}", exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                    Math.max(0, exchange.getResponseCode()), (System.nanoTime() - start) / 1_000_000);
        }
    }

    @Override
    public String description() {
        return "one access log line per request";
    }
}
