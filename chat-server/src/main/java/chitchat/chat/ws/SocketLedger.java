package chitchat.chat.ws;

import chitchat.chat.metrics.ChatMetrics;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.enums.ReadyState;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.WebSocketAdapter;
import org.java_websocket.WebSocketServerFactory;
import org.java_websocket.drafts.Draft;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every socket accepted on the WebSocket port, from accept to close: how many there are, whose they are, and
 * whether each still makes progress. It enforces the limits that no single connection can see.
 *
 * <ul>
 *   <li><b>A total below the descriptor limit.</b> Java-WebSocket closes its listening socket for good when an
 *       {@code accept} fails, and running out of descriptors is how it fails. A socket accepted past
 *       {@link Limits#maxConnections()} is closed at once ({@link #wrapChannel}, the library's hook right after
 *       {@code accept}), so the process never reaches its limit through this port.</li>
 *   <li><b>Per user and per client address</b>, counted when the handshake names them
 *       ({@link #admit}); past the cap the handshake is refused.</li>
 *   <li><b>Handshakes that never finish</b> (a slowloris on this port) are closed after
 *       {@link Limits#handshakeSeconds()}.</li>
 *   <li><b>Outgoing queues that stop draining.</b> A client that never reads can still send pings and pongs and
 *       look alive to the heartbeat; a socket whose queue has not moved for {@link Limits#stallSeconds()} is cut,
 *       whatever it sends.</li>
 * </ul>
 * {@link #sweep} runs every second: it forgets closed sockets (some never reach {@code onClose}) and enforces the
 * two time limits. The counts use no lock held across anything slow: a per-key {@code compute} on a map.
 */
final class SocketLedger implements WebSocketServerFactory {

    private static final Logger log = LoggerFactory.getLogger(SocketLedger.class);

    /** One accepted socket. The stall fields are used by the sweeping thread only. */
    private static final class Entry {
        final SocketChannel channel;
        final long acceptedAt;
        /** Set once the handshake is admitted: from then on the socket counts against these two caps. */
        volatile String address;
        volatile String user;
        final AtomicBoolean released = new AtomicBoolean();
        ByteBuffer lastHead;
        int lastRemaining;
        long lastProgress;

        Entry(SocketChannel channel, long now) {
            this.channel = channel;
            this.acceptedAt = now;
            this.lastProgress = now;
        }
    }

    private final Limits limits;
    private final ChatMetrics metrics;
    private final ConcurrentHashMap<WebSocketImpl, Entry> sockets = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Integer> perUser = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Integer> perAddress = new ConcurrentHashMap<>();
    private final AtomicLong lastCapacityLog = new AtomicLong();

    SocketLedger(Limits limits, ChatMetrics metrics) {
        this.limits = limits;
        this.metrics = metrics;
    }

    @Override
    public WebSocketImpl createWebSocket(WebSocketAdapter adapter, Draft draft) {
        return new WebSocketImpl(adapter, draft);
    }

    @Override
    public WebSocketImpl createWebSocket(WebSocketAdapter adapter, List<Draft> drafts) {
        return new WebSocketImpl(adapter, drafts);
    }

    @Override
    public void close() {
        // nothing held
    }

    /** Called by the library for each accepted socket; an exception makes it close the socket at once. */
    @Override
    public ByteChannel wrapChannel(SocketChannel channel, SelectionKey key) throws IOException {
        if (sockets.size() >= limits.maxConnections()) {
            forgetClosed();
            if (sockets.size() >= limits.maxConnections()) {
                metrics.rejected("ws_capacity");
                long now = System.currentTimeMillis();
                long last = lastCapacityLog.get();
                if (now - last > 10_000 && lastCapacityLog.compareAndSet(last, now)) { // one line per 10 s, not one per socket
                    log.warn("event=ws_at_capacity open={} max={}", sockets.size(), limits.maxConnections());
                }
                throw new IOException("WebSocket port at capacity");
            }
        }
        if (key.attachment() instanceof WebSocketImpl socket) {
            sockets.put(socket, new Entry(channel, System.nanoTime()));
        }
        return channel;
    }

    /**
     * Counts a handshake against its user's and address's caps; returns why it is refused, or empty when it is
     * admitted (and then counted until the socket closes).
     */
    Optional<String> admit(WebSocketImpl socket, String user, String address) {
        Entry entry = sockets.get(socket);
        if (entry == null) {
            return Optional.of("closed");
        }
        if (perUser.getOrDefault(user, 0) >= limits.maxPerUser() || perAddress.getOrDefault(address, 0) >= limits.maxPerAddress()) {
            forgetClosed(); // a tab that just closed may not have been counted out yet
        }
        if (!take(perUser, user, limits.maxPerUser())) {
            return Optional.of("too_many_connections_user");
        }
        if (!take(perAddress, address, limits.maxPerAddress())) {
            give(perUser, user);
            return Optional.of("too_many_connections_address");
        }
        entry.address = address;
        entry.user = user;
        if (!sockets.containsKey(socket)) {
            release(entry); // closed meanwhile, maybe before the counts were taken: give them back (once)
        }
        return Optional.empty();
    }

    /** The socket closed: stop counting it. Safe to call more than once. */
    void closed(WebSocketImpl socket) {
        Entry entry = sockets.remove(socket);
        if (entry != null) {
            release(entry);
        }
    }

    int open() {
        return sockets.size();
    }

    /** Forgets closed sockets, closes late handshakes, and cuts sockets whose outgoing queue is stuck. */
    void sweep() {
        long now = System.nanoTime();
        long handshakeNanos = limits.handshakeSeconds() * 1_000_000_000L;
        long stallNanos = limits.stallSeconds() * 1_000_000_000L;
        for (var item : sockets.entrySet()) {
            WebSocketImpl socket = item.getKey();
            Entry entry = item.getValue();
            try {
                if (!entry.channel.isOpen()) {
                    forget(socket, entry);
                } else if (socket.getReadyState() == ReadyState.NOT_YET_CONNECTED) {
                    if (now - entry.acceptedAt > handshakeNanos) {
                        metrics.rejected("handshake_timeout");
                        socket.closeConnection(CloseFrame.ABNORMAL_CLOSE, "handshake timed out");
                        forget(socket, entry);
                    }
                } else if (stalled(socket, entry, now, stallNanos)) {
                    metrics.slowConsumerClosed();
                    log.warn("event=ws_stalled_closed user={} queued_frames={} seconds={}", entry.user, socket.outQueue.size(), limits.stallSeconds());
                    socket.closeConnection(CloseFrame.ABNORMAL_CLOSE, "not reading");
                    forget(socket, entry);
                }
            } catch (RuntimeException e) {
                log.warn("event=ws_sweep_failed user={} error=\"{}\"", entry.user, e.toString());
            }
        }
    }

    /** Whether the socket's outgoing queue has been waiting without any byte written for the stall time. */
    private static boolean stalled(WebSocketImpl socket, Entry entry, long now, long stallNanos) {
        ByteBuffer head = socket.outQueue.peek();
        if (head == null || head != entry.lastHead || head.remaining() != entry.lastRemaining) {
            entry.lastHead = head;
            entry.lastRemaining = head == null ? 0 : head.remaining();
            entry.lastProgress = now;
            return false;
        }
        return now - entry.lastProgress > stallNanos;
    }

    private void forgetClosed() {
        sockets.forEach((socket, entry) -> {
            if (!entry.channel.isOpen()) {
                forget(socket, entry);
            }
        });
    }

    private void forget(WebSocketImpl socket, Entry entry) {
        if (sockets.remove(socket, entry)) {
            release(entry);
        }
    }

    private void release(Entry entry) {
        String user = entry.user;
        if (user != null && entry.released.compareAndSet(false, true)) {
            give(perUser, user);
            give(perAddress, entry.address);
        }
    }

    private static boolean take(ConcurrentHashMap<String, Integer> counts, String key, int max) {
        boolean[] taken = {false};
        counts.compute(key, (k, n) -> {
            int count = n == null ? 0 : n;
            if (count >= max) {
                return n;
            }
            taken[0] = true;
            return count + 1;
        });
        return taken[0];
    }

    private static void give(ConcurrentHashMap<String, Integer> counts, String key) {
        counts.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
    }
}
