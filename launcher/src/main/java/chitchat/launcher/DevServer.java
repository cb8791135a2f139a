package chitchat.launcher;

import chitchat.auth.AuthServer;
import chitchat.chat.ChatModule;
import chitchat.config.Config;
import chitchat.config.Startup;
import chitchat.config.Env;
import chitchat.http.Exposure;
import chitchat.http.Health;
import chitchat.http.Origins;
import chitchat.http.Routes;
import chitchat.http.Server;
import chitchat.metrics.Metrics;
import chitchat.store.DatabaseConnection;
import chitchat.token.Revocations;
import chitchat.token.Tokens;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code make run}: the whole product in one process, with nothing installed but a JDK.
 *
 * <p>One HTTP server (8080) carries the static client, the auth endpoints and the history API; the WebSocket
 * server listens beside it (8083). Both listen on 127.0.0.1 only and {@code /metrics} is off, unless
 * {@code BIND_ADDRESS} and {@code METRICS} say otherwise ({@link Exposure}). The store is embedded (files under {@code DATA_DIR}) and the broker is in
 * process, unless {@code MONGO_URI} or {@code REDIS_URL} say otherwise. It is assembled from the very same parts
 * as the separate services ({@link AuthServer.Module}, {@link ChatModule}), so what runs here is what ships.
 */
public final class DevServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DevServer.class);

    /** Requests in flight get this long to finish at shutdown, after the WebSockets are closed (as the chat-server). */
    private static final int STOP_GRACE_SECONDS = 1;

    private final Server server;
    private final ChatModule chat;

    private DevServer(Server server, ChatModule chat) {
        this.server = server;
        this.chat = chat;
    }

    public static void main(String[] args) {
        DevServer server = Startup.run(() -> start(System.getenv()));
        log.info("event=ready url=http://localhost:{} message=\"Chit-Chat is running: open http://localhost:{} in a browser\"",
                server.httpPort(), server.httpPort());
    }

    /** Starts everything; {@code HTTP_PORT=0} and {@code WS_PORT=0} pick free ports (tests). */
    public static DevServer start(Map<String, String> vars) {
        // Every setting is checked before anything is opened or bound, so a refused start leaves nothing behind.
        Env requested = new Env(vars);
        Config checked = Config.from(requested, 8080, List.of());
        Tokens configured = Tokens.configured(requested, checked);
        // A developer's machine: loopback and no /metrics unless BIND_ADDRESS or METRICS say otherwise.
        Exposure exposure = Exposure.from(requested, Exposure.DEVELOPMENT);
        return Server.assemble("dev", server -> {
            // The store and the list of ended sessions do not depend on the port: opened first, closed last.
            DatabaseConnection store = server.open(DatabaseConnection.open(checked));
            Revocations revocations = server.open(Revocations.start(requested, store.database()));
            Tokens tokens = configured.checking(revocations); // one list of ended sessions for auth and chat
            server.listen(requested, exposure, checked.httpPort(), STOP_GRACE_SECONDS);
            int httpPort = server.port();
            Map<String, String> resolved = new HashMap<>(vars);
            resolved.put("HTTP_PORT", String.valueOf(httpPort));
            Env env = new Env(resolved);
            Config config = Config.from(env, httpPort, Config.localOrigins(httpPort)); // origins of the real port
            Path staticDir = Path.of(env.string("STATIC_DIR", "static-client"));

            Metrics metrics = new Metrics("dev");
            ChatModule chat = server.open(ChatModule.start(env, config, store, tokens, metrics.registry(), exposure.bindAddress()));
            Routes routes = new Routes(new Origins(config.allowedOrigins()), config.trustProxy());
            AuthServer.module(env, config, store, tokens).register(routes);
            chat.register(routes);
            Health health = new Health().check("store", store::health);
            chat.addHealth(health);

            server.mount(routes, health, metrics, exposure);
            server.context("/api/", routes); // any other API path: a 404 in the contract's error shape
            StaticSite.mount(server.http(), staticDir, chat.wsPort());
            server.start();
            log.info("event=started service=dev http_port={} ws_port={} bind_address={} metrics={} store={} static_dir={}",
                    httpPort, chat.wsPort(), exposure.bindHost(), exposure.metrics() ? "on" : "off", store.kind(),
                    staticDir.toAbsolutePath().normalize());
            return new DevServer(server, chat);
        });
    }

    public int httpPort() {
        return server.port();
    }

    public int wsPort() {
        return chat.wsPort();
    }

    /** Closes the WebSockets, then the HTTP server, the list of ended sessions and the store: {@link Server#close}. */
    @Override
    public void close() {
        server.close();
    }
}
