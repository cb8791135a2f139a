package chitchat.chat.ws;

import chitchat.chat.metrics.ChatMetrics;
import chitchat.chat.protocol.ErrorCode;
import chitchat.chat.protocol.Frames;
import chitchat.chat.protocol.Inbound;
import chitchat.ratelimit.TokenBucket;
import chitchat.token.Tokens;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledFuture;
import org.java_websocket.WebSocket;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.exceptions.WebsocketNotConnectedException;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.framing.Framedata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One authenticated WebSocket connection: an inbox processed in order on its own virtual thread, and a bounded
 * way out.
 *
 * <p>Frames arrive on Java-WebSocket's decoder threads, which are shared by many connections and must never
 * block; {@link #received} only rate-limits and queues. The virtual thread takes frames one by one; a message it
 * hands to the store's group commit and goes on ({@link #inFlight}), so a slow store makes acks late but never
 * fills the inbox of a client that keeps to its rate limit. Going out, {@link #send}
 * refuses to let frames pile up for a client that stopped reading: past {@link Limits#maxOutboundFrames()} frames
 * or {@link Limits#maxOutboundBytes()} bytes the connection is dropped (the client reconnects and catches up from
 * history) instead of growing the heap. Pongs go through the same check ({@link #mayPong}): a client that pings
 * without reading cannot grow the queue either.
 */
public final class Connection {

    private static final Logger log = LoggerFactory.getLogger(Connection.class);
    private static final String STOP = new String("stop"); // identity-compared marker, never equal to a frame
    private static final int OWN_IDS_REMEMBERED = 256;
    /**
     * Messages of one connection being stored at once. Far above what the rate limit lets an honest client have in
     * flight for as long as a store write may take; past it the connection waits for the store (its inbox fills,
     * and what comes then is refused as {@code overloaded}).
     */
    static final int MAX_IN_FLIGHT = 1024;

    /** Processes one frame from this connection; runs on the connection's virtual thread. */
    @FunctionalInterface
    public interface Handler {
        void handle(Connection from, String frame);
    }

    private final WebSocket socket;
    /** The session this connection was opened with: its user, and revoking it closes the connection. */
    private final Tokens.Session session;
    private final String user;
    private final Limits limits;
    private final ChatMetrics metrics;
    private final BlockingQueue<String> inbox = new ArrayBlockingQueue<>(Limits.INBOX);
    private final TokenBucket rate;
    /** Strikes for frames refused by the rate limit; running out of them means flooding, and a close. */
    private final TokenBucket strikes = new TokenBucket(1, 20);
    /** Typing notices taken: clients send one every 3 s while typing; the server relays one per 2 s. */
    private final TokenBucket typingAllowance = new TokenBucket(1, 5);
    /** Typing notices beyond the allowance that are still dropped quietly; past these they are flooding. */
    private final TokenBucket typingAbuse = new TokenBucket(50, 200);
    /** Pings answered; a client has no need for more than a few a second (browsers send none). */
    private final TokenBucket pings = new TokenBucket(Limits.PINGS_PER_SECOND, 2 * Limits.PINGS_PER_SECOND);
    /** clientMsgIds this connection sent lately, so that it is not sent its own message back (it gets an ack). */
    private final Set<String> ownIds = ConcurrentHashMap.newKeySet();
    private final ConcurrentLinkedQueue<String> ownIdsOrder = new ConcurrentLinkedQueue<>();
    private final java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(MAX_IN_FLIGHT);
    private final Set<java.util.concurrent.CompletableFuture<?>> pending = ConcurrentHashMap.newKeySet();
    private volatile boolean accepting = true;
    /** Set when a shutdown ran out of time: frames still queued are refused instead of processed. */
    private volatile boolean abandoned;
    private volatile Thread worker;
    /** The users whose presence this connection watches (contacts only); replaced whole by each {@code watch}. */
    private volatile Set<String> watching = Set.of();
    private volatile ScheduledFuture<?> expiry;

    Connection(WebSocket socket, Tokens.Session session, Limits limits, ChatMetrics metrics) {
        this.socket = socket;
        this.session = session;
        this.user = session.username();
        this.limits = limits;
        this.metrics = metrics;
        this.rate = new TokenBucket(limits.ratePerSecond(), limits.burst());
    }

    public String user() {
        return user;
    }

    public Tokens.Session session() {
        return session;
    }

    public Set<String> watching() {
        return watching;
    }

    /** Replaces the watch set; {@code users} must be immutable (it is read by delivery threads). */
    public void watch(Set<String> users) {
        this.watching = users;
    }

    /**
     * Starts the connection's virtual thread. It registers the connection (which may subscribe at the broker, a
     * network call kept off the decoder threads), processes frames until {@link #finish()}, then unregisters it.
     */
    void start(Handler handler, ConnectionRegistry registry) {
        worker = Thread.ofVirtual().name("ws-" + user).start(() -> {
            registry.add(this);
            try {
                run(handler);
            } finally {
                registry.remove(this);
            }
        });
    }

    void expireAt(ScheduledFuture<?> timer) {
        this.expiry = timer;
    }

    /** A text frame from the client. Called on a decoder thread: never blocks. */
    void received(String frame) {
        if (!accepting) {
            send(Frames.error(ErrorCode.SHUTTING_DOWN, "The server is restarting; reconnect and send this again.", Inbound.clientMsgIdOf(frame)));
            return;
        }
        boolean typing = Inbound.isTyping(frame);
        if (typing) {
            // Typing notices have an allowance of their own, and what is over it vanishes without an answer or a
            // strike: a client sends one every 3 s, and a few too many must never get it closed as a flooder. Only
            // far past any client's need (TYPING_ABUSE) do they count as flooding, so that they cannot be a way to
            // make the server parse frames for ever at no cost.
            if (!typingAllowance.tryTake()) {
                metrics.rejected("typing_dropped");
                if (!typingAbuse.tryTake()) {
                    struckOut();
                }
                return;
            }
        } else if (!rate.tryTake()) {
            metrics.rejected("rate_limited");
            if (struckOut()) {
                return;
            }
            send(Frames.error(ErrorCode.RATE_LIMITED, "You are sending too fast; slow down.", Inbound.clientMsgIdOf(frame)));
            return;
        }
        if (!inbox.offer(frame)) {
            if (typing) {
                return; // a notice of no lasting value: dropped, never a reason to close
            }
            // Within its rate limit (checked above), a client fills the inbox only when this server is too busy to
            // take frames as fast as the limit lets them come: saturation, not flooding. Closing it would send it
            // back, reconnecting, into the same saturation, so the frame is refused, named, with a time to retry.
            metrics.rejected("inbox_full");
            send(Frames.overloaded(Inbound.clientMsgIdOf(frame), Limits.INBOX_FULL_RETRY_MS));
        }
    }

    /**
     * A binary frame, which the protocol never uses. Each one is a strike, so a client sending them is closed
     * like one that floods; the error answer is rate-limited like any other frame.
     */
    void receivedBinary() {
        metrics.rejected("binary");
        if (struckOut()) {
            return;
        }
        if (rate.tryTake()) {
            send(Frames.error(ErrorCode.BAD_FRAME, "Send text frames holding JSON.", null));
        }
    }

    /** Takes a strike; with none left the client is flooding, and the connection is closed (1008). */
    private boolean struckOut() {
        if (strikes.tryTake()) {
            return false;
        }
        log.warn("event=ws_flood_closed user={}", user);
        socket.close(CloseFrame.POLICY_VALIDATION, "too many messages");
        return true;
    }

    /** Whether to answer a ping: within the ping rate, and only while this client reads what it is sent. */
    boolean mayPong() {
        return pings.tryTake() && ensureKeepingUp();
    }

    /** Sends a frame unless this client is too slow to read; then it is disconnected. Any thread; never blocks. */
    public void send(String frame) {
        if (ensureKeepingUp()) {
            try {
                socket.send(frame);
                metrics.sent();
            } catch (WebsocketNotConnectedException e) {
                // closed meanwhile; the client catches up when it reconnects
            }
        }
    }

    /** Sends frames already encoded (shared between the connections of one delivery). */
    void send(List<Framedata> frames) {
        if (ensureKeepingUp()) {
            try {
                socket.sendFrame(frames);
                metrics.sent();
            } catch (WebsocketNotConnectedException e) {
                // closed meanwhile; the client catches up when it reconnects
            }
        }
    }

    /**
     * Disconnects a client that has fallen too far behind reading (1013); true while the connection is open and
     * its client keeps up. Named for what it does, not as a question: asking it can close the socket.
     */
    private boolean ensureKeepingUp() {
        if (!socket.isOpen()) {
            return false;
        }
        if (!(socket instanceof WebSocketImpl impl)) {
            return true;
        }
        int frames = impl.outQueue.size();
        // Counting bytes walks the queue: only worth it once a few frames wait (a reader that keeps up has none).
        long bytes = frames > 4 ? queuedBytes(impl) : 0;
        if (frames >= limits.maxOutboundFrames() || bytes >= limits.maxOutboundBytes()) {
            metrics.slowConsumerClosed();
            log.warn("event=ws_slow_consumer_closed user={} queued_frames={} queued_bytes={}", user, frames, bytes);
            socket.closeConnection(CloseFrame.TRY_AGAIN_LATER, "too slow to read");
            return false;
        }
        return true;
    }

    private static long queuedBytes(WebSocketImpl socket) {
        long bytes = 0;
        for (ByteBuffer frame : socket.outQueue) {
            bytes += frame.remaining();
        }
        return bytes;
    }

    /** Remembers a clientMsgId this connection sent (bounded), before its message is published. */
    public void rememberOwn(String clientMsgId) {
        if (ownIds.add(clientMsgId)) {
            ownIdsOrder.add(clientMsgId);
            if (ownIdsOrder.size() > OWN_IDS_REMEMBERED) {
                String oldest = ownIdsOrder.poll();
                if (oldest != null) {
                    ownIds.remove(oldest);
                }
            }
        }
    }

    boolean sentItself(String clientMsgId) {
        return clientMsgId != null && ownIds.contains(clientMsgId);
    }

    /**
     * Starts work whose answer comes later (a message being stored), without waiting for it: the connection goes on
     * to its next frame. Called on the connection's thread; waits only when {@link #MAX_IN_FLIGHT} are pending. A
     * shutdown waits for these too ({@link #awaitFinished}), so that what was stored is also acked.
     */
    public void inFlight(java.util.function.Supplier<java.util.concurrent.CompletableFuture<?>> start) {
        try {
            inFlight.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        java.util.concurrent.CompletableFuture<?> work;
        try {
            work = start.get();
        } catch (RuntimeException e) {
            inFlight.release();
            throw e;
        }
        pending.add(work);
        work.whenComplete((result, error) -> {
            pending.remove(work);
            inFlight.release();
        });
    }

    /** Stops taking new frames; those already queued are still processed, then the thread ends. */
    public void finish() {
        accepting = false;
        ScheduledFuture<?> timer = expiry;
        if (timer != null) {
            timer.cancel(false);
        }
        if (!inbox.offer(STOP)) {
            Thread t = worker;
            if (t != null) {
                t.interrupt();
            }
        }
    }

    /**
     * Refuses the frames still queued (with {@code shutting_down}, naming each one's clientMsgId) instead of
     * processing them; the frame being processed now finishes, ack and all. For a shutdown that ran out of time:
     * nothing is stored that would not be acked, and the client knows what to send again.
     */
    public void abandon() {
        abandoned = true;
    }

    /** Waits for the frames queued before {@link #finish()} to be processed, and the messages of theirs being stored. */
    public boolean awaitFinished(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(Math.max(1, millis));
        Thread t = worker;
        if (t != null && !t.join(java.time.Duration.ofMillis(Math.max(1, millis)))) {
            return false;
        }
        for (java.util.concurrent.CompletableFuture<?> work : List.copyOf(pending)) {
            long left = deadline - System.nanoTime();
            try {
                work.get(Math.max(1, left), java.util.concurrent.TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.ExecutionException failed) {
                // answered with an error frame by whoever started it
            } catch (java.util.concurrent.TimeoutException late) {
                return false;
            }
        }
        return true;
    }

    void close(int code, String reason) {
        socket.close(code, reason);
    }

    private void run(Handler handler) {
        try {
            while (true) {
                String frame = inbox.take();
                if (frame == STOP) {
                    return;
                }
                if (abandoned) {
                    send(Frames.error(ErrorCode.SHUTTING_DOWN, "The server is restarting; reconnect and send this again.", Inbound.clientMsgIdOf(frame)));
                    continue;
                }
                try {
                    handler.handle(this, frame);
                } catch (Throwable t) {
                    log.error("event=frame_failed user={} error=\"{}\"", user, t.toString(), t);
                    send(Frames.error(ErrorCode.INTERNAL, "Something went wrong on our side; please retry.", Inbound.clientMsgIdOf(frame)));
                }
            }
        } catch (InterruptedException e) {
            // finished abruptly: the inbox was full when the connection closed
        }
    }

}
