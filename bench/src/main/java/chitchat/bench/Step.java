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
 * <p>One counter per message tells delivered from lost from duplicated; receivers on many threads update them.
 */
final class Step {

    final int index;
    final int rate;
    final boolean warmup;
    final int planned;
    /** When message 0 is due, in {@link System#nanoTime()} time. */
    final long startNanos;
    private final double intervalNanos;

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
        this.index = index;
        this.rate = rate;
        this.warmup = warmup;
        this.planned = (int) Math.max(1, Math.round(rate * seconds));
        this.startNanos = startNanos;
        this.intervalNanos = 1e9 / rate;
        this.deliveries = new AtomicIntegerArray(planned);
        this.acks = new AtomicIntegerArray(planned);
    }

    long dueNanos(int seq) {
        return startNanos + (long) (seq * intervalNanos);
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
        if (deliveries.incrementAndGet(seq) == 1) {
            delivered.incrementAndGet();
            endToEnd.record(scheduledNanos, nowNanos);
        } else {
            duplicates.increment();
        }
    }

    void acked(int seq, long scheduledNanos, long nowNanos) {
        if (acks.incrementAndGet(seq) == 1) {
            acked.incrementAndGet();
            ack.record(scheduledNanos, nowNanos);
        }
    }

    void error(String code) {
        errors.increment();
        errorCodes.computeIfAbsent(code == null ? "unknown" : code, c -> new LongAdder()).increment();
    }

    /** Everything sent has been delivered and acked, or refused with an error frame. */
    boolean settled() {
        long done = sent.sum();
        long refused = errors.sum();
        return delivered.get() + refused >= done && acked.get() + refused >= done;
    }
}
