package chitchat.reliability;

import chitchat.store.DatabaseConnection;
import chitchat.testbed.LocalRedis;
import chitchat.testbed.TestMongo;
import chitchat.token.JwtSecret;
import chitchat.token.Tokens;
import chitchat.users.UserStore;
import com.mongodb.client.MongoCollection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.bson.Document;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ClientKillParams;

/**
 * What production runs, on loopback, as separate processes: a real Redis (with a password), the store, and
 * chat-server instances that share both. The test breaks pieces of it and reads the outcome from the clients,
 * {@code /healthz}, {@code /metrics}, Redis and the store itself.
 *
 * <p>The store is the embedded one in its own process (which the store-outage test kills and restarts), or a real
 * MongoDB when {@code MONGO_URI} is set (then in a fresh database, and it cannot be killed). Users are created
 * directly in the store and tokens signed with this topology's random secret, as the auth-server would.
 *
 * <p>Every secret that passes through the processes (the JWT key, every token issued, the Redis password, a
 * user's password and its hash) is remembered, and {@link #assertNoSecretsInLogs} checks that none of them appears
 * in anything a process printed.
 */
final class Topology implements AutoCloseable {

    /** A password the users "have"; the chat-server never needs it, so it must never be in a log. */
    static final String PASSWORD = "correct-horse-battery-staple-42";
    /** Not a real bcrypt hash of it: the chat-server only checks that users exist. */
    static final String PASSWORD_HASH = "$2a$10$k2CJ1Nnpl2yvIGi0AuI7GOIxUuIbcsDqLoJ3CrLTtAI9Jym5y4N3e";
    static final String ORIGIN = "http://localhost:8080";

    private final String name;
    private final Path logDir;
    private final String jwtSecret = randomSecret();
    private final String redisPassword = randomSecret().substring(0, 24);
    /** Each instance logs in to Redis as its own ACL user, so a test can cut one instance off and not the others. */
    private final Map<String, String> redisUsers = new java.util.LinkedHashMap<>();
    private final Tokens tokens = new Tokens(JwtSecret.of(jwtSecret), Duration.ofHours(1));
    private final Set<String> secrets = ConcurrentHashMap.newKeySet();
    private final List<OsProcess> processes = new ArrayList<>();
    private final List<ChatProcess> instances = new ArrayList<>();
    private LocalRedis redis;
    private final Runnable redisOnExit = () -> redis.close();
    private StoreProcess storeProcess;
    private String mongoUri;
    private final String database;
    private DatabaseConnection store;

