package chitchat.chat.ws;

import chitchat.chat.metrics.ChatMetrics;
import chitchat.http.ClientAddress;
import chitchat.http.Origins;
import chitchat.http.SessionToken;
import chitchat.token.Tokens;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.java_websocket.WebSocket;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.drafts.Draft;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.framing.Framedata;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.handshake.ServerHandshakeBuilder;
import org.java_websocket.server.WebSocketServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Java-WebSocket adapter: authenticates handshakes and passes frames to {@link Connection}s.
 *
 * <p>The handshake is where security happens (OWASP WebSocket guidance): the path must be {@code /ws}, a browser's
 * {@code Origin} must be allowed (cross-site WebSocket hijacking), and the session token, from the cookie or an
 * {@code Authorization: Bearer} header, must be valid. Anything else is refused before a frame is exchanged. The
 * token's expiry is remembered and the connection closed when it comes. Past the handshake, the connection is
 * counted against its user's and address's caps ({@link SocketLedger}), and each frame header is checked as it
 * arrives ({@link GuardedDraft}).
 *
 * <p>Every callback catches everything: an exception escaping {@code onClose} or {@code onError} can stop
 * Java-WebSocket accepting connections altogether.
 */
final class ChatSocketServer extends WebSocketServer {

    private static final Logger log = LoggerFactory.getLogger(ChatSocketServer.class);

    private final Tokens tokens;
    private final Origins origins;
    private final ConnectionRegistry registry;
    private final Connection.Handler handler;
    private final ChatMetrics metrics;
    private final Limits limits;
    private final ScheduledExecutorService timers;
    private final boolean trustProxy;
    private final SocketLedger ledger;
    private final CountDownLatch started = new CountDownLatch(1);
    private volatile Exception startFailure;
    private volatile boolean draining;

    ChatSocketServer(InetSocketAddress address, Tokens tokens, Origins origins, ConnectionRegistry registry,
                     Connection.Handler handler, ChatMetrics metrics, Limits limits, ScheduledExecutorService timers,
                     boolean trustProxy, SocketLedger ledger) {
        super(address, Math.max(1, Runtime.getRuntime().availableProcessors()), List.of(new GuardedDraft()));
        this.tokens = tokens;
        this.origins = origins;
        this.registry = registry;
        this.handler = handler;
        this.metrics = metrics;
        this.limits = limits;
        this.timers = timers;
        this.trustProxy = trustProxy;
        this.ledger = ledger;
        setWebSocketFactory(ledger);
        setReuseAddr(true);
        setTcpNoDelay(true);
        setConnectionLostTimeout(limits.pingSeconds());
        setMaxPendingConnections(4096); // the accept backlog: the default of 50 drops connects during a reconnect storm
    }

