package chitchat.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The environment read into typed settings: defaults, checked values, and messages that name what to set. */
@Timeout(10)
class ConfigTest {

    private static final List<String> OWN = List.of("http://localhost:9999");

    private static Config config(String... pairs) {
        Map<String, String> vars = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            vars.put(pairs[i], pairs[i + 1]);
        }
        return Config.from(new Env(vars), 8081, OWN);
    }

    @Test
    void defaultsAreTheContractsDefaults() {
        Config config = config();
        assertEquals(8081, config.httpPort());
        assertEquals(Optional.empty(), config.mongoUri());
        assertEquals("chitchat", config.mongoDb());
        assertEquals(Optional.empty(), config.redisUrl());
        assertEquals(OWN, config.allowedOrigins());
        assertFalse(config.cookieSecure());
        assertEquals(Path.of("./data").toAbsolutePath().normalize(), config.dataDir());
        assertFalse(config.production());
        assertFalse(config.trustProxy());
    }

    @Test
    void aRedisClusterIsNamedByItsSeedNodesAndExcludesASingleRedis() {
        assertEquals(List.of(), config().redisClusterNodes());
        Config cluster = config("REDIS_CLUSTER_NODES", " cache-1:6379, 10.0.0.2:7000 ,", "REDIS_CLUSTER_TLS", "true");
        assertEquals(List.of("cache-1:6379", "10.0.0.2:7000"), cluster.redisClusterNodes());
        assertTrue(cluster.redisClusterTls());
        assertEquals(Optional.empty(), cluster.redisUrl());
        for (String bad : List.of("cache-1", "redis://cache:6379", "host:port", ",")) {
            ConfigException e = assertThrows(ConfigException.class, () -> config("REDIS_CLUSTER_NODES", bad), bad);
            assertTrue(e.getMessage().contains("REDIS_CLUSTER_NODES"), e.getMessage());
        }
        ConfigException both = assertThrows(ConfigException.class,
                () -> config("REDIS_URL", "redis://cache:6379", "REDIS_CLUSTER_NODES", "cache-1:6379"));
        assertTrue(both.getMessage().contains("not both"), both.getMessage());
    }

    @Test
    void readsEverySetting() {
        Config config = config("HTTP_PORT", "0", "MONGO_URI", "mongodb://db:27017", "MONGO_DB", "chat",
                "REDIS_URL", "redis://cache:6379", "ALLOWED_ORIGINS", "https://chat.example.com",
                "COOKIE_SECURE", "true", "DATA_DIR", "/tmp/x/../y", "APP_ENV", "Production", "TRUST_PROXY", "yes");
        assertEquals(0, config.httpPort());
        assertEquals(Optional.of("mongodb://db:27017"), config.mongoUri());
        assertEquals("chat", config.mongoDb());
        assertEquals(Optional.of(URI.create("redis://cache:6379")), config.redisUrl());
        assertEquals(List.of("https://chat.example.com"), config.allowedOrigins());
        assertTrue(config.cookieSecure());
        assertEquals(Path.of("/tmp/y"), config.dataDir());
        assertTrue(config.production());
        assertTrue(config.trustProxy());
    }

    @Test
    void blankVariablesCountAsUnset() {
        Config config = config("HTTP_PORT", " ", "MONGO_URI", "", "REDIS_URL", "  ", "ALLOWED_ORIGINS", "");
        assertEquals(8081, config.httpPort());
        assertTrue(config.mongoUri().isEmpty());
        assertTrue(config.redisUrl().isEmpty());
        assertEquals(OWN, config.allowedOrigins());
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "-1", "65536", "80.5", "8o8o", "99999999999"})
    void refusesABadPortNamingTheVariable(String port) {
        ConfigException error = assertThrows(ConfigException.class, () -> config("HTTP_PORT", port));
        assertTrue(error.getMessage().contains("HTTP_PORT"), error.getMessage());
        assertTrue(error.getMessage().contains(port), error.getMessage());
    }

    @Test
    void acceptsPortsAtTheEdgesOfTheRange() {
        assertEquals(0, config("HTTP_PORT", "0").httpPort());
        assertEquals(65535, config("HTTP_PORT", "65535").httpPort());
        assertEquals(8081, config("HTTP_PORT", " 8081 ").httpPort());
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost:6379", "http://cache:6379", "redis://", "redis:///0", "redis:// bad host", "cache"})
    void refusesABadRedisUrl(String url) {
        ConfigException error = assertThrows(ConfigException.class, () -> config("REDIS_URL", url));
        assertTrue(error.getMessage().contains("REDIS_URL"), error.getMessage());
    }

    @Test
    void acceptsRedisAndRedissWithCredentials() {
        assertEquals("rediss", config("REDIS_URL", "rediss://cache.example.com:6380").redisUrl().orElseThrow().getScheme());
        URI withAuth = config("REDIS_URL", "redis://user:s3cret@cache:6379").redisUrl().orElseThrow();
        assertEquals("cache", withAuth.getHost());
        assertEquals(6379, withAuth.getPort());
    }

    @Test
    void aRefusedRedisUrlNeverShowsItsPassword() {
        ConfigException error = assertThrows(ConfigException.class,
                () -> config("REDIS_URL", "http://user:hunter2secret@cache:6379"));
        assertFalse(error.getMessage().contains("hunter2secret"), error.getMessage());
        assertTrue(error.getMessage().contains("user:***@"), error.getMessage());
    }

    @Test
    void redactHidesPasswordsAndKeepsTheRest() {
        assertEquals("redis://user:***@cache:6379", Config.redact("redis://user:pw@cache:6379"));
        assertEquals("rediss://:***@cache:6380/0", Config.redact("rediss://:onlypassword@cache:6380/0"));
        assertEquals("mongodb://admin:***@db1:27017,db2:27017/chat?authSource=admin",
                Config.redact("mongodb://admin:p%40ss@db1:27017,db2:27017/chat?authSource=admin"));
        assertEquals("redis://cache:6379", Config.redact("redis://cache:6379"));
        assertEquals("redis://u:***@h:6379", Config.redact("redis://u:pa/ss@h:6379"), "a '/' in the password");
        assertEquals("redis://u:***@h:6379", Config.redact("redis://u:p@ss@h:6379"), "an '@' in the password");
        assertEquals("redis://user@cache:6379", Config.redact("redis://user@cache:6379"));
    }

    @Test
    void parsesAllowedOrigins() {
        assertEquals(List.of("https://chat.example.com", "http://localhost:8080"),
                config("ALLOWED_ORIGINS", " https://chat.example.com/ , http://localhost:8080,,").allowedOrigins());
        assertEquals(List.of("http://127.0.0.1:3000"), config("ALLOWED_ORIGINS", "http://127.0.0.1:3000").allowedOrigins());
    }

    @ParameterizedTest
    @ValueSource(strings = {"chat.example.com", "ftp://chat.example.com", "https://chat.example.com/app", "*",
            "https://a.example.com,notanorigin", "https://"})
    void refusesOriginsThatAreNotOrigins(String origins) {
        ConfigException error = assertThrows(ConfigException.class, () -> config("ALLOWED_ORIGINS", origins));
        assertTrue(error.getMessage().contains("ALLOWED_ORIGINS"), error.getMessage());
    }

    @Test
    void aServiceAllowsItsOwnPortAndThePublicPortByDefault() {
        Config config = Config.forService(new Env(Map.of("HTTP_PORT", "9123")), 8081);
        assertTrue(config.allowedOrigins().containsAll(List.of(
                "http://localhost:8080", "http://127.0.0.1:8080", "http://localhost:9123", "http://127.0.0.1:9123")),
                config.allowedOrigins().toString());
        assertFalse(config.allowedOrigins().contains("http://localhost:8081"));
    }
}
