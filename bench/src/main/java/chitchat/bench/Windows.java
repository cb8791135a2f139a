package chitchat.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * A step's figures per window of a few seconds: what a freshly started server does in its first seconds (class
 * loading, JIT compilation, the store's and Redis's connection pools filling) is averaged away in one step's p99,
 * so the cold phase reports how delivery, latency and errors develop window by window.
 *
 * <p>Latency and loss belong to the window a message was <em>scheduled</em> in (so a stall is charged to the
 * messages it delayed), deliveries and errors to the window they <em>arrived</em> in (what a user would see per
 * second). The last window also takes anything that arrives during the drain.
 */
final class Windows {

    private final long startNanos;
    private final long windowNanos;
    private final int count;
    private final Latency[] latency;
    private final LongAdder[] arrivals;
    private final List<Map<String, LongAdder>> errors = new ArrayList<>();
    /** Latency of the messages scheduled after the first {@link #LATE_SECONDS} of the step. */
    final Latency afterFirst15s = new Latency();
    static final double LATE_SECONDS = 15;

    Windows(long startNanos, double windowSeconds, double stepSeconds) {
        this.startNanos = startNanos;
        this.windowNanos = (long) (windowSeconds * 1e9);
        this.count = (int) Math.max(1, Math.ceil(stepSeconds / windowSeconds));
        this.latency = new Latency[count];
        this.arrivals = new LongAdder[count];
        for (int i = 0; i < count; i++) {
            latency[i] = new Latency();
            arrivals[i] = new LongAdder();
            errors.add(new ConcurrentHashMap<>());
        }
    }

    int count() {
        return count;
    }

    /** Which window {@code nanos} falls in, clamped to the first and last. */
    int of(long nanos) {
        return (int) Math.clamp((nanos - startNanos) / windowNanos, 0, count - 1);
    }

    void delivered(long scheduledNanos, long nowNanos) {
        latency[of(scheduledNanos)].record(scheduledNanos, nowNanos);
        arrivals[of(nowNanos)].increment();
        if (scheduledNanos - startNanos >= (long) (LATE_SECONDS * 1e9)) {
            afterFirst15s.record(scheduledNanos, nowNanos);
        }
    }

    void error(String code, long nowNanos) {
        errors.get(of(nowNanos)).computeIfAbsent(code, c -> new LongAdder()).increment();
    }

    Latency.Summary latency(int window) {
        return latency[window].summary();
    }

    long arrivals(int window) {
        return arrivals[window].sum();
    }

    Map<String, Long> errors(int window) {
        Map<String, Long> out = new LinkedHashMap<>();
        errors.get(window).forEach((code, n) -> out.put(code, n.sum()));
        return out;
    }

    long windowStartNanos(int window) {
        return startNanos + window * windowNanos;
    }
}
