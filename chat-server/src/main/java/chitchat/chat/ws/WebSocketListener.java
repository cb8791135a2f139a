package chitchat.chat.ws;

import chitchat.chat.metrics.ChatMetrics;
import chitchat.http.Origins;
import chitchat.token.Tokens;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.java_websocket.WebSocket;
import org.java_websocket.framing.CloseFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WebSocket port, kept open: the one public face of this package's server side.
 *
 * <p>Java-WebSocket's server closes its listening socket for good, and silently, when an {@code accept} fails (as
 * it does when the process is out of file descriptors), while the connections it already holds carry on. So this
 * watches the port every few seconds with a real connect; when it no longer answers, it starts a new server on
 * the same port, beside the old one, which keeps serving its connections until they close. Caps on sockets
 * ({@link SocketLedger}, shared by every server here) keep this port from being the one that exhausts the
 * descriptors; the watch covers whatever else might. {@link #listening()} is what {@code /healthz} reports.
 */
public final class WebSocketListener {

    private static final Logger log = LoggerFactory.getLogger(WebSocketListener.class);
    private static final int WATCH_SECONDS = 2;

    /** Makes a server for a port; every server gets the same handler, registry, limits and ledger. */
    private interface Factory {
        ChatSocketServer create(int port);
    }

    private final Factory factory;
    private final SocketLedger ledger;
    /** Every server started, the newest last: older ones still serve the connections they accepted. */
    private final List<ChatSocketServer> servers = new CopyOnWriteArrayList<>();
    private volatile int port;
    private volatile boolean listening = true;
    private volatile boolean draining;

    private WebSocketListener(Factory factory, SocketLedger ledger) {
        this.factory = factory;
        this.ledger = ledger;
    }

    /** Listens on {@code address} (port 0: any free port) and keeps listening; fails if the port cannot be bound. */
    public static WebSocketListener start(InetSocketAddress address, Tokens tokens, Origins origins, ConnectionRegistry registry,
                                          Connection.Handler handler, ChatMetrics metrics, Limits limits,
                                          ScheduledExecutorService timers, boolean trustProxy) {
        SocketLedger ledger = new SocketLedger(limits, metrics);
        Factory factory = port -> new ChatSocketServer(new InetSocketAddress(address.getAddress(), port), tokens, origins,
                registry, handler, metrics, limits, timers, trustProxy, ledger);
        WebSocketListener listener = new WebSocketListener(factory, ledger);
        ChatSocketServer first = factory.create(address.getPort());
        first.startAndAwait();
        listener.servers.add(first);
        listener.port = first.getPort();
        timers.scheduleWithFixedDelay(ledger::sweep, 1, 1, TimeUnit.SECONDS);
        timers.scheduleWithFixedDelay(listener::watch, WATCH_SECONDS, WATCH_SECONDS, TimeUnit.SECONDS);
        return listener;
    }

    public int port() {
        return port;
    }

    /** Whether the port accepted a connection at the last watch (every {@value #WATCH_SECONDS} s). */
    public boolean listening() {
        return listening;
    }

    /** Sockets open on the port, handshakes under way included. */
    public int openSockets() {
        return ledger.open();
    }

    /** Refuses new handshakes from now on (graceful shutdown). */
    public void drain() {
        draining = true;
        servers.forEach(ChatSocketServer::drain);
    }

    /** The sockets of every server, open or closing. */
    public List<WebSocket> sockets() {
        List<WebSocket> all = new ArrayList<>();
        servers.forEach(server -> all.addAll(server.getConnections()));
        return all;
    }

    /** Closes every socket with 1001, gives clients up to {@code millis} to answer, then stops every server. */
    /**
     * Stops older servers once their last connection has closed: their port is gone, so they can never get another,
     * and their selector and worker threads would otherwise live on.
     */
    private void retireEmpty() {
        List<ChatSocketServer> all = List.copyOf(servers);
        for (ChatSocketServer server : all.subList(0, all.size() - 1)) {
            if (server.getConnections().isEmpty() && servers.remove(server)) {
                try {
                    server.stop(0, "retired");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                log.info("event=ws_server_retired port={} servers={}", port, servers.size());
            }
        }
    }

    public void stop(long millis) throws InterruptedException {
        sockets().forEach(socket -> socket.close(CloseFrame.GOING_AWAY, "server shutting down"));
        long deadline = System.currentTimeMillis() + millis;
        while (!sockets().isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        for (ChatSocketServer server : servers) {
            server.stop(500, "server shutting down");
        }
    }

    private void watch() {
        if (draining) {
            return;
        }
        retireEmpty();
        ChatSocketServer newest = servers.get(servers.size() - 1);
        boolean up = newest.listening();
        if (up != listening) {
            log.info("event=ws_listener state={} port={}", up ? "up" : "down", port);
        }
        listening = up;
        if (up) {
            return;
        }
        try {
            ChatSocketServer replacement = factory.create(port);
            replacement.startAndAwait();
            servers.add(replacement);
            listening = replacement.listening();
            log.warn("event=ws_listener_restarted port={} servers={} open_sockets={}", port, servers.size(), ledger.open());
        } catch (RuntimeException e) {
            log.error("event=ws_listener_restart_failed port={} error=\"{}\"", port, e.toString()); // tried again next watch
        }
    }
}
