package chitchat.chat.ws;

import chitchat.config.Env;
import chitchat.config.FileDescriptors;

/**
 * What WebSocket connections may cost the server, from the environment. Every limit bounds something a hostile
 * client could otherwise grow without end: frames, bytes, descriptors, or time.
 *
 * @param ratePerSecond      sustained frames a connection may send ({@code WS_RATE_PER_SECOND})
 * @param burst              frames it may send at once before the rate applies ({@code WS_RATE_BURST})
 * @param maxOutboundFrames  frames waiting to be written to a slow reader before it is disconnected
 *                           ({@code WS_MAX_OUTBOUND_FRAMES})
 * @param maxOutboundBytes   bytes waiting to be written to one connection before it is disconnected, pongs and
 *                           close frames included ({@code WS_MAX_OUTBOUND_KIB}); with {@code maxPerUser} this also
 *                           bounds what one user's connections can pin: their product
 * @param stallSeconds       a connection whose outgoing queue makes no progress for this long is cut, whatever it
 *                           sends meanwhile ({@code WS_STALL_SECONDS})
 * @param pingSeconds        heartbeat interval; a peer silent for 1.5 intervals is closed ({@code WS_PING_SECONDS}),
 *                           kept well inside the ALB's 60 s idle timeout
 * @param handshakeSeconds   time from accepting a socket to a completed handshake ({@code WS_HANDSHAKE_SECONDS})
 * @param maxConnections     open sockets on the WebSocket port, handshakes under way included
 *                           ({@code WS_MAX_CONNECTIONS}, default from the descriptor limit: {@link FileDescriptors})
 * @param maxPerUser         open WebSockets of one user on this instance ({@code WS_MAX_CONNECTIONS_PER_USER})
 * @param maxPerAddress      open WebSockets from one client address ({@code WS_MAX_CONNECTIONS_PER_ADDRESS}); behind
 *                           a proxy, with {@code TRUST_PROXY=true}, the address it forwards
 */
public record Limits(int ratePerSecond, int burst, int maxOutboundFrames, int maxOutboundBytes, int stallSeconds,
                     int pingSeconds, int handshakeSeconds, int maxConnections, int maxPerUser, int maxPerAddress) {

    /** The largest message accepted (a frame, or the sum of a fragmented one); larger closes with 1009. */
    public static final int MAX_FRAME_BYTES = 16 * 1024;

    /**
     * Frames accepted but not yet processed. The rate limit keeps an honest client far below it; a full inbox means
     * the server fell behind, and what does not fit is refused as {@code overloaded}.
     */
    static final int INBOX = 128;
    /**
     * The {@code retryAfterMs} of a frame refused because the inbox was full: about the time the connection's
     * thread needs to work through a full inbox on a saturated server (seen: 128 frames behind for several
     * seconds at 5,000 msg/s on two cores); the client adds up to half again at random.
     */
    static final long INBOX_FULL_RETRY_MS = 2000;

    /** Pings a connection may send per second (each costs a pong); more are dropped without an answer. */
    static final int PINGS_PER_SECOND = 2;

    public static Limits from(Env env) {
        return new Limits(
                env.integer("WS_RATE_PER_SECOND", 30, 1, 100_000),
                env.integer("WS_RATE_BURST", 60, 1, 100_000),
                env.integer("WS_MAX_OUTBOUND_FRAMES", 1024, 16, 1_000_000),
                env.integer("WS_MAX_OUTBOUND_KIB", 256, 32, 1024 * 1024) * 1024,
                env.integer("WS_STALL_SECONDS", 30, 2, 3600),
                env.integer("WS_PING_SECONDS", 30, 1, 3600),
                env.integer("WS_HANDSHAKE_SECONDS", 10, 1, 600),
                env.integer("WS_MAX_CONNECTIONS", FileDescriptors.defaultWebSocketCap(), 1, 10_000_000),
                env.integer("WS_MAX_CONNECTIONS_PER_USER", 16, 1, 100_000),
                env.integer("WS_MAX_CONNECTIONS_PER_ADDRESS", 512, 1, 10_000_000));
    }
}
