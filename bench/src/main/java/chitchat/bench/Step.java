package chitchat.bench;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The bookkeeping of one constant-rate step of the throughput scenario.
 *
 * <p>Message {@code seq} of the step is due at {@code startNanos + seq / rate}: that is its scheduled send time,
 * fixed before the step starts and carried in its {@code clientMsgId} as {@code <step>.<seq>.<micros>}. Latencies
 * are measured from it, not from when the message actually left, so if the sender falls behind because the
 * server (or this machine) stalls, the stall shows up in the latency of every message it delayed instead of
 * quietly lowering the rate (Gil Tene's "coordinated omission").
 *
 * <p>One counter per message and receiver tells delivered from lost from duplicated; receivers on many threads
 * update them. A direct message has one receiver ({@code slots} 1); a group message has a slot per member, of which
 * every one but the sender's should fill ({@code expectedPerMessage}): the sender's own connection gets an ack.
 * A step may also keep {@link Windows}: the same figures per few seconds of the step (the cold phase).
 */
final class Step {

    final int index;
    final int rate;
    final boolean warmup;
    final int planned;
    /** When message 0 is due, in {@link System#nanoTime()} time. */
    final long startNanos;
    private final double intervalNanos;
    final int slots;
    final int expectedPerMessage;
    /** Per-window figures, or null (only the cold phase keeps them). */
    final Windows windows;
    /** Due times from the start, when arrivals are Poisson ({@link #poisson}); null for a constant rate. */
    private long[] offsets;

    private final AtomicIntegerArray deliveries;
    private final AtomicIntegerArray acks;
    final AtomicInteger delivered = new AtomicInteger();
    final AtomicInteger acked = new AtomicInteger();
    final LongAdder sent = new LongAdder();
    final LongAdder sendFailed = new LongAdder();
    final LongAdder duplicates = new LongAdder();
    final LongAdder errors = new LongAdder();
    final LongAdder misrouted = new LongAdder();
    final Map<String, LongAdder> errorCodes = new ConcurrentHashMap<>();

    /** Scheduled time to arrival at the receiver's WebSocket. */
    final Latency endToEnd = new Latency();
    /** Scheduled time to the sender's ack (the message is stored). */
    final Latency ack = new Latency();
    /** How late the load tool itself sent (actual minus scheduled): its own health, not the server's. */
    final Latency sendLag = new Latency();

    Step(int index, int rate, boolean warmup, double seconds, long startNanos) {
        this(index, rate, warmup, seconds, startNanos, 1, 1, 0);
    }

    /** A step whose messages go to {@code slots} receivers each, and that keeps windows when {@code windowSeconds} > 0. */
    Step(int index, int rate, boolean warmup, double seconds, long startNanos, int slots, int expectedPerMessage, double windowSeconds) {
        this.index = index;
        this.slots = slots;
        this.expectedPerMessage = expectedPerMessage;
        this.rate = rate;
        this.warmup = warmup;
        this.planned = (int) Math.max(1, Math.round(rate * seconds));
        this.startNanos = startNanos;
        this.intervalNanos = 1e9 / rate;
        this.deliveries = new AtomicIntegerArray(planned * slots);
        this.acks = new AtomicIntegerArray(planned);
        this.windows = windowSeconds > 0 ? new Windows(startNanos, windowSeconds, seconds) : null;
    }

    /**
     * Makes arrivals a Poisson process of the same mean rate: exponential gaps, drawn once from {@code seed}, so
     * that many users each sending now and then (the realistic shape) are offered as the sum of their clocks.
     * Called before the step starts.
     */
    Step poisson(long seed) {
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        long[] at = new long[planned];
        double t = 0;
        for (int i = 0; i < planned; i++) {
            t += -Math.log(1 - random.nextDouble()) * intervalNanos;
            at[i] = (long) t;
        }
        offsets = at;
        return this;
    }

    long dueNanos(int seq) {
        long[] at = offsets;
        return startNanos + (at != null ? at[seq] : (long) (seq * intervalNanos));
    }

    /** When the step's last message is due. */
    long endNanos() {
        return dueNanos(planned - 1);
    }

    /** The clientMsgId of message {@code seq}: step, sequence and scheduled time in µs since {@code epochNanos}. */
    String clientMsgId(int seq, long epochNanos) {
        return index + "." + seq + "." + (dueNanos(seq) - epochNanos) / 1000;
    }

    void delivered(int seq, long scheduledNanos, long nowNanos) {
        delivered(seq, 0, scheduledNanos, nowNanos);
    }

    /** Message {@code seq} reached the receiver in {@code slot} (0 for a direct message). */
    void delivered(int seq, int slot, long scheduledNanos, long nowNanos) {
        if (seq < 0 || seq >= planned || slot < 0 || slot >= slots) {
            return;
        }
        if (deliveries.incrementAndGet(seq * slots + slot) == 1) {
            delivered.incrementAndGet();
            endToEnd.record(scheduledNanos, nowNanos);
            if (windows != null) {
                windows.delivered(scheduledNanos, nowNanos);
            }
        } else {
            duplicates.increment();
        }
    }

    void acked(int seq, long scheduledNanos, long nowNanos) {
        if (seq >= 0 && seq < planned && acks.incrementAndGet(seq) == 1) {
            acked.incrementAndGet();
            ack.record(scheduledNanos, nowNanos);
        }
    }

    void error(String code) {
        errors.increment();
        errorCodes.computeIfAbsent(code == null ? "unknown" : code, c -> new LongAdder()).increment();
        if (windows != null) {
            windows.error(code == null ? "unknown" : code, System.nanoTime());
        }
    }

    /** Of messages {@code from} (inclusive) to {@code to} (exclusive), how many reached no receiver (direct steps). */
    int undelivered(int from, int to) {
        int missing = 0;
        for (int seq = Math.max(0, from); seq < Math.min(to, planned); seq++) {
            if (deliveries.get(seq * slots) == 0) {
                missing++;
            }
        }
        return missing;
    }

    /** Everything sent has been delivered and acked, or refused with an error frame. */
    boolean settled() {
        long done = sent.sum();
        long refused = errors.sum();
        return delivered.get() + refused * expectedPerMessage >= done * expectedPerMessage && acked.get() + refused >= done;
    }
}
