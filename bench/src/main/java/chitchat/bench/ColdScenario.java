package chitchat.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The first seconds of freshly started servers under full load: {@code --cold-rate} msg/s (5,000) offered at once,
 * for {@code --cold-seconds} (30), with no warm-up, reported per window of {@code --cold-window-seconds} (5).
 *
 * <p>It must be the first thing the chat-servers see (Bench runs it before anything else, and bench/run.sh starts
 * them fresh): a deploy, a restart after a crash or a scale-out meets its users' reconnecting and resending at
 * once, before the JIT has compiled the hot path and while every pool is still empty. A warmed-up ladder never shows
 * that. Routing is the throughput scenario's (user i writes to user i+1, on the other instance). The figures per
 * window: delivered per second (by arrival), p50/p99 (by scheduled time), messages lost (by scheduled time),
 * connections the server closed, with their close codes, and error frames by code; then the p99 of everything
 * scheduled after the first 15 s, i.e. once the servers had time to warm up.
 */
final class ColdScenario {

    /** One window of the cold phase. {@code fromSecond} counts from the first message's due time. */
    record Window(double fromSecond, double deliveredPerSec, double p50, double p99, double max, long lost, long closed,
                  Map<String, Long> errors) {
    }

    record Result(int users, int offeredPerSec, double seconds, double windowSeconds, ThroughputScenario.StepResult total,
                  List<Window> windows, Latency.Summary afterFirst15s, int clientsClosed, Map<String, Long> closeCodes,
                  double connectSeconds, double drainSeconds, double settleSeconds) {
    }

    /** At most this long waiting for the servers to finish the phase's backlog before the next scenario. */
    private static final double SETTLE_MAX_SECONDS = 90;
    /** "Quiet": the chat-servers and the store together below this share of one core over a second. */
    private static final double QUIET_PERCENT = 15;

    private final Options options;
    private final List<Api.User> users;
    private final Costs costs;

    ColdScenario(Options options, List<Api.User> users, Api api) {
        this.options = options;
        this.users = users;
        this.costs = new Costs(options, api);
    }

    Result run() throws Exception {
        Options.Load load = options.load();
        Costs.Reading before = costs.read();
        long t0 = System.nanoTime();
        try (LoadClients clients = new LoadClients(users, false).connect(options.chatWs(), options.sourceAddresses())) {
            double connectSeconds = (System.nanoTime() - t0) / 1e9;
            Step step = new Step(0, load.coldRate(), false, load.coldSeconds(), System.nanoTime() + 20_000_000L, 1, 1, load.coldWindowSeconds());
            clients.steps.add(step);
            Thread scheduler = Thread.ofPlatform().name("bench-cold-scheduler").start(() -> ThroughputScenario.schedule(step, clients, null));
            scheduler.join();
            long drainDeadline = step.endNanos() + (long) (load.coldDrainSeconds() * 1e9);
            while (!step.settled() && System.nanoTime() < drainDeadline) {
                Thread.sleep(10);
            }
            Costs.Delta cost = costs.between(before, costs.read(), step.delivered.get(), step.acked.get());
            ThroughputScenario.StepResult total = ThroughputScenario.result(step, load.coldSeconds(), cost, Map.of(), options.p99LimitMs());
            List<Window> windows = windows(step, clients.closeTimes(), load.coldWindowSeconds());
            int closed = clients.closed();
            Map<String, Long> codes = clients.closeCodes(); // before our own closes count
            clients.close();
            double settle = settle();
            return new Result(users.size(), load.coldRate(), load.coldSeconds(), load.coldWindowSeconds(), total, windows,
                    step.windows.afterFirst15s.summary(), closed, codes,
                    Math.round(connectSeconds * 100) / 100.0, load.coldDrainSeconds(), settle);
        }
    }

    /**
     * Waits until the servers have worked off what the phase left queued (an overloaded store keeps writing for
     * many seconds after the load stops), so that the next scenario does not measure this one's backlog: answers
     * how long that took, bounded by {@link #SETTLE_MAX_SECONDS}.
     */
    private double settle() throws InterruptedException {
        long start = System.nanoTime();
        while ((System.nanoTime() - start) / 1e9 < SETTLE_MAX_SECONDS) {
            Map<String, Double> before = ServerProbe.cpu(options.pids());
            Thread.sleep(1000);
            Map<String, Double> pct = ServerProbe.cpuPercent(before, ServerProbe.cpu(options.pids()), 1.0);
            double busy = pct.getOrDefault("chat1", 0.0) + pct.getOrDefault("chat2", 0.0) + pct.getOrDefault("store", 0.0);
            if (busy < QUIET_PERCENT) {
                break;
            }
        }
        double seconds = Math.round((System.nanoTime() - start) / 1e8) / 10.0;
        System.out.printf("  servers quiet again after %.1f s%n", seconds);
        return seconds;
    }

    private static List<Window> windows(Step step, List<Long> closeTimes, double windowSeconds) {
        Windows w = step.windows;
        List<Window> out = new ArrayList<>();
        double perWindow = (double) step.planned / w.count();
        for (int i = 0; i < w.count(); i++) {
            Latency.Summary l = w.latency(i);
            int from = (int) Math.round(i * perWindow);
            int to = (int) Math.round((i + 1) * perWindow);
            int window = i;
            long closed = closeTimes.stream().filter(t -> w.of(t) == window).count();
            out.add(new Window(i * windowSeconds, Math.round(w.arrivals(i) / windowSeconds), l.p50(), l.p99(), l.max(),
                    step.undelivered(from, to), closed, w.errors(i)));
        }
        return out;
    }
}
