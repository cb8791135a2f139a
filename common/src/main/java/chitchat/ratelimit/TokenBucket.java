package chitchat.ratelimit;

/**
 * A token bucket: up to {@code capacity} events at once, refilled at {@code perSecond}; it can also say how long
 * until the next token (for {@code Retry-After}). The one rate limiter of the project: WebSocket frames, pings and
 * strikes per connection, history requests per user.
 *
 * <p>Time is passed in by callers that want to test without sleeping; the others use {@link System#nanoTime()}.
 * {@code synchronized} guards a few arithmetic operations only, never anything that blocks.
 */
public final class TokenBucket {

    private final double capacity;
    private final double perNano;
    private double tokens;
    private long last;

    public TokenBucket(double perSecond, double capacity) {
        this(perSecond, capacity, System.nanoTime());
    }

    public TokenBucket(double perSecond, double capacity, long nowNanos) {
        this.capacity = capacity;
        this.perNano = perSecond / 1e9;
        this.tokens = capacity;
        this.last = nowNanos;
    }

    /** Takes one token now if there is one. */
    public boolean tryTake() {
        return tryTake(System.nanoTime()) == 0;
    }

    /** Takes one token if there is one (0); otherwise the nanoseconds until there will be, as a negative number. */
    public synchronized long tryTake(long nowNanos) {
        refill(nowNanos);
        if (tokens >= 1) {
            tokens -= 1;
            return 0;
        }
        return -(long) Math.ceil((1 - tokens) / perNano);
    }

    /** Whether the bucket has refilled completely: a user who has been quiet that long needs no state kept. */
    public synchronized boolean isFull(long nowNanos) {
        refill(nowNanos);
        return tokens >= capacity;
    }

    private void refill(long nowNanos) {
        tokens = Math.min(capacity, tokens + Math.max(0, nowNanos - last) * perNano);
        last = nowNanos;
    }
}
