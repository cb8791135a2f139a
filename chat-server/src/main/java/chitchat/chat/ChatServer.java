package chitchat.chat;

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

    /**
     * Requests in flight get this long to finish at shutdown. Short: the WebSockets are already closed by then
     * (the chat service is closed first), and a history page is one indexed query.
     */
    private static final int STOP_GRACE_SECONDS = 1;

    private final Server server;
    private final ChatModule chat;

    private ChatServer(Server server, ChatModule chat) {
        this.server = server;
        this.chat = chat;
    }

    public static void main(String[] args) {
        Startup.run(() -> start(Env.system()));
    }

    public static ChatServer start(Env env) {
        Config config = Config.forService(env, 8082);
        Tokens configured = Tokens.configured(env, config);
        return Server.assemble("chat", server -> {
            DatabaseConnection store = server.open(DatabaseConnection.open(config));
            Revocations revocations = server.open(Revocations.start(env, store.database()));
            Tokens tokens = configured.checking(revocations); // history and handshakes refuse ended sessions
            Metrics metrics = new Metrics("chat");
            Exposure exposure = Exposure.from(env, Exposure.SERVICE);
            // Bound before the chat service starts, so that it is stopped after it: WebSockets close first.
            server.listen(env, exposure, config.httpPort(), STOP_GRACE_SECONDS);
            ChatModule chat = server.open(ChatModule.start(env, config, store, tokens, metrics.registry(), exposure.bindAddress()));
            Routes routes = new Routes(new Origins(config.allowedOrigins()), config.trustProxy());
            chat.register(routes);
            Health health = new Health().check("store", store::health);
            chat.addHealth(health);

            server.mount(routes, health, metrics, exposure);
            server.context("/", routes); // any other path: a 404 in the contract's error shape
            server.start();
            log.info("event=started service=chat http_port={} ws_port={} store={}", server.port(), chat.wsPort(), store.kind());
            return new ChatServer(server, chat);
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
