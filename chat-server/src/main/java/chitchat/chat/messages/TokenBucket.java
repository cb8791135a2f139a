package chitchat.chat.messages;

/**
 * A token bucket: up to {@code capacity} events at once, refilled at {@code perSecond}, that can also say how long
 * until the next token (for {@code Retry-After}).
 *
 * <p>The same idea as {@code chitchat.chat.ws.TokenBucket}, which is package-private to the WebSocket side and has
 * no wait time; the two can become one shared class later. Time comes from the caller, so tests need no sleeping.
 */
final class TokenBucket {

    private final double capacity;
    private final double perNano;
    private double tokens;
    private long last;

    TokenBucket(double perSecond, double capacity, long nowNanos) {
        this.capacity = capacity;
        this.perNano = perSecond / 1e9;
        this.tokens = capacity;
        this.last = nowNanos;
    }

    /** Takes one token if there is one; otherwise the nanoseconds until there will be, as a negative number. */
    synchronized long tryTake(long nowNanos) {
        refill(nowNanos);
        if (tokens >= 1) {
            tokens -= 1;
            return 0;
        }
        return -(long) Math.ceil((1 - tokens) / perNano);
    }

    /** Whether the bucket has refilled completely: a user who has been quiet that long needs no state kept. */
    synchronized boolean isFull(long nowNanos) {
        refill(nowNanos);
        return tokens >= capacity;
    }

    private void refill(long nowNanos) {
        tokens = Math.min(capacity, tokens + Math.max(0, nowNanos - last) * perNano);
        last = nowNanos;
    }
}
