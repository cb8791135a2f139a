package chitchat.chat;

import chitchat.config.Config;
import chitchat.config.Startup;
import chitchat.config.Env;
import chitchat.http.Exposure;
import chitchat.http.Health;
import chitchat.http.HttpServers;
import chitchat.http.Origins;
import chitchat.http.Routes;
import chitchat.metrics.Metrics;
import chitchat.store.Store;
import chitchat.token.Revocations;
import chitchat.token.Tokens;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chat-server: real-time one-to-one messaging for Chit-Chat.
 *
 * <p>Browsers hold a WebSocket to one instance ({@code WS_PORT}, path {@code /ws}); each message is stored in
 * MongoDB, acknowledged to its sender, and published on the receiver's Redis channel, which every instance where
 * the receiver is connected has subscribed to. The HTTP side ({@code HTTP_PORT}) serves history for catching up,
 * {@code /healthz} and {@code /metrics}. A message's path through the code: {@code ChatSocketServer} ->
 * {@code Connection} -> {@link Relay} -> {@code MessageStore}, then {@code Broker} -> {@code ConnectionRegistry}
 * -> {@code Connection} on whichever instances the receiver is connected to.
 *
 * <p>Settings (environment): the contract's shared ones, {@code WS_PORT}, {@code REVOCATION_POLL_MS} (how often
 * the shared list of ended sessions is read, default 1000), the limits in {@code Limits}, and {@link Exposure}'s
 * {@code BIND_ADDRESS} (all interfaces, for HTTP and WebSocket alike) and {@code METRICS} (on).
 */
public final class ChatServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ChatServer.class);

    private final HttpServer http;
    private final ChatService chat;
    private final Store store;
    private final Revocations revocations;

    private ChatServer(HttpServer http, ChatService chat, Store store, Revocations revocations) {
        this.http = http;
        this.chat = chat;
        this.store = store;
        this.revocations = revocations;
    }

    public static void main(String[] args) {
        Startup.run(() -> start(Env.system()));
    }

    public static ChatServer start(Env env) {
        Config config = Config.forService(env, 8082);
        Tokens configured = Tokens.configured(env, config);
        Store store = Store.open(config);
        ChatService chat = null;
        Revocations revocations = null;
        try {
            revocations = Revocations.start(env, store.database());
            Tokens tokens = configured.checking(revocations); // history and handshakes refuse ended sessions
            Metrics metrics = new Metrics("chat");
            Exposure exposure = Exposure.from(env, Exposure.SERVICE);
            chat = ChatService.start(env, config, store, tokens, metrics.registry(), exposure.bindAddress());
            Routes routes = new Routes(new Origins(config.allowedOrigins()), config.trustProxy());
            chat.register(routes);
            Health health = new Health().check("store", store::health);
            chat.addHealth(health);

            HttpServer http = HttpServers.create(env, exposure, config.httpPort());
            HttpServers.mount(http, routes, health, metrics, exposure);
            HttpServers.context(http, "/", routes); // any other path: a 404 in the contract's error shape
            http.start();
            log.info("event=started service=chat http_port={} ws_port={} store={}", http.getAddress().getPort(), chat.wsPort(), store.kind());
            return new ChatServer(http, chat, store, revocations);
        } catch (RuntimeException e) {
            if (chat != null) {
                chat.close();
            }
            if (revocations != null) {
                revocations.close();
            }
            store.close();
            throw e;
        }
    }

    public int httpPort() {
        return http.getAddress().getPort();
    }

    public int wsPort() {
        return chat.wsPort();
    }

    @Override
    public void close() {
        log.info("event=stopping service=chat");
        chat.close();
        http.stop(1);
        revocations.close();
        store.close();
        log.info("event=stopped service=chat");
    }
}