    /** Starts listening and waits until the port is bound, or fails with the reason. */
    void startAndAwait() {
        start();
        try {
            if (!started.await(10, TimeUnit.SECONDS) || startFailure != null) {
                throw new IllegalStateException("cannot listen for WebSockets on port " + getAddress().getPort()
                        + " (in use? set WS_PORT)", startFailure);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Whether the WebSocket port still accepts connections, tried with a real connect on loopback. Java-WebSocket
     * closes its listening socket for good when an {@code accept} fails, and says nothing.
     */
    boolean listening() {
        InetSocketAddress bound = getAddress();
        InetAddress host = bound.getAddress() == null || bound.getAddress().isAnyLocalAddress()
                ? InetAddress.getLoopbackAddress() : bound.getAddress();
        try (Socket probe = new Socket()) {
            probe.connect(new InetSocketAddress(host, getPort()), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Refuses new handshakes from now on (graceful shutdown). */
    void drain() {
        draining = true;
    }

    @Override
    public ServerHandshakeBuilder onWebsocketHandshakeReceivedAsServer(WebSocket conn, Draft draft, ClientHandshake request)
            throws InvalidDataException {
        ServerHandshakeBuilder response = super.onWebsocketHandshakeReceivedAsServer(conn, draft, request);
        String path = request.getResourceDescriptor().split("\\?", 2)[0];
        if (draining) {
            throw refuse(CloseFrame.TRY_AGAIN_LATER, "shutting_down", null);
        }
        if (!"/ws".equals(path)) {
            throw refuse(CloseFrame.POLICY_VALIDATION, "path", null);
        }
        String origin = request.getFieldValue("Origin");
        if (!origin.isEmpty() && !origins.allows(origin)) {
            throw refuse(CloseFrame.POLICY_VALIDATION, "origin", origin);
        }
        String cookie = request.getFieldValue("Cookie");
        Optional<Tokens.Session> session = SessionToken
                .from(cookie.isEmpty() ? null : List.of(cookie), request.getFieldValue("Authorization"))
                .flatMap(tokens::verify);
        if (session.isEmpty()) {
            throw refuse(CloseFrame.POLICY_VALIDATION, "token", null);
        }
        String address = ClientAddress.of(request.getFieldValue("X-Forwarded-For"), conn.getRemoteSocketAddress(), trustProxy);
        Optional<String> full = ledger.admit((WebSocketImpl) conn, session.get().username(), address);
        if (full.isPresent()) {
            log.warn("event=ws_refused reason={} user={} address={}", full.get(), session.get().username(), address);
            metrics.rejected("handshake_" + full.get());
            throw new InvalidDataException(CloseFrame.TRY_AGAIN_LATER, full.get());
        }
        conn.setAttachment(session.get());
        return response;
    }

    private InvalidDataException refuse(int code, String reason, String origin) {
        metrics.rejected("handshake_" + reason);
        log.info("event=ws_refused reason={} origin={}", reason, origin);
        return new InvalidDataException(code, reason);
    }

    @Override
    public void onOpen(WebSocket socket, ClientHandshake handshake) {
        try {
            Tokens.Session session = socket.getAttachment();
            Connection connection = new Connection(socket, session, limits, metrics);
            long untilExpiry = Math.max(0, Duration.between(Instant.now(), session.expiresAt()).toMillis());
            connection.expireAt(timers.schedule(() -> connection.close(CloseFrame.POLICY_VALIDATION, "session expired"),
                    untilExpiry, TimeUnit.MILLISECONDS));
            socket.setAttachment(connection);
            connection.start(handler, registry);
            if (!socket.isOpen() || (socket instanceof WebSocketImpl impl && !impl.getChannel().isOpen())) {
                // The client left while this ran: onClose (another thread) may have seen no Connection yet, or
                // Java-WebSocket closed the socket as never connected and will not call onClose at all. Closing it
                // here runs onClose (if it has not run) and lets the library forget it too.
                socket.closeConnection(CloseFrame.ABNORMAL_CLOSE, "client left during the handshake");
                connection.finish();
            }
        } catch (Throwable t) {
            log.error("event=ws_open_failed error=\"{}\"", t.toString(), t);
            socket.close(CloseFrame.UNEXPECTED_CONDITION, "internal error");
        }
    }

    @Override
    public void onMessage(WebSocket socket, String frame) {
        try {
            if (socket.getAttachment() instanceof Connection connection) {
                connection.received(frame);
            }
        } catch (Throwable t) {
            log.error("event=ws_message_failed error=\"{}\"", t.toString(), t);
        }
    }

    @Override
    public void onMessage(WebSocket socket, ByteBuffer frame) {
        try {
            if (socket.getAttachment() instanceof Connection connection) {
                connection.receivedBinary();
            }
        } catch (Throwable t) {
            log.error("event=ws_message_failed error=\"{}\"", t.toString(), t);
        }
    }

    /** Answers a ping only within the connection's limits: the library would queue a pong for every one. */
    @Override
    public void onWebsocketPing(WebSocket socket, Framedata ping) {
        try {
            if (socket.getAttachment() instanceof Connection connection && connection.mayPong()) {
                super.onWebsocketPing(socket, ping);
            }
        } catch (Throwable t) {
            log.debug("event=ws_ping_failed error=\"{}\"", t.toString());
        }
    }

    @Override
    public void onClose(WebSocket socket, int code, String reason, boolean remote) {
        try {
            if (socket instanceof WebSocketImpl impl) {
                ledger.closed(impl);
            }
            if (socket.getAttachment() instanceof Connection connection) {
                connection.finish(); // its thread unregisters it once the frames it already took are processed
            }
        } catch (Throwable t) {
            log.error("event=ws_close_failed error=\"{}\"", t.toString(), t);
        }
    }

    @Override
    public void onError(WebSocket socket, Exception error) {
        try {
            if (socket == null) {
                startFailure = error; // a server-level error: typically the port could not be bound
                started.countDown();
                log.error("event=ws_server_error error=\"{}\"", error.toString());
            } else {
                log.debug("event=ws_connection_error error=\"{}\"", error.toString());
            }
        } catch (Throwable ignored) {
            // never let anything escape onError
        }
    }

    @Override
    public void onStart() {
        started.countDown();
    }
}
