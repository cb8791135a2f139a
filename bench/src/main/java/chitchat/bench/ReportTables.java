package chitchat.bench;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/**
 * The summary tables of the load scenarios (cold phase, the two throughput ladders, the group), apart from
 * {@link Report} so that each stays readable; the JSON holds the same figures and more.
 *
 * <p>Costs are shown per delivered message next to each rate: CPU µs of both chat-servers together, of the store
 * and of Redis, and the store's round trips (writes) per stored message, from the chat-servers' own counts.
 */
final class ReportTables {

    private ReportTables() {
    }

    static void cold(PrintStream out, ColdScenario.Result c) {
        ThroughputScenario.StepResult t = c.total();
        out.println();
        out.printf(Locale.ROOT, "Cold start (fresh servers, no warm-up; connections opened in %.1f s): %d users, %,d msg/s offered at once"
                + " for %.0f s, every message across instances%n", c.connectSeconds(), c.users(), c.offeredPerSec(), c.seconds());
        out.println("  from s  deliver/s    p50 ms    p99 ms    max ms     lost  closed  errors");
        for (ColdScenario.Window w : c.windows()) {
            out.printf(Locale.ROOT, "  %6.0f %10.0f %9.2f %9.2f %9.2f %8d %7d  %s%n", w.fromSecond(), w.deliveredPerSec(), w.p50(), w.p99(),
                    w.max(), w.lost(), w.closed(), w.errors().isEmpty() ? "-" : w.errors());
        }
        out.printf(Locale.ROOT, "  whole phase: sent %d, delivered %d (%.0f/s), lost %d, p99 %.2f ms; p99 of what was scheduled after the"
                        + " first 15 s: %.2f ms (%d messages); clients closed %d %s; errors %s%n",
                t.sent(), t.delivered(), t.deliveredPerSec(), t.lost(), t.endToEnd().p99(), c.afterFirst15s().p99(),
                c.afterFirst15s().count(), c.clientsClosed(), c.closeCodes().isEmpty() ? "" : "(close codes " + c.closeCodes() + ")",
                t.errorCodes().isEmpty() ? "none" : t.errorCodes());
        out.println("  " + costs(t) + "; server: " + t.server());
        out.printf(Locale.ROOT, "  (\"lost\" = not delivered within %.0f s after the phase; the servers then worked on its backlog for %.1f s"
                + " more before the next scenario)%n", c.drainSeconds(), c.settleSeconds());
    }

    static void throughput(PrintStream out, ThroughputScenario.Result t, String what) {
        out.println();
        out.printf("Throughput, %s: %d users over %d chat instances, every message crosses Redis; open loop, latency from the"
                + " scheduled send time, ms%n", what, t.users(), t.instances());
        out.println(" offered/s deliver/s    sent   lost  dup    p50     p99   p99.9      max  ack p99 | CPU µs/msg: chat store redis"
                + " | store writes/msg | marks/s receipts/s | CPU % (100 = one core)");
        for (ThroughputScenario.StepResult s : t.steps()) {
            Latency.Summary e = s.endToEnd();
            StringBuilder cpu = new StringBuilder();
            s.cpuPercent().forEach((name, pct) -> cpu.append(name).append(' ').append(Math.round(pct)).append("  "));
            Map<String, Double> us = s.cpuUsPerDelivered();
            long marks = s.browser().getOrDefault("delivered_sent", 0L) + s.browser().getOrDefault("read_sent", 0L);
            out.printf(Locale.ROOT, "%10d %9.0f %7d %6d %4d %6.2f %7.2f %7.2f %8.2f %8.2f | %15.0f %5.0f %5.0f | %16.2f | %7.0f %10.0f | %s%s%n",
                    s.offeredPerSec(), s.deliveredPerSec(), s.sent(), s.lost(), s.duplicated(), e.p50(), e.p99(), e.p999(), e.max(),
                    s.ack().p99(), us.getOrDefault("chat", -1.0), us.getOrDefault("store", -1.0), us.getOrDefault("redis", -1.0),
                    s.storePerMessage().getOrDefault("writes", -1.0), marks / s.seconds(),
                    s.browser().getOrDefault("receipts_received", 0L) / s.seconds(), cpu, s.passed() ? "" : " <- " + s.verdict());
        }
        out.printf(Locale.ROOT, "Highest step within p99 <= %.0f ms and no loss: %,d msg/s offered, %,.0f delivered/s. Stopped %s.%n",
                t.p99LimitMs(), t.maxPassingOfferedPerSec(), t.maxPassingDeliveredPerSec(), t.stoppedBecause());
    }

    /** The two ladders side by side: what marks and typing cost at each rate both reached. */
    static void marksCost(PrintStream out, ThroughputScenario.Result plain, ThroughputScenario.Result marks) {
        out.println();
        out.printf(Locale.ROOT, "What marks cost: highest passing rate %,d msg/s without, %,d msg/s with marks and typing%n",
                plain.maxPassingOfferedPerSec(), marks.maxPassingOfferedPerSec());
        out.println(" offered/s | chat CPU µs/msg without  with | store writes/msg without  with | p99 ms without  with");
        for (ThroughputScenario.StepResult a : plain.steps()) {
            for (ThroughputScenario.StepResult b : marks.steps()) {
                if (a.offeredPerSec() == b.offeredPerSec()) {
                    out.printf(Locale.ROOT, "%10d | %23.0f %5.0f | %24.2f %5.2f | %14.2f %5.2f%n", a.offeredPerSec(),
                            a.cpuUsPerDelivered().getOrDefault("chat", -1.0), b.cpuUsPerDelivered().getOrDefault("chat", -1.0),
                            a.storePerMessage().getOrDefault("writes", -1.0), b.storePerMessage().getOrDefault("writes", -1.0),
                            a.endToEnd().p99(), b.endToEnd().p99());
                }
            }
        }
    }

    static void group(PrintStream out, GroupScenario.Result g) {
        ThroughputScenario.StepResult s = g.step();
        out.println();
        out.printf(Locale.ROOT, "Group fan-out: %d members over %d instances, %d msg/s from %d senders (%,d deliveries/s offered): delivered"
                        + " %,.0f/s, lost %d, dup %d, p50 %.2f ms, p99 %.2f ms, max %.2f ms, ack p99 %.2f ms; clients closed %d %s%n",
                g.members(), g.instances(), g.offeredMessagesPerSec(), g.senders(), g.offeredDeliveriesPerSec(), s.deliveredPerSec(),
                s.lost(), s.duplicated(), s.endToEnd().p50(), s.endToEnd().p99(), s.endToEnd().max(), s.ack().p99(),
                g.clientsClosed(), g.closeCodes().isEmpty() ? "" : g.closeCodes());
        out.println("  " + costs(s).replace("per delivered message", "per delivery") + "; errors " + (s.errorCodes().isEmpty() ? "none" : s.errorCodes()));
    }

    private static String costs(ThroughputScenario.StepResult s) {
        Map<String, Double> us = s.cpuUsPerDelivered();
        return String.format(Locale.ROOT, "CPU µs per delivered message: chat %.0f, store %.0f, redis %.0f, bench %.0f; store round trips per"
                        + " stored message: %s; CPU %% %s", us.getOrDefault("chat", -1.0), us.getOrDefault("store", -1.0),
                us.getOrDefault("redis", -1.0), us.getOrDefault("bench", -1.0), s.storePerMessage(), s.cpuPercent());
    }
}
