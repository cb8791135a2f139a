package chitchat.chat.ws;

/**
 * A token bucket: up to {@code capacity} events at once, refilled at {@code perSecond}.
 * Used by one connection's receiving thread at a time, so it needs no locking beyond {@code synchronized}
 * on a few arithmetic operations (never around anything that blocks).
 */
final class TokenBucket {

    private final double capacity;
    private final double perNano;
    private double tokens;
    private long last;

    TokenBucket(double perSecond, double capacity) {
        this.capacity = capacity;
        this.perNano = perSecond / 1e9;
        this.tokens = capacity;
        this.last = System.nanoTime();
    }

    synchronized boolean tryTake() {
        long now = System.nanoTime();
        tokens = Math.min(capacity, tokens + (now - last) * perNano);
        last = now;
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}
