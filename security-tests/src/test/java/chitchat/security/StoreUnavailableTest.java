package chitchat.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chitchat.http.HttpServers;
import chitchat.http.Origins;
import chitchat.http.Routes;
import chitchat.json.Json;
import chitchat.testbed.LoopbackHttp;
import com.mongodb.MongoSocketOpenException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.ServerAddress;
import com.sun.net.httpserver.HttpServer;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 10 (5): when the store cannot be reached or its connection pool is exhausted, the MongoDB driver throws;
 * every endpoint of both services answers that with 503 {@code store_unavailable} and a {@code Retry-After}, not a
 * 500 (a client should retry, an operator should see the store, not a bug). The endpoints here throw what the
 * driver throws, through the very {@link Routes} both services use.
 */
@Timeout(30)
class StoreUnavailableTest {

    @Test
    void driverTimeoutsAndUnreachableStoresAre503StoreUnavailable() throws Exception {
        Routes routes = new Routes(new Origins(List.of("http://localhost:8080")), false)
                .get("/api/pool", request -> {
                    throw new MongoTimeoutException("Timed out after 5000 ms while waiting for a connection to server localhost:27017.");
                })
                .get("/api/down", request -> {
                    throw new MongoSocketOpenException("Exception opening socket", new ServerAddress("localhost", 1));
                })
                .get("/api/wrapped", request -> {
                    throw new IllegalStateException("wrapped", new MongoTimeoutException("server selection"));
                })
                .get("/api/bug", request -> {
                    throw new IllegalStateException("a real bug");
                });
        HttpServer http = HttpServers.create(new chitchat.config.Env(java.util.Map.of()), chitchat.http.Exposure.DEVELOPMENT, 0);
        http.createContext("/", routes);
        http.start();
        try {
            int port = http.getAddress().getPort();
            for (String path : List.of("/api/pool", "/api/down", "/api/wrapped")) {
                HttpResponse<String> response = LoopbackHttp.send(LoopbackHttp.request(port, path));
                assertEquals(503, response.statusCode(), path + ": " + response.body());
                assertEquals("store_unavailable", Json.parseObject(response.body()).get("error").getAsString(), path);
                assertTrue(response.headers().firstValue("Retry-After").isPresent(), path + ": Retry-After");
                Leaks.assertNoInternals(path, response.body());
            }
            HttpResponse<String> bug = LoopbackHttp.send(LoopbackHttp.request(port, "/api/bug"));
            assertEquals(500, bug.statusCode(), "anything else is still a 500");
        } finally {
            http.stop(0);
        }
    }
}
