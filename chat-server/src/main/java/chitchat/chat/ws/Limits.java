package chitchat.chat.ws;

import chitchat.config.Env;

/**
 * What one WebSocket connection may cost the server, from the environment.
 *
 * @param ratePerSecond     sustained chat frames a connection may send ({@code WS_RATE_PER_SECOND})
 * @param burst             frames it may send at once before the rate applies ({@code WS_RATE_BURST})
 * @param maxOutboundFrames frames waiting to be written to a slow reader before it is disconnected
 *                          ({@code WS_MAX_OUTBOUND_FRAMES}); bounds the heap a stalled client can pin
 * @param pingSeconds       heartbeat interval; a peer silent for 1.5 intervals is closed ({@code WS_PING_SECONDS}),
 *                          kept well inside the ALB's 60 s idle timeout
 */
public record Limits(int ratePerSecond, int burst, int maxOutboundFrames, int pingSeconds) {

    /** The largest frame accepted, as the contract says; larger ones close the connection with 1009. */
    public static final int MAX_FRAME_BYTES = 16 * 1024;

    /** Frames accepted but not yet processed; a connection that fills this is flooding. */
    static final int INBOX = 128;

    public static Limits from(Env env) {
        return new Limits(
                env.integer("WS_RATE_PER_SECOND", 30, 1, 100_000),
                env.integer("WS_RATE_BURST", 60, 1, 100_000),
                env.integer("WS_MAX_OUTBOUND_FRAMES", 1024, 16, 1_000_000),
                env.integer("WS_PING_SECONDS", 30, 1, 3600));
    }
}
