package chitchat.chat.testing;

import chitchat.chat.ChatServer;
import chitchat.config.Env;
import chitchat.store.DatabaseConnection;
import chitchat.testbed.LocalRedis;
import chitchat.testbed.LocalRedisCluster;
import chitchat.testbed.LoopbackHttp;
import chitchat.testbed.TestMongo;
import chitchat.testbed.WsClient;
import chitchat.token.JwtSecret;
import chitchat.token.Tokens;
import chitchat.users.UserStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Real chat-server instances for a test: each started in this JVM with its own ports, all sharing one real
 * Redis and one database, as in production. Users are created directly in the store (the chat-server only
 * needs them to exist) and tokens signed with the cluster's secret.
 */
public final class ChatCluster implements AutoCloseable {

    public static final String SECRET = "test-secret-test-secret-test-secret-0123456789";

    private final LocalRedis redis;
    private final String database = TestMongo.freshDatabase();
    private final DatabaseConnection store;
    private final UserStore users;
    private final Tokens tokens = new Tokens(JwtSecret.of(SECRET), Duration.ofHours(1));
    private final List<ChatServer> servers = new ArrayList<>();
    private final Path dataDir;

    public ChatCluster(int instances, Map<String, String> extraEnv) {
        this(instances, extraEnv, null);
    }

    /**
     * With {@code redisCluster} not null, the instances use it ({@code REDIS_CLUSTER_NODES}: sharded Pub/Sub) and
     * no single Redis is started; the caller owns the Redis Cluster and closes it after this.
     */
    public ChatCluster(int instances, Map<String, String> extraEnv, LocalRedisCluster redisCluster) {
        this.redis = redisCluster == null ? LocalRedis.start() : null;
        if (redis != null) {
            System.out.println("[test-redis] " + redis.describe() + " on port " + redis.port());
        }
        this.store = DatabaseConnection.connect(TestMongo.uri(), database);
        this.users = new UserStore(store.database());
        try {
            this.dataDir = Files.createTempDirectory("chat-cluster");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (int i = 0; i < instances; i++) {
            Map<String, String> env = new HashMap<>(Map.of(
                    "HTTP_PORT", "0", "WS_PORT", "0",
                    "MONGO_URI", TestMongo.uri(), "MONGO_DB", database,
                    redis != null ? "REDIS_URL" : "REDIS_CLUSTER_NODES", redis != null ? redis.url() : redisCluster.seeds(),
                    "JWT_SECRET", SECRET,
                    "DATA_DIR", dataDir.toString(),
                    "ALLOWED_ORIGINS", "http://localhost:8080"));
            env.putAll(extraEnv);
            servers.add(ChatServer.start(new Env(env)));
        }
    }

    public ChatServer instance(int i) {
        return servers.get(i);
    }

    /** Shuts instance {@code i} down gracefully (as on SIGTERM), before the rest of the cluster. */
    public void stop(int i) {
        servers.get(i).close();
        servers.set(i, null);
    }

    public LocalRedis redis() {
        return redis;
    }

    public DatabaseConnection store() {
        return store;
    }

    public Tokens tokens() {
        return tokens;
    }

    /** Creates users that the chat-server will accept as receivers, and returns a token for the first. */
    public void createUsers(String... names) {
        for (String name : names) {
            users.create(name, "$2a$10$notarealhashnotarealhashnotarealhashnotarealhashnotarea");
        }
    }

    public String token(String user) {
        return tokens.issue(user);
    }

    public WsClient connect(int instance, String user) {
        return WsClient.connect(instance(instance).wsPort(), token(user));
    }

    public HttpResponse<String> get(int instance, String pathAndQuery, String token) {
        return request(instance, "GET", pathAndQuery, token, null);
    }

    /** Any request, with a JSON body when {@code jsonBody} is not null (an object, written with gson). */
    public HttpResponse<String> request(int instance, String method, String pathAndQuery, String token, Object jsonBody) {
        return LoopbackHttp.send(LoopbackHttp.request(instance(instance).httpPort(), method, pathAndQuery, token, jsonBody));
    }

    /** Waits until every instance's {@code /healthz} says ok (e.g. after Redis came back). */
    public void awaitHealthy(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int i = 0; i < servers.size(); i++) {
            while (get(i, "/healthz", null).statusCode() != 200) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("instance " + i + " not healthy within " + timeout + ": " + get(i, "/healthz", null).body());
                }
                sleep(100);
            }
        }
    }

    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        servers.stream().filter(java.util.Objects::nonNull).forEach(ChatServer::close);
        store.database().drop();
        store.close();
        if (redis != null) {
            redis.close();
        }
        try (var files = Files.walk(dataDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a temp dir left behind is harmless
        }
    }
}