    /**
     * Starts Redis, the store, and {@code instances} chat-servers with {@code extraEnv} (limits, for example) and
     * extra JVM arguments; waits until every instance says it is healthy. Stops what it started if that fails.
     */
    Topology(String name, int instances, Map<String, String> extraEnv, List<String> jvmArgs) {
        this.name = name;
        this.logDir = Path.of(System.getProperty("chitchat.logDir", "target/process-logs")).toAbsolutePath().resolve(name);
        secrets.addAll(List.of(jwtSecret, redisPassword, PASSWORD, PASSWORD_HASH));
        String external = System.getenv("MONGO_URI");
        this.database = external == null || external.isBlank() ? "chitchat" : TestMongo.freshDatabase();
        try {
            deleteRecursively(logDir);
            Files.createDirectories(logDir);
            redis = LocalRedis.start(Ports.free());
            OsProcess.stopOnExit(redisOnExit);
            if (external == null || external.isBlank()) {
                storeProcess = StoreProcess.start(logDir.resolve("store-data"), logDir);
                processes.add(storeProcess.process());
                mongoUri = storeProcess.uri();
            } else {
                mongoUri = TestMongo.uri();
            }
            store = DatabaseConnection.connect(mongoUri, database);
            for (int i = 0; i < instances; i++) {
                String instanceName = "chat-" + (char) ('a' + i);
                redisUsers.put(instanceName, randomSecret().substring(0, 24));
                secrets.add(redisUsers.get(instanceName));
            }
            protectRedis();
            for (String instanceName : redisUsers.keySet()) {
                ChatProcess instance = ChatProcess.start(instanceName, chatEnv(instanceName, extraEnv), jvmArgs, logDir);
                this.instances.add(instance);
                processes.add(instance.process());
            }
            for (ChatProcess instance : this.instances) {
                instance.awaitHealthy(Duration.ofSeconds(60));
            }
            System.out.printf("[reliability] %s: redis %s on %d, store %s, %d chat-server process(es), logs in %s%n",
                    name, redis.describe(), redis.port(), storeProcess != null ? "embedded (own process)" : "MONGO_URI",
                    instances, logDir);
        } catch (IOException e) {
            close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    private Map<String, String> chatEnv(String instanceName, Map<String, String> extraEnv) {
        Map<String, String> env = new HashMap<>();
        env.put("MONGO_URI", mongoUri);
        env.put("MONGO_DB", database);
        env.put("REDIS_URL", "redis://" + instanceName + ":" + redisUsers.get(instanceName) + "@127.0.0.1:" + redis.port());
        env.put("JWT_SECRET", jwtSecret);
        env.put("ALLOWED_ORIGINS", ORIGIN);
        env.put("DATA_DIR", logDir.resolve("chat-data").toString());
        // These tests are about delivery: a device may page a catch-up of many pages, several at once after faults.
        env.put("HISTORY_RATE_PER_SECOND", "100000");
        env.put("HISTORY_RATE_BURST", "100000");
        env.put("HISTORY_MAX_IN_FLIGHT", "10000");
        env.putAll(extraEnv);
        return env;
    }

    /**
     * Requires passwords: the default user's (the test's own), and one ACL user per instance, which is how the
     * instances log in. A password must never reach a log.
     */
    private void protectRedis() {
        try (Jedis jedis = new Jedis("127.0.0.1", redis.port())) {
            jedis.configSet("requirepass", redisPassword);
            jedis.auth(redisPassword);
            redisUsers.forEach((user, password) -> jedis.aclSetUser(user, "reset", "on", ">" + password, "~*", "&*", "+@all"));
        }
    }

    ChatProcess instance(int i) {
        return instances.get(i);
    }

    List<ChatProcess> instances() {
        return List.copyOf(instances);
    }

    /** SIGKILLs Redis. */
    void stopRedis() {
        redis.stopProcess();
    }

    /** Starts Redis again on the same port, with the same password. */
    void startRedis() {
        redis.startProcess();
        protectRedis();
    }

    /**
     * Cuts instance {@code i} off from Redis, as a network partition would, while the others keep their link:
     * its Redis user is disabled and its connections killed, so it cannot reconnect until {@link #reconnectRedis}.
     */
    void partitionFromRedis(int i) {
        try (Jedis jedis = redisClient()) {
            String user = instances.get(i).name();
            jedis.aclSetUser(user, "off");
            jedis.clientKill(ClientKillParams.clientKillParams().user(user));
        }
    }

    void reconnectRedis(int i) {
        try (Jedis jedis = redisClient()) {
            jedis.aclSetUser(instances.get(i).name(), "on");
        }
    }

    Jedis redisClient() {
        Jedis jedis = new Jedis("127.0.0.1", redis.port(), 5000);
        jedis.auth(redisPassword);
        return jedis;
    }

    /** The embedded store's process; the store-outage test needs it (and is skipped when MONGO_URI is set). */
    StoreProcess storeProcess() {
        return storeProcess;
    }

    MongoCollection<Document> messages() {
        return store.database().getCollection("messages");
    }

    MongoCollection<Document> users() {
        return store.database().getCollection("users");
    }

    void createUsers(String... names) {
        UserStore users = new UserStore(store.database());
        for (String user : names) {
            users.create(user, PASSWORD_HASH);
        }
    }

    /** A session token for {@code user}, as the auth-server would issue it; remembered for the log check. */
    String token(String user) {
        String token = tokens.issue(user);
        secrets.add(token);
        return token;
    }

    /** Something else a log must never contain, e.g. a forged token a test sent. */
    void rememberSecret(String secret) {
        secrets.add(secret);
    }

    /** Stops every process this topology started (SIGKILL: the test is over, a graceful stop only costs time). */
    @Override
    public void close() {
        for (OsProcess process : processes) {
            try {
                process.kill();
            } catch (RuntimeException e) {
                System.err.println("[reliability] could not stop " + process.name() + ": " + e);
            }
        }
        if (store != null) {
            try {
                if (storeProcess == null) {
                    store.database().drop();
                }
            } catch (RuntimeException ignored) {
                // best effort: a fresh database per test anyway
            }
            store.close();
        }
        if (redis != null) {
            redis.close();
            OsProcess.forget(redisOnExit);
        }
    }

    /** Fails when any secret this topology handed out appears in any line any of its processes printed. */
    void assertNoSecretsInLogs() {
        List<String> leaks = new ArrayList<>();
        try (Stream<Path> files = Files.list(logDir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".log")).toList()) {
                // Byte for byte (Latin-1 maps every byte): a log may hold bytes that are not UTF-8; the secrets are ASCII.
                List<String> lines = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
                for (int i = 0; i < lines.size(); i++) {
                    for (String secret : secrets) {
                        if (lines.get(i).contains(secret)) {
                            leaks.add(file.getFileName() + ":" + (i + 1) + " contains a secret (" + secret.substring(0, 6) + "...)");
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!leaks.isEmpty()) {
            throw new AssertionError(name + ": secrets in process logs:\n" + String.join("\n", leaks));
        }
    }

    private static String randomSecret() {
        byte[] bytes = new byte[36];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
