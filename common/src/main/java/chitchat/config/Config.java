package chitchat.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The settings both services share, as the contract names them.
 *
 * @param httpPort       HTTP listener ({@code HTTP_PORT}); 0 picks a free port (tests)
 * @param mongoUri       a real MongoDB, or empty for the embedded store under {@code dataDir}
 * @param mongoDb        database name
 * @param redisUrl       Redis for cross-instance delivery, or empty for the in-process broker
 * @param redisClusterNodes seed nodes ({@code host:port}) of a Redis Cluster for sharded Pub/Sub
 *                       ({@code REDIS_CLUSTER_NODES}), or empty; exclusive with {@code REDIS_URL}
 * @param redisClusterTls whether the cluster's nodes are reached over TLS ({@code REDIS_CLUSTER_TLS}, as ElastiCache
 *                       with encryption in transit needs)
 * @param allowedOrigins origins allowed for CORS, POST and the WebSocket handshake
 * @param cookieSecure   whether the auth cookie carries {@code Secure}
 * @param dataDir        where embedded data (store files, the dev JWT key) lives
 * @param production     {@code APP_ENV=production}: no dev fallbacks for secrets
 * @param trustProxy     take the client address from the last {@code X-Forwarded-For} hop (behind nginx/ALB)
 */
public record Config(
        int httpPort,
        Optional<String> mongoUri,
        String mongoDb,
        Optional<URI> redisUrl,
        List<String> redisClusterNodes,
        boolean redisClusterTls,
        List<String> allowedOrigins,
        boolean cookieSecure,
        Path dataDir,
        boolean production,
        boolean trustProxy) {

    /**
     * Reads the shared settings.
     *
     * @param defaultHttpPort this process's port from the contract (8081 auth, 8082 chat, 8080 launcher)
     * @param ownOrigins      the origins this process serves pages from, used when ALLOWED_ORIGINS is unset
     */
    public static Config from(Env env, int defaultHttpPort, List<String> ownOrigins) {
        Optional<URI> redisUrl = env.optional("REDIS_URL").map(Config::redisUri);
        List<String> clusterNodes = env.optional("REDIS_CLUSTER_NODES").map(Config::clusterNodes).orElse(List.of());
        if (redisUrl.isPresent() && !clusterNodes.isEmpty()) {
            throw new ConfigException("set REDIS_URL (one Redis) or REDIS_CLUSTER_NODES (a Redis Cluster), not both");
        }
        return new Config(
                env.integer("HTTP_PORT", defaultHttpPort, 0, 65535),
                env.optional("MONGO_URI"),
                env.string("MONGO_DB", "chitchat"),
                redisUrl,
                clusterNodes,
                env.bool("REDIS_CLUSTER_TLS", false),
                env.optional("ALLOWED_ORIGINS").map(Config::origins).orElse(ownOrigins),
                env.bool("COOKIE_SECURE", false),
                Path.of(env.string("DATA_DIR", "./data")).toAbsolutePath().normalize(),
                env.string("APP_ENV", "development").equalsIgnoreCase("production"),
                env.bool("TRUST_PROXY", false));
    }

    /**
     * The settings of a service listening on {@code HTTP_PORT} (else {@code defaultHttpPort}), whose pages are
     * served locally from that port or from the contract's public port 8080 (make run, docker-compose).
     */
    public static Config forService(Env env, int defaultHttpPort) {
        List<String> own = new java.util.ArrayList<>(localOrigins(8080));
        own.addAll(localOrigins(env.integer("HTTP_PORT", defaultHttpPort, 0, 65535)));
        return from(env, defaultHttpPort, own);
    }

    /** The origins a browser uses for a page served on {@code port} of this machine. */
    public static List<String> localOrigins(int port) {
        return List.of("http://localhost:" + port, "http://127.0.0.1:" + port);
    }

    private static URI redisUri(String raw) {
        try {
            URI uri = URI.create(raw);
            if (("redis".equals(uri.getScheme()) || "rediss".equals(uri.getScheme())) && uri.getHost() != null) {
                return uri;
            }
        } catch (IllegalArgumentException ignored) {
            // reported below
        }
        throw new ConfigException("REDIS_URL must look like redis://[user:pass@]host:port or rediss://..., got '" + redact(raw) + "'");
    }

    /** {@code host:port,host:port}: a cluster's seed nodes; any one reachable is enough to learn the rest. */
    private static List<String> clusterNodes(String raw) {
        List<String> nodes = Arrays.stream(raw.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        for (String node : nodes) {
            if (!node.matches("[A-Za-z0-9.\\-]+:\\d{1,5}")) {
                throw new ConfigException("REDIS_CLUSTER_NODES entries must look like host:port, got '" + node + "'");
            }
        }
        if (nodes.isEmpty()) {
            throw new ConfigException("REDIS_CLUSTER_NODES is set but names no host:port");
        }
        return nodes;
    }

    private static List<String> origins(String raw) {
        List<String> origins = Arrays.stream(raw.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .map(s -> s.endsWith("/") ? s.substring(0, s.length() - 1) : s).toList();
        for (String origin : origins) {
            if (!origin.matches("https?://[^/\\s]+")) {
                throw new ConfigException("ALLOWED_ORIGINS entries must look like https://chat.example.com, got '" + origin + "'");
            }
        }
        return origins;
    }

    /** Hides a password in a URL so that it never reaches a log line. */
    public static String redact(String url) {
        // Up to the last '@': a password may itself hold an unescaped '/' or '@'.
        return url.replaceAll("//([^:/@]*):.*@", "//$1:***@");
    }
}
