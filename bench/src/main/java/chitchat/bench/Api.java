package chitchat.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * The HTTP side of the contract, as the load tool needs it: sign up (and keep the session token), create
 * conversations, fetch a page of history or the conversation list, scrape {@code /metrics}. One JDK {@link HttpClient} (HTTP/1.1, keep-alive) for everything.
 */
final class Api {

    /** A signed-up user and the JWT from its {@code token} cookie, sent as {@code Authorization: Bearer}. */
    record User(String name, String token) {
    }

    static final String PASSWORD = "bench-password-1";

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .executor(Executors.newVirtualThreadPerTaskExecutor())
            .build();

    /**
     * Signs one user up; the contract answers 201 with {@code Set-Cookie: token=<jwt>}. A 503 {@code busy} (the
     * auth-server's password-hashing queue was full for 3 s, which happens when someone else is using the cores)
     * is tried again, up to 5 times, a second apart and more: it means "try again in a moment".
     */
    User signup(String authUrl, String username) {
        String body = "{\"username\":\"" + username + "\",\"password\":\"" + PASSWORD + "\"}";
        HttpRequest request = HttpRequest.newBuilder(URI.create(authUrl + "/api/auth/signup"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> response = send(request);
        for (int attempt = 1; attempt <= 5 && response.statusCode() == 503; attempt++) {
            try {
                Thread.sleep(1000L * attempt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            response = send(request);
        }
        if (response.statusCode() != 201) {
            throw new IllegalStateException("signup of " + username + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith("token="))
                .map(c -> c.substring("token=".length()).split(";", 2)[0])
                .findFirst()
                .map(token -> new User(username, token))
                .orElseThrow(() -> new IllegalStateException("signup of " + username + " set no token cookie"));
    }

    /**
     * Signs many users up, a few at a time: the auth-server hashes only a few passwords at once (half its
     * cores) and queues a bounded number more, so more in flight would only be told 503 busy.
     */
    List<User> signupAll(String authUrl, List<String> usernames) throws Exception {
        Semaphore inFlight = new Semaphore(8);
        List<Future<User>> futures = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (String name : usernames) {
                futures.add(threads.submit(() -> {
                    inFlight.acquire();
                    try {
                        return signup(authUrl, name);
                    } finally {
                        inFlight.release();
                    }
                }));
            }
        }
        List<User> users = new ArrayList<>();
        for (Future<User> f : futures) {
            users.add(f.get());
        }
        return users;
    }

    /** GET with a bearer token; the caller looks at the status. */
    HttpResponse<String> get(String url, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return send(request.build());
    }

    /** POST of a JSON body with a bearer token; the caller looks at the status. */
    HttpResponse<String> post(String url, String token, String json) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build();
        return send(request);
    }

    /** The Prometheus text of a service's {@code /metrics}, or empty text when it does not answer. */
    String metrics(String baseUrl) {
        try {
            HttpResponse<String> response = get(baseUrl + "/metrics", null);
            return response.statusCode() == 200 ? response.body() : "";
        } catch (RuntimeException e) {
            return "";
        }
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(request.method() + " " + request.uri() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
