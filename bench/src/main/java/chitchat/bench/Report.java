package chitchat.bench;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * A run's results: the JSON written to {@code bench/results/<timestamp>.json}, and the summary table printed at
 * the end. A scenario that was not run, or failed, is null, with the reason in {@code errors}.
 */
record Report(Meta meta, Signup signup, ColdScenario.Result cold, RedisCeiling.Result redis, HistoryScenario.Result history,
              ThroughputScenario.Result throughput, ThroughputScenario.Result throughputMarks, GroupScenario.Result group,
              ConnectionsScenario.Result connections, Map<String, String> errors) {

    /** Where and when: figures from a shared 2-core machine mean little without this. */
    record Meta(String startedAt, String finishedAt, String cpu, int cores, long memoryMb, String kernel, String java,
                String loadAverageAtStart, String loadAverageAtEnd, String note, Options settings) {
    }

    record Signup(int users, double seconds, double perSec) {
    }

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues()
            .registerTypeHierarchyAdapter(Path.class, new com.google.gson.TypeAdapter<Path>() {
                @Override
                public void write(com.google.gson.stream.JsonWriter out, Path value) throws IOException {
                    out.value(value.toString());
                }

                @Override
                public Path read(com.google.gson.stream.JsonReader in) throws IOException {
                    return Path.of(in.nextString());
                }
            })
            .create();

    void writeJson(Path file) throws IOException {
        Files.writeString(file, GSON.toJson(withoutSecret()));
    }

    /** The settings as given, less the JWT secret, which never goes into a results file. */
    private Report withoutSecret() {
        Options o = meta.settings();
        Options safe = new Options(o.authUrl(), o.chatHttp(), o.chatWs(), o.pids(), o.mongoUri(), o.mongoDb(), o.redisPort(),
                o.jwtSecret() == null ? null : "(set)", o.scenarios(), o.users(), o.rates(), o.maxRate(), o.stepSeconds(),
                o.warmupSeconds(), o.drainSeconds(), o.p99LimitMs(), o.connections(), o.sourceAddresses(),
                o.connectConcurrency(), o.holdSeconds(), o.historyMessages(), o.historyRequests(), o.historySeconds(),
                o.activeRate(), o.outDir(), o.jcmd(), o.load());
        Meta m = new Meta(meta.startedAt(), meta.finishedAt(), meta.cpu(), meta.cores(), meta.memoryMb(), meta.kernel(),
                meta.java(), meta.loadAverageAtStart(), meta.loadAverageAtEnd(), meta.note(), safe);
        return new Report(m, signup, cold, redis, history, throughput, throughputMarks, group, connections, errors);
    }

    /** The summary table. */
    void print(PrintStream out) {
        out.println();
        out.printf("Chit-Chat benchmark %s: %d cores (%s), %d MB; load average at start %s, at end %s%n",
                meta.startedAt(), meta.cores(), meta.cpu(), meta.memoryMb(), meta.loadAverageAtStart(), meta.loadAverageAtEnd());
        out.println(meta.settings().load().redisMode().equals("cluster")
                ? "Broker: a Redis Cluster of 3 primaries and 3 replicas on this machine (sharded Pub/Sub); Redis CPU is all six nodes'."
                : "Broker: one Redis.");
        out.println(meta.note());
        if (redis != null) {
            out.println();
            if (redis.available()) {
                out.printf(Locale.ROOT, "Redis PUBLISH (redis-benchmark, %d-byte frame): %,.0f/s one per round trip, %,.0f/s pipelined x16"
                        + " -> cross-instance ceiling ~%,.0f msg/s (2 PUBLISHes a message)%n",
                        redis.payloadBytes(), redis.publishPerSec(), redis.pipelinedPublishPerSec(), redis.messageCeilingPerSec());
            } else {
                out.println("Redis PUBLISH ceiling: not measured: " + redis.note());
            }
        }
        if (cold != null) {
            ReportTables.cold(out, cold);
        }
        if (throughput != null) {
            ReportTables.throughput(out, throughput, "messages only");
        }
        if (throughputMarks != null) {
            ReportTables.throughput(out, throughputMarks, "with browser-like delivered/read marks (once a second per conversation) and typing");
        }
        if (throughput != null && throughputMarks != null) {
            ReportTables.marksCost(out, throughput, throughputMarks);
        }
        if (group != null) {
            ReportTables.group(out, group);
        }
        if (history != null) {
            out.println();
            out.printf(Locale.ROOT, "History, one request at a time: the store holds %,d messages, %,d conversations, %,d memberships;"
                    + " %,d messages inserted at %,.0f/s (%s)%n", history.collectionDocuments(), history.conversationDocuments(),
                    history.membershipDocuments(), history.messages(), history.fillPerSec(), history.fill());
            out.printf(Locale.ROOT, "  list = GET /api/conversations (the reader's %d); v2 = GET /api/conversations/{id}/messages"
                    + " (newest: limit=50, oldest: before=51, catch-up: after=<lastSeq-50>); v1 = GET /api/messages?with=&limit=50%n",
                    history.readerConversations());
            HistoryScenario.Position cold = history.cold();
            if (cold != null) {
                out.printf(Locale.ROOT, "  first %d requests after the fill (%s; not in the figures below): p50 %.2f ms, p99 %.2f ms,"
                                + " max %.2f ms (at %s); store CPU %.1f ms a request%n", cold.latency().count(), cold.name(),
                        cold.latency().p50(), cold.latency().p99(), cold.latency().max(), cold.slowestAt(),
                        cold.cpuMsPerRequest().getOrDefault("store", -1.0));
            }
            for (HistoryScenario.Position p : history.positions()) {
                StringBuilder cpu = new StringBuilder();
                p.cpuMsPerRequest().forEach((name, ms) -> cpu.append(' ').append(name).append(' ')
                        .append(String.format(Locale.ROOT, "%.1f", ms)));
                out.printf(Locale.ROOT, "  %-28s p50 %8.2f ms   p99 %8.2f ms   max %8.2f ms   (%d requests, %d items)   CPU ms a request:%s%n",
                        p.name(), p.latency().p50(), p.latency().p99(), p.latency().max(), p.latency().count(), p.pageSize(), cpu);
            }
        }
        if (connections != null) {
            ConnectionsScenario.Result c = connections;
            out.println();
            out.printf(Locale.ROOT, "Connections: %,d of %,d idle authenticated WebSockets open on %s from %d source addresses in %.1f s"
                            + " (%,.0f/s, handshake p99 %.1f ms); %d closed while held; server open-file limit %d%n",
                    c.opened(), c.target(), c.instance(), c.sourceAddresses(), c.rampSeconds(), c.connectsPerSec(),
                    c.handshake().p99(), c.closedDuringHold(), c.serverOpenFileLimit());
            out.printf(Locale.ROOT, "  per connection, after a full GC: heap %.1f KB, RSS %.1f KB   (heap used %s -> %s, committed %s -> %s;"
                            + " RSS %s -> %s)%n",
                    c.heapPerConnectionBytes() / 1024, c.rssPerConnectionBytes() / 1024,
                    mb(c.before().heapUsedBytes()), mb(c.after().heapUsedBytes()), mb(c.before().heapCommittedBytes()),
                    mb(c.after().heapCommittedBytes()), mb(c.before().rssBytes()), mb(c.after().rssBytes()));
            StringBuilder cpu = new StringBuilder();
            c.rampCpuPercent().forEach((name, pct) -> cpu.append(name).append(' ').append(Math.round(pct)).append("  "));
            out.println("  CPU % during the ramp (100 = one core): " + cpu);
            out.printf(Locale.ROOT, "  connection attempts dropped by a full accept queue during the ramp (machine-wide ListenOverflows): %d%n",
                    c.listenQueueOverflows());
            StringBuilder idle = new StringBuilder();
            c.idleCpuPercent().forEach((name, pct) -> idle.append(name).append(' ').append(Math.round(pct)).append("  "));
            out.println("  CPU % while they sit idle: " + idle);
            ThroughputScenario.StepResult a = c.activeWhileHeld();
            if (a != null) {
                out.printf(Locale.ROOT, "  meanwhile %d msg/s among the throughput users: delivered %.0f/s, lost %d, p50 %.2f ms, p99 %.2f ms,"
                                + " max %.2f ms; CPU chat1 %.0f%%, chat2 %.0f%%%n",
                        a.offeredPerSec(), a.deliveredPerSec(), a.lost(), a.endToEnd().p50(), a.endToEnd().p99(), a.endToEnd().max(),
                        a.cpuPercent().getOrDefault("chat1", -1.0), a.cpuPercent().getOrDefault("chat2", -1.0));
            }
            if (c.firstFailure() != null) {
                out.println("  first failure: " + c.firstFailure());
            }
        }
        printTargets(out);
        errors.forEach((scenario, error) -> out.println("\n" + scenario + " FAILED: " + error));
    }

    /** Issue 7's targets for a 2-core machine, each with what this run measured. */
    private void printTargets(PrintStream out) {
        out.println();
        out.println("Targets (2 cores, load tool on the same machine):");
        if (throughput != null) {
            out.printf(Locale.ROOT, "  >= 5,000 delivered msg/s with p99 <= 50 ms across two instances: %,.0f  %s%n",
                    throughput.maxPassingDeliveredPerSec(), throughput.maxPassingDeliveredPerSec() >= 5000 ? "met" : "MISSED");
            throughput.steps().stream().filter(s -> s.offeredPerSec() == 1000).findFirst().ifPresent(s ->
                    out.printf(Locale.ROOT, "  end-to-end p99 < 10 ms at 1,000 msg/s: %.2f ms  %s%n",
                            s.endToEnd().p99(), s.lost() == 0 && s.endToEnd().p99() < 10 ? "met" : "MISSED"));
        }
        if (connections != null) {
            double kb = Math.max(connections.heapPerConnectionBytes(), connections.rssPerConnectionBytes()) / 1024;
            out.printf(Locale.ROOT, "  idle connections on one instance up to the open-file limit (%d), <= 10 KB of RSS and heap each:"
                            + " %,d open, %.1f KB  %s%n", connections.serverOpenFileLimit(), connections.opened(), kb,
                    kb <= 10 && connections.failed() == 0 ? "met (at this count)" : "MISSED");
        }
        if (history != null) {
            double worst = history.positions().stream().mapToDouble(p -> p.latency().p99()).max().orElse(0);
            out.printf(Locale.ROOT, "  history page and conversation list p99 < 20 ms at 100 or %,d messages: worst p99 %.2f ms  %s%n",
                    history.messages(), worst, worst < 20 ? "met" : "MISSED");
        }
    }

    private static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1048576.0);
    }
}
