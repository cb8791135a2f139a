package chitchat.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.SocketFactory;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.handshake.ServerHandshake;

/**
 * One user's WebSocket, as a non-browser client of the contract: {@code Authorization: Bearer <jwt>}, no Origin.
 *
 * <p>Two things differ from a plain Java-WebSocket client, both so that one load tool can hold thousands:
 * <ul>
 *   <li>The read loop runs on a virtual thread ({@link #connect()}), not a platform thread. (Java-WebSocket still
 *       starts one platform thread per connection for writing; its stack is mostly untouched, so it costs
 *       little memory, but it is why the connections scenario stays below the machine's thread limit.)</li>
 *   <li>The socket can be bound to a chosen source address ({@link #bindTo}): a client address and a server
 *       address:port allow about 28,000 ephemeral ports, so spreading over 127.0.0.2, 127.0.0.3, ... passes that
 *       limit on loopback.</li>
 * </ul>
 * The library's own ping timer is off (it costs a thread per client); the server pings, and the library answers.
 */
final class ChatClient extends WebSocketClient {

    /** What to do with each text frame; called on this client's read thread. */
    @FunctionalInterface
    interface FrameListener {
        void onFrame(ChatClient client, String frame);
    }

    private final String user;
    private final FrameListener listener;
    private volatile int closeCode = -1;
    private volatile long closedAtNanos;
    private volatile String closeReason = "";

    ChatClient(URI uri, String user, String token, FrameListener listener) {
        super(uri, Map.of("Authorization", "Bearer " + token));
        this.user = user;
        this.listener = listener;
        setConnectionLostTimeout(0);
        setTcpNoDelay(true);
    }

    String user() {
        return user;
    }

    /** Binds the client's socket to {@code source} before it connects. */
    ChatClient bindTo(InetAddress source) {
        setSocketFactory(new BoundSocketFactory(source));
        return this;
    }

    /** Starts the read loop on a virtual thread instead of the library's platform thread. */
    @Override
    public void connect() {
        Thread.ofVirtual().name("ws-client-" + user).start(this);
    }

    /** Connects and waits for the handshake; false when refused or timed out. */
    boolean open(long timeoutMillis) {
        try {
            return connectBlocking(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The close code, or -1 while open. */
    int closeCode() {
        return closeCode;
    }

    /** The close frame's reason ("too many messages in flight", ...), or empty. */
    String closeReason() {
        return closeReason;
    }

    /** When the connection closed ({@link System#nanoTime()}), or 0 while open. */
    long closedAtNanos() {
        return closedAtNanos;
    }

    @Override
    public void onOpen(ServerHandshake handshake) {
    }

    @Override
    public void onMessage(String frame) {
        listener.onFrame(this, frame);
    }

    @Override
    public void onClose(int code, String reason, boolean remote) {
        closedAtNanos = System.nanoTime();
        closeReason = reason == null ? "" : reason;
        closeCode = code;
    }

    @Override
    public void onError(Exception error) {
        // onClose follows with the code; the scenarios count closes, not errors
    }

    /** Hands Java-WebSocket an unconnected socket already bound to the source address; the library connects it. */
    private static final class BoundSocketFactory extends SocketFactory {
        private final InetAddress source;

        BoundSocketFactory(InetAddress source) {
            this.source = source;
        }

        @Override
        public Socket createSocket() throws IOException {
            Socket socket = new Socket();
            socket.bind(new InetSocketAddress(source, 0));
            return socket;
        }

        @Override
        public Socket createSocket(String host, int port) {
            throw new UnsupportedOperationException("Java-WebSocket calls createSocket() and connects itself");
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Socket createSocket(InetAddress host, int port) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) {
            throw new UnsupportedOperationException();
        }
    }
}
