package chitchat.bench;

import java.util.concurrent.TimeUnit;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Latency recording with HdrHistogram: values in microseconds from 1 µs to 5 minutes at 3 significant digits
 * (0.1% resolution), recorded concurrently from any thread, summarized in milliseconds.
 */
final class Latency {

    private static final long HIGHEST_MICROS = TimeUnit.MINUTES.toMicros(5);

    /** The figures the reports show, in milliseconds. */
    record Summary(long count, double p50, double p90, double p99, double p999, double max, double mean) {
        static final Summary EMPTY = new Summary(0, 0, 0, 0, 0, 0, 0);
    }

    private final Histogram histogram = new ConcurrentHistogram(HIGHEST_MICROS, 3);

    /** Records the time from {@code startNanos} to {@code endNanos} ({@link System#nanoTime()} values). */
    void record(long startNanos, long endNanos) {
        long micros = Math.max(0, (endNanos - startNanos) / 1000);
        histogram.recordValue(Math.min(micros, HIGHEST_MICROS));
    }

    Summary summary() {
        Histogram h = histogram.copy();
        if (h.getTotalCount() == 0) {
            return Summary.EMPTY;
        }
        return new Summary(h.getTotalCount(), ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(90)),
                ms(h.getValueAtPercentile(99)), ms(h.getValueAtPercentile(99.9)), ms(h.getMaxValue()), round(h.getMean() / 1000.0));
    }

    private static double ms(long micros) {
        return round(micros / 1000.0);
    }

    private static double round(double ms) {
        return Math.round(ms * 1000.0) / 1000.0;
    }
}
