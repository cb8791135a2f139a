package chitchat.chat;

import chitchat.chat.metrics.ChatMetrics;
import chitchat.chat.broker.Broker;
import chitchat.chat.broker.ClusterBroker;
import chitchat.chat.broker.Topology;
import chitchat.chat.broker.LocalBroker;
import chitchat.chat.broker.RedisBroker;
import chitchat.chat.conversations.Conversations;
import chitchat.chat.conversations.DeletedAccounts;
import chitchat.chat.conversations.ConversationsApi;
import chitchat.chat.conversations.Fanout;
import chitchat.chat.conversations.V1Migration;
import chitchat.chat.messages.HistoryApi;
import chitchat.chat.messages.HistoryThrottle;
import chitchat.chat.messages.MessageStore;
import chitchat.chat.presence.Presence;
import chitchat.chat.ws.WebSocketListener;
import chitchat.chat.ws.Connection;
import chitchat.chat.ws.ConnectionRegistry;
import chitchat.chat.ws.Limits;
import chitchat.chat.ws.RevokedSessionCloser;
import chitchat.config.Config;
import chitchat.config.Env;
import chitchat.config.FileDescriptors;
import chitchat.http.Health;
import chitchat.http.HttpTimeouts;
import chitchat.http.Origins;
import chitchat.http.Routes;
import chitchat.store.DatabaseConnection;
import chitchat.token.Revocations;
import chitchat.token.Tokens;
import chitchat.users.KnownUsers;
import chitchat.users.UserStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ScheduledExecutorService;
import org.java_websocket.framing.CloseFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chat-server's module: the chat part of a process, wired (WebSocket server, connection registry, broker,
 * conversations, message store, and the HTTP APIs over them), as {@code AuthServer.Module} is the auth part.
 *
 * <p>{@link ChatServer} runs it with its own HTTP server; the all-in-one launcher runs it beside the auth
 * endpoints and the static client on one HTTP server. Either way the wiring is this, and only this.
 *
 * <p>The tokens it is given must check revocations ({@link Tokens#checking}): then the history API and the
 * handshake refuse ended sessions, and a {@link RevokedSessionCloser} closes their open WebSockets.
 */
public final class ChatModule implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ChatModule.class);

    /*
     * Shutdown's budget, 9 s in all, inside the 30 s that docker-compose and ECS give a container after SIGTERM
     * (stop_grace_period, StopTimeout): the frames already read get to be stored and acked, then those being
     * stored right now finish, then the clients get a moment to answer the close frame.
     */
    private static final long DRAIN_MILLIS = 4000;
    private static final long ABANDON_MILLIS = 2000;
    private static final int CLOSE_HANDSHAKE_MILLIS = 3000;

    private final WebSocketListener sockets;
    private final ConnectionRegistry registry;
    private final Broker broker;
    private final MessageStore messages;
    private final Conversations conversations;
    private final HistoryApi history;
    private final ConversationsApi conversationsApi;
    private final ScheduledExecutorService timers;
    private final Revocations revocations;
    private final RevokedSessionCloser closer;
    private final Presence presence;
    private final DeletedAccounts deletedAccounts;

    private ChatModule(WebSocketListener sockets, ConnectionRegistry registry, Broker broker, MessageStore messages,
                        Conversations conversations, ScheduledExecutorService timers, HistoryApi history,
                        ConversationsApi conversationsApi, Revocations revocations, RevokedSessionCloser closer,
                        Presence presence, DeletedAccounts deletedAccounts) {
        this.sockets = sockets;
        this.deletedAccounts = deletedAccounts;
        this.conversations = conversations;
        this.conversationsApi = conversationsApi;
        this.messages = messages;
        this.registry = registry;
        this.broker = broker;
        this.history = history;
        this.timers = timers;
        this.revocations = revocations;
        this.closer = closer;
        this.presence = presence;
    }

    /**
     * Starts the WebSocket server on {@code WS_PORT} (default 8083) of {@code bindAddress} (where the process's HTTP
     * server listens too) and connects the broker.
     */
    /**
     * The v1 migration, tried up to three times: when two instances start at once against a fresh embedded store,
     * one's index creation can break the other's query inside the store (mongo-java-server iterates a collection's
     * index list unguarded: a ConcurrentModificationException, answered as "Unknown error"). The migration is
     * idempotent, so trying again is safe; a store that keeps failing still stops the start, with its error.
     */
    private static void migrateV1(DatabaseConnection store, Conversations conversations) {
        for (int attempt = 1; ; attempt++) {
            try {
                V1Migration.run(store.database(), conversations);
                return;
            } catch (com.mongodb.MongoException e) {
                if (attempt == 3) {
                    throw e;
                }
                log.warn("event=v1_migration_retry attempt={} error=\"{}\"", attempt, e.getMessage());
                try {
                    Thread.sleep(500L * attempt);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    public static ChatModule start(Env env, Config config, DatabaseConnection store, Tokens tokens, MeterRegistry meters, InetAddress bindAddress) {
        Revocations revocations = tokens.revocations()
                .orElseThrow(() -> new IllegalStateException("the chat service needs tokens that check revocations"));
        int wsPort = env.integer("WS_PORT", 8083, 0, 65535);
        Limits limits = Limits.from(env);
        FileDescriptors.checkFits("WS_MAX_CONNECTIONS", limits.maxConnections(), HttpTimeouts.from(env).maxConnections());
        int maxGroupMembers = env.integer("MAX_GROUP_MEMBERS", 256, 2, 10_000);
        int queueLimit = env.integer("MESSAGE_QUEUE_LIMIT", MessageStore.DEFAULT_QUEUE_LIMIT, 16, 1_000_000);
        java.time.Duration queueMaxWait = java.time.Duration.ofMillis(env.integer("MESSAGE_QUEUE_MAX_WAIT_MS",
                (int) MessageStore.DEFAULT_QUEUE_MAX_WAIT.toMillis(), 50, 60_000));
        HistoryThrottle throttle = HistoryThrottle.from(env); // reads its limits before any port is bound
        ChatMetrics metrics = new ChatMetrics(meters);
        metrics.storeCommands(store.commands());
        ConnectionRegistry registry = new ConnectionRegistry();
        // One Redis (REDIS_URL), a Redis Cluster (REDIS_CLUSTER_NODES: sharded Pub/Sub), or neither (one instance).
        Topology cluster = config.redisClusterNodes().isEmpty() ? null : new Topology(config.redisClusterNodes(), config.redisClusterTls());
        Broker broker = cluster != null ? new ClusterBroker(cluster, registry)
                : config.redisUrl().<Broker>map(uri -> new RedisBroker(uri, registry)).orElseGet(() -> new LocalBroker(registry));
        registry.attach(broker);
        Fanout fanout = (members, payload) -> members.forEach(member -> metrics.published(broker.publish(member, payload)));

        Conversations conversations = new Conversations(store.database(), fanout);
        migrateV1(store, conversations); // before anything new is numbered: v1 messages get theirs first
        MessageStore messages = new MessageStore(store.database(), conversations.numbering(), queueLimit, queueMaxWait);
        KnownUsers users = new KnownUsers(new UserStore(store.database()));
        HistoryApi history = new HistoryApi(messages, tokens, throttle);
        ConversationsApi conversationsApi = new ConversationsApi(conversations, messages, users, fanout, tokens, throttle, maxGroupMembers);

        ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1, Thread.ofPlatform().name("ws-timers").daemon().factory());
        timers.setRemoveOnCancelPolicy(true); // a closed connection's expiry timer must not keep it in memory for a day
        Presence presence = Presence.start(env, config.redisUrl(), cluster, store.database(), conversations, broker);
        registry.attach(presence);
        Connection.Handler relay = new Relay(messages, conversations, users, fanout, metrics, presence);
        InetSocketAddress wsAddress = new InetSocketAddress(bindAddress, wsPort);
        WebSocketListener sockets;
        try {
            sockets = WebSocketListener.start(wsAddress, tokens, new Origins(config.allowedOrigins()),
                    registry, relay, metrics, limits, timers, config.trustProxy());
        } catch (RuntimeException e) {
            presence.close();
            conversations.close();
            broker.close();
            messages.close();
            timers.shutdownNow();
            throw e;
        }
        metrics.gauge("chat_connections", "open WebSocket connections", registry::connections);
        metrics.gauge("chat_connected_users", "users with a connection here", registry::users);
        metrics.gauge("chat_subscriptions", "user channels subscribed at the broker", broker::subscriptions);
        RevokedSessionCloser closer = new RevokedSessionCloser(registry, revocations);
        revocations.onRevoked(closer);
        DeletedAccounts deletedAccounts = DeletedAccounts.start(env, store.database(), users, conversations, messages, fanout, maxGroupMembers);
        log.info("event=chat_started ws_port={} broker={} limits={}", sockets.port(), broker.getClass().getSimpleName(), limits);
        return new ChatModule(sockets, registry, broker, messages, conversations, timers, history, conversationsApi, revocations, closer,
                presence, deletedAccounts);
    }

    public void register(Routes routes) {
        history.register(routes);
        conversationsApi.register(routes);
    }

    public void addHealth(Health health) {
        health.check("broker", broker::health)
                .check("ws_listener", () -> {
                    boolean up = sockets.listening();
                    return new Health.Check(up, up ? "up" : "down");
                })
                .figure("connections", registry::connections)
                .figure("sockets", sockets::openSockets)
                .figure("users", registry::users)
                .figure("subscriptions", broker::subscriptions);
    }

    public int wsPort() {
        return sockets.port();
    }

    /**
     * Graceful shutdown: refuse new connections, finish the frames already received (store and ack them) for up to 4
     * seconds, refuse the rest with {@code shutting_down}, then close every connection with 1001 "going away" so
     * clients reconnect, to another instance if there is one.
     */
    @Override
    public void close() {
        revocations.removeListener(closer);
        deletedAccounts.close(); // no group change starts while the store and the broker go
        sockets.drain();
        List<Connection> connections = registry.all();
        connections.forEach(Connection::finish);
        long deadline = System.currentTimeMillis() + DRAIN_MILLIS;
        try {
            for (Connection c : connections) {
                c.awaitFinished(deadline - System.currentTimeMillis());
            }
            // Out of time: what is still queued is refused (its clients send it again elsewhere), and only the
            // frames being stored right now are finished, so that nothing is stored without its ack being sent.
            connections.forEach(Connection::abandon);
            long abandonDeadline = System.currentTimeMillis() + ABANDON_MILLIS;
            for (Connection c : connections) {
                c.awaitFinished(abandonDeadline - System.currentTimeMillis());
            }
            // Close each connection ourselves and give the clients a moment to answer the close frame:
            // WebSocketServer.stop() alone drops the sockets a few milliseconds after sending it, and the
            // clients would see 1006 (abnormal) instead of 1001.
            sockets.stop(CLOSE_HANDSHAKE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        conversations.close(); // the last marks written, their receipts published before the broker goes
        presence.close(); // users still counted here go offline (and are announced) before the broker goes
        broker.close();
        messages.close();
        timers.shutdownNow();
        log.info("event=chat_stopped connections_closed={} code={}", connections.size(), CloseFrame.GOING_AWAY);
    }
}
