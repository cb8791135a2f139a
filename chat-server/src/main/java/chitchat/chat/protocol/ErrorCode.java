package chitchat.chat.protocol;

/**
 * Every {@code error} code a WebSocket client can be sent, in one list, each with when it is sent.
 *
 * <p>One enum rather than strings scattered through the server, so that the codes a client must handle are written
 * down once (and documented once, in docs/PROTOCOL.md), and a typo is a compile error.
 */
public enum ErrorCode {
    /** The frame is not a JSON object (malformed, a duplicate key, too deep). */
    BAD_JSON("bad_json"),
    /** {@code type} is missing or not one the server knows. */
    UNKNOWN_TYPE("unknown_type"),
    /** A {@code chat msg} with a missing or invalid {@code clientMsgId}, {@code message} or recipient field. */
    INVALID_MESSAGE("invalid_message"),
    /** A {@code read}, {@code delivered}, {@code typing} or {@code watch} frame with a missing or invalid field. */
    INVALID_FRAME("invalid_frame"),
    /** v1: {@code receiver} is not a valid username, or is the sender. */
    INVALID_RECEIVER("invalid_receiver"),
    /** v1: no user has that name. */
    UNKNOWN_RECEIVER("unknown_receiver"),
    /** No such conversation, or the sender is not a member of it (the two are not told apart). */
    NOT_FOUND("not_found"),
    /** The message could not be stored; it was not acked, and may be sent again with the same clientMsgId. */
    STORE_UNAVAILABLE("store_unavailable"),
    /**
     * The server is saturated (its queue of messages waiting to be stored is full): the message was not stored, and
     * may be sent again with the same clientMsgId after the frame's {@code retryAfterMs}.
     */
    OVERLOADED("overloaded"),
    /** Over the connection's rate limit: dropped unprocessed. */
    RATE_LIMITED("rate_limited"),
    /** A binary frame: the protocol is JSON text. */
    BAD_FRAME("bad_frame"),
    /** The server began closing this connection; the frame was not processed. */
    SHUTTING_DOWN("shutting_down"),
    /** A bug while processing the frame. */
    INTERNAL("internal");

    private final String wire;

    ErrorCode(String wire) {
        this.wire = wire;
    }

    /** The code as it is sent. */
    public String wire() {
        return wire;
    }
}
