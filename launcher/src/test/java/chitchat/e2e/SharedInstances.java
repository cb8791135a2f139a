package chitchat.e2e;

import chitchat.store.EmbeddedMongo;
import chitchat.testbed.LocalRedis;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The environment of one {@code make run} instance among several that share a store and a real Redis, as the
 * browser tests that cross instances (or restart one) start them: same key, same database, own data directory.
 */
final class SharedInstances {

    static final String SECRET = "e2e-secret-e2e-secret-e2e-secret-0123456789";

    private SharedInstances() {
    }

    /** For instance {@code name} on {@code http} and {@code ws} (0: any free port), in database {@code db}. */
    static Map<String, String> env(Path temp, String name, String db, EmbeddedMongo store, LocalRedis redis, int http, int ws)
            throws IOException {
        Map<String, String> env = new HashMap<>();
        env.put("HTTP_PORT", String.valueOf(http));
        env.put("WS_PORT", String.valueOf(ws));
        env.put("DATA_DIR", Files.createDirectories(temp.resolve("data-" + name)).toString());
        env.put("STATIC_DIR", Browser.staticClient().toString());
        env.put("BCRYPT_COST", "10");
        env.put("JWT_SECRET", SECRET);
        env.put("MONGO_URI", store.connectionString());
        env.put("MONGO_DB", db);
        env.put("REDIS_URL", redis.url());
        return env;
    }
}
