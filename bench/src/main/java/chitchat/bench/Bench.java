package chitchat.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The load tool's entry point: signs users up, runs the chosen scenarios in a fixed order, writes
 * {@code <out>/<timestamp>.json} and {@code <timestamp>.html}, and prints the summary table.
 *
 * <p>The order is chosen so that scenarios disturb each other least: the cold phase first, since it is about
 * servers that have seen nothing yet (sign-up goes to the auth-server only), the Redis ceiling while everything is idle,
 * history before the throughput scenario fills the store with its own messages, and the connections last, since
 * ten thousand sockets are the slowest thing to set up and tear down. A scenario that fails is reported and the
 * others still run; the exit status is 1 when any failed.
 */
public final class Bench {

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            if (!e.getMessage().isEmpty()) {
                System.err.println("bench: " + e.getMessage());
            }
            System.err.print(Options.USAGE);
            System.exit(2);
            return;
        }
        System.exit(run(options) ? 0 : 1);
    }

    static boolean run(Options options) throws Exception {
        ZonedDateTime started = ZonedDateTime.now(ZoneOffset.UTC);
        String loadAtStart = loadAverage();
        // A short tag, different on every run, keeps usernames (and so clientMsgIds) unique in a reused store.
        String tag = Long.toString(System.currentTimeMillis() / 1000 % 60_466_176L, 36);
        Api api = new Api();
        Map<String, String> errors = new LinkedHashMap<>();

        // The group needs as many users as it has members; the throughput users are the first of them.
        int signups = options.scenarios().contains("group") ? Math.max(options.users(), options.load().groupMembers()) : options.users();
        System.out.printf("Signing up %d users (+4 for history) through %s ...%n", signups, options.authUrl());
        long t0 = System.nanoTime();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < signups; i++) {
            names.add("b" + tag + "u" + i);
        }
        List<String> historyNames = List.of("h" + tag + "a", "h" + tag + "b", "h" + tag + "c", "h" + tag + "d");
        List<String> all = new ArrayList<>(names);
        all.addAll(historyNames);
        List<Api.User> signedUp = api.signupAll(options.authUrl(), all);
        double signupSeconds = (System.nanoTime() - t0) / 1e9;
        List<Api.User> everyone = signedUp.subList(0, signups);
        List<Api.User> users = signedUp.subList(0, options.users());
        List<Api.User> historyUsers = signedUp.subList(signups, signedUp.size());
        Report.Signup signup = new Report.Signup(all.size(), Math.round(signupSeconds * 10) / 10.0, Math.round(all.size() / signupSeconds));
        System.out.printf("  %d users in %.1f s%n", all.size(), signupSeconds);

        ColdScenario.Result cold = null;
        if (options.scenarios().contains("cold")) {
            System.out.printf("Cold start: %d msg/s at once for %.0f s on the fresh servers ...%n", options.load().coldRate(), options.load().coldSeconds());
            try {
                // 200 heavy senders, as in the default shape, also when the ladder uses the realistic shape's thousands.
                cold = new ColdScenario(options, options.load().realistic() ? users.subList(0, Math.min(200, users.size())) : users, api).run();
            } catch (Exception e) {
                errors.put("cold", e.toString());
                e.printStackTrace();
            }
        }
        RedisCeiling.Result redis = null;
        HistoryScenario.Result history = null;
        ThroughputScenario.Result throughput = null;
        ThroughputScenario.Result throughputMarks = null;
        GroupScenario.Result group = null;
        ConnectionsScenario.Result connections = null;
        if (options.scenarios().contains("redis") && options.load().redisMode().equals("cluster")) {
            // redis-benchmark's publish test is classic PUBLISH, which a cluster broadcasts to every node: not what
            // the chat-servers do there (SPUBLISH, one shard), so no ceiling to compare with.
            System.out.println("Redis PUBLISH ceiling: skipped with BENCH_REDIS=cluster (redis-benchmark measures PUBLISH, not SPUBLISH)");
        } else if (options.scenarios().contains("redis")) {
            System.out.println("Redis PUBLISH ceiling (redis-benchmark) ...");
            try {
                redis = RedisCeiling.run(options.redisPort());
            } catch (Exception e) {
                errors.put("redis", e.toString());
            }
        }
        if (options.scenarios().contains("history")) {
            System.out.println("History ...");
            try {
                history = new HistoryScenario(options, api, historyUsers.get(0), historyUsers.get(1).name(),
                        historyUsers.get(2), historyUsers.get(3).name()).run();
            } catch (Exception e) {
                errors.put("history", e.toString());
                e.printStackTrace();
            }
        }
        String stamp = started.format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        if (options.scenarios().contains("throughput") && options.load().plainLadder()) {
            System.out.println("Throughput, messages only ...");
            JfrProfile jfr = options.load().jfr() && options.pids().containsKey("chat1")
                    ? new JfrProfile(options.jcmd(), options.pids().get("chat1").getFirst()) : null;
            if (jfr != null && !jfr.start()) {
                System.out.println("  JFR.start on chat1 failed: no profile this run");
                jfr = null;
            }
            try {
                throughput = new ThroughputScenario(options, users, api, false).run();
            } catch (Exception e) {
                errors.put("throughput", e.toString());
                e.printStackTrace();
            } finally {
                if (jfr != null) {
                    Files.createDirectories(options.outDir());
                    Path summary = jfr.stop(options.outDir().resolve(stamp + "-chat1.jfr"), options.outDir().resolve(stamp + "-chat1-jfr.txt"));
                    System.out.println("  JFR of chat1 during the ladder: " + (summary == null ? "not written" : summary));
                }
            }
        }
        if (options.scenarios().contains("throughput") && options.load().marksLadder()) {
            System.out.println("Throughput with browser-like marks and typing ...");
            try {
                throughputMarks = new ThroughputScenario(options, users, api, true).run();
            } catch (Exception e) {
                errors.put("throughput-marks", e.toString());
                e.printStackTrace();
            }
        }
        if (options.scenarios().contains("group")) {
            System.out.printf("Group fan-out: %d members, %d msg/s ...%n", options.load().groupMembers(), options.load().groupRate());
            try {
                group = new GroupScenario(options, everyone.subList(0, options.load().groupMembers()), api).run();
            } catch (Exception e) {
                errors.put("group", e.toString());
                e.printStackTrace();
            }
        }
        if (options.scenarios().contains("connections")) {
            System.out.printf("Connections: %d idle ...%n", options.connections());
            try {
                connections = new ConnectionsScenario(options, users, api, tag).run();
            } catch (Exception e) {
                errors.put("connections", e.toString());
                e.printStackTrace();
            }
        }

        Report.Meta meta = new Report.Meta(started.toString(), ZonedDateTime.now(ZoneOffset.UTC).toString(), cpuModel(),
                Runtime.getRuntime().availableProcessors(), memoryMb(), read("/proc/sys/kernel/osrelease"),
                Runtime.version().toString(), loadAtStart, loadAverage(),
                "Load tool and servers share this machine's cores, and so does anything else running on it: treat the"
                        + " figures as a floor, and compare runs made on a quiet machine.",
                options);
        Report report = new Report(meta, signup, cold, redis, history, throughput, throughputMarks, group, connections, errors);
        Files.createDirectories(options.outDir());
        Path json = options.outDir().resolve(stamp + ".json");
        Path html = options.outDir().resolve(stamp + ".html");
        report.writeJson(json);
        Chart.write(report, html);
        report.print(System.out);
        System.out.printf("%nResults: %s%nChart:   %s%n", json, html);
        return errors.isEmpty();
    }

    private static String loadAverage() {
        String load = read("/proc/loadavg");
        return load.isEmpty() ? "?" : String.join(" ", List.of(load.split(" ")).subList(0, 3));
    }

    private static String cpuModel() {
        for (String line : read("/proc/cpuinfo").split("\n")) {
            if (line.startsWith("model name")) {
                return line.substring(line.indexOf(':') + 1).trim();
            }
        }
        return System.getProperty("os.arch");
    }

    private static long memoryMb() {
        for (String line : read("/proc/meminfo").split("\n")) {
            if (line.startsWith("MemTotal:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
            }
        }
        return -1;
    }

    private static String read(String file) {
        try {
            return Files.readString(Path.of(file)).trim();
        } catch (Exception e) {
            return "";
        }
    }
}
