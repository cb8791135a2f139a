package chitchat.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What to run and against what: the load tool's flags, with defaults that make the default run take a few
 * minutes on a 2-core machine. {@code bench/run.sh} turns its environment variables into these flags.
 *
 * <p>Every count and duration has an upper bound here, so no flag can turn the tool into an unbounded load
 * generator, and every address must be on loopback.
 */
public record Options(
        String authUrl,
        List<String> chatHttp,
        List<String> chatWs,
        Map<String, List<Long>> pids,
        String mongoUri,
        String mongoDb,
        int redisPort,
        String jwtSecret,
        Set<String> scenarios,
        int users,
        List<Integer> rates,
        int maxRate,
        double stepSeconds,
        double warmupSeconds,
        double drainSeconds,
        double p99LimitMs,
        int connections,
        int sourceAddresses,
        int connectConcurrency,
        double holdSeconds,
        int historyMessages,
        int historyRequests,
        double historySeconds,
        int activeRate,
        Path outDir,
        String jcmd,
        Load load) {

    /**
     * The settings of the cold phase, the browser-like marks, the group fan-out and the traffic shape, apart so that
     * the long positional list above stays as it was.
     */
    record Load(int coldRate, double coldSeconds, double coldWindowSeconds, double coldDrainSeconds, String marks,
                double typingFraction, int groupMembers, int groupRate, int groupSenders, double groupSeconds, boolean jfr, String shape,
                String redisMode) {
        /** The ladders to run: without marks, with them, or both (the default: the difference is what marks cost). */
        boolean plainLadder() {
            return !marks.equals("on");
        }

        boolean marksLadder() {
            return !marks.equals("off");
        }

        /** Many users, each sending now and then at Poisson times, instead of a few heavy senders in turn. */
        boolean realistic() {
            return shape.equals("realistic");
        }
    }

    static final List<String> ALL_SCENARIOS = List.of("cold", "redis", "history", "throughput", "group", "connections");
    static final String DEFAULT_RATES = "500,1000,2000,3000,4000,5000,6000,8000,10000,12000,15000,20000";

    static final String USAGE = """
            usage: java -jar chit-chat-bench.jar [--flag value]...   (bench/run.sh starts the topology and passes these)
              --auth URL                 auth-server base URL (http://127.0.0.1:28081)
              --chat-http URL,URL        chat-server HTTP base URLs, one per instance
              --chat-ws URL,URL          chat-server WebSocket URLs (ws://127.0.0.1:28083/ws,...), same order
              --pids name=PID,...        server processes to watch (chat1, chat2, auth, store, redis); name=PID+PID+...
                                         watches a group as one (the nodes of a Redis Cluster)
              --mongo-uri URI            the store, for the history fill (MONGO_URI)   --mongo-db NAME (chitchat)
              --redis-port N             Redis port for redis-benchmark
              --scenarios a,b            of cold,redis,history,throughput,group,connections (all; they run in this order)
              --users N                  throughput users, spread round-robin over the instances (200, 2000 with --shape realistic; max 5000)
              --shape heavy|realistic    heavy: each user sends in turn (every users/rate s); realistic: Poisson arrivals,
                                         each from a random user, so each user sends every ~users/rate s at random (heavy)
              --rates R,R,...            offered msg/s per step (%s)
              --max-rate N               highest step (20000; max 100000)
              --step-seconds S           length of each step (8)      --warmup-seconds S (5)   --drain-seconds S (5)
              --p99-limit-ms MS          a step with a higher p99 ends the ladder (50)
              --connections K            idle connections to one instance (10000; max 60000)
              --source-addresses N       spread them over 127.0.0.2 .. 127.0.0.(N+1) (8)
              --connect-concurrency N    handshakes in flight (200)   --hold-seconds S (5)
              --active-rate N            msg/s among the throughput users while the idle connections are held (1000; 0: skip)
              --history-messages N       messages in the long conversation (100000; max 1000000)
              --history-requests N       page fetches per position (300)   --history-seconds S (15, per position)
              --cold-rate N              msg/s offered at once to the fresh servers in the cold phase (5000; max 100000)
              --cold-seconds S           length of the cold phase (30)   --cold-window-seconds S (5)   --cold-drain-seconds S (10)
              --marks M                  both: a ladder without and one with browser-like marks and typing; off; on (both)
              --typing-fraction F        share of users who send typing before their messages, marks ladder (0.25)
              --group-members N          members of the fan-out group, creator included (256; max 10000)
              --group-rate N             msg/s into the group (20)   --group-senders N (4)   --group-seconds S (10)
              --redis-mode single|cluster  what the chat-servers use (bench/run.sh starts it; BENCH_REDIS): for the report (single)
              --jfr on|off               record chat1 with JFR during the messages-only ladder, summary in <out>/<stamp>-chat1-jfr.txt (off)
              --out DIR                  where results go (bench/results)   --jcmd PATH (jcmd of this JDK)
            JWT secret for the connections scenario: environment variable BENCH_JWT_SECRET (else sign-up tokens are reused).
            """.formatted(DEFAULT_RATES);

    /** The same settings with a different ladder: used to offer load while idle connections are held. */
    Options withLadder(List<Integer> newRates, double newStepSeconds, double newWarmupSeconds) {
        return new Options(authUrl, chatHttp, chatWs, pids, mongoUri, mongoDb, redisPort, jwtSecret, scenarios, users,
                newRates, maxRate, newStepSeconds, newWarmupSeconds, drainSeconds, p99LimitMs, connections, sourceAddresses,
                connectConcurrency, holdSeconds, historyMessages, historyRequests, historySeconds, activeRate, outDir, jcmd, load);
    }

    static Options parse(String[] args) {
        Map<String, String> flags = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--help") || args[i].equals("-h")) {
                throw new IllegalArgumentException("");
            }
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --flag value at '" + args[i] + "'");
            }
            flags.put(args[i].substring(2), args[++i]);
        }
        for (String name : flags.keySet()) {
            if (!USAGE.contains("--" + name + " ")) {
                throw new IllegalArgumentException("unknown flag --" + name);
            }
        }
        Flags f = new Flags(flags);
        int maxRate = f.integer("max-rate", 20_000, 1, 100_000);
        List<Integer> rates = new ArrayList<>();
        for (String r : f.string("rates", DEFAULT_RATES).split(",")) {
            int rate = Integer.parseInt(r.trim());
            if (rate < 1 || rate > 100_000) {
                throw new IllegalArgumentException("--rates: each rate must be 1-100000 msg/s");
            }
            if (rate <= maxRate) {
                rates.add(rate);
            }
        }
        Set<String> scenarios = new LinkedHashSet<>();
        for (String s : f.string("scenarios", String.join(",", ALL_SCENARIOS)).split(",")) {
            if (!ALL_SCENARIOS.contains(s.trim())) {
                throw new IllegalArgumentException("--scenarios: unknown '" + s + "'; choose from " + ALL_SCENARIOS);
            }
            scenarios.add(s.trim());
        }
        Map<String, List<Long>> pids = new LinkedHashMap<>();
        String pidList = f.string("pids", "");
        if (!pidList.isBlank()) {
            for (String pair : pidList.split(",")) { // name=PID, or name=PID+PID+... for a group (a Redis Cluster's nodes)
                String[] kv = pair.split("=", 2);
                pids.put(kv[0].trim(), java.util.Arrays.stream(kv[1].split("\\+")).map(String::trim).map(Long::parseLong).toList());
            }
        }
        List<String> chatHttp = loopback(f.string("chat-http", "http://127.0.0.1:28082,http://127.0.0.1:28092"));
        List<String> chatWs = loopback(f.string("chat-ws", "ws://127.0.0.1:28083/ws,ws://127.0.0.1:28093/ws"));
        if (chatHttp.size() != chatWs.size()) {
            throw new IllegalArgumentException("--chat-http and --chat-ws must name the same instances");
        }
        String secret = System.getenv("BENCH_JWT_SECRET");
        String shape = f.string("shape", "heavy");
        if (!List.of("heavy", "realistic").contains(shape)) {
            throw new IllegalArgumentException("--shape: heavy or realistic");
        }
        return new Options(
                loopback(f.string("auth", "http://127.0.0.1:28081")).getFirst(),
                chatHttp, chatWs, pids,
                f.string("mongo-uri", ""), f.string("mongo-db", "chitchat"),
                f.integer("redis-port", 0, 0, 65535),
                secret == null || secret.isBlank() ? null : secret,
                scenarios,
                f.integer("users", shape.equals("realistic") ? 2000 : 200, 2, 5000),
                rates, maxRate,
                f.decimal("step-seconds", 8, 1, 600),
                f.decimal("warmup-seconds", 5, 0, 120),
                f.decimal("drain-seconds", 5, 1, 60),
                f.decimal("p99-limit-ms", 50, 1, 10_000),
                f.integer("connections", 10_000, 1, 60_000),
                f.integer("source-addresses", 8, 1, 200),
                f.integer("connect-concurrency", 200, 1, 5000),
                f.decimal("hold-seconds", 5, 0, 600),
                f.integer("history-messages", 100_000, 100, 1_000_000),
                f.integer("history-requests", 300, 10, 100_000),
                f.decimal("history-seconds", 15, 1, 600),
                f.integer("active-rate", 1000, 0, 100_000),
                Path.of(f.string("out", "bench/results")),
                f.string("jcmd", Path.of(System.getProperty("java.home"), "bin", "jcmd").toString()),
                new Load(f.integer("cold-rate", 5000, 1, 100_000), f.decimal("cold-seconds", 30, 1, 600),
                        f.decimal("cold-window-seconds", 5, 1, 60), f.decimal("cold-drain-seconds", 10, 1, 120),
                        marks(f.string("marks", "both")), f.decimal("typing-fraction", 0.25, 0, 1),
                        f.integer("group-members", 256, 3, 10_000), f.integer("group-rate", 20, 1, 10_000),
                        f.integer("group-senders", 4, 1, 256), f.decimal("group-seconds", 10, 1, 600),
                        onOff(f.string("jfr", "off")), shape, redisMode(f.string("redis-mode", "single"))));
    }

    /** How the chat-servers reach Redis in this run: {@code single} (one Redis) or {@code cluster} (sharded Pub/Sub). */
    private static String redisMode(String value) {
        if (!List.of("single", "cluster").contains(value)) {
            throw new IllegalArgumentException("--redis-mode: single or cluster");
        }
        return value;
    }

    private static boolean onOff(String value) {
        if (!List.of("on", "off").contains(value)) {
            throw new IllegalArgumentException("--jfr: on or off");
        }
        return value.equals("on");
    }

    private static String marks(String value) {
        if (!List.of("both", "off", "on").contains(value)) {
            throw new IllegalArgumentException("--marks: one of both, off, on");
        }
        return value;
    }

    /** Splits a comma-separated list of URLs and refuses any that is not on this machine's loopback. */
    private static List<String> loopback(String list) {
        List<String> urls = Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        for (String url : urls) {
            String host = java.net.URI.create(url).getHost();
            if (host == null || !(host.startsWith("127.") || host.equals("localhost") || host.equals("[::1]"))) {
                throw new IllegalArgumentException("only loopback targets are allowed: " + url);
            }
        }
        return urls;
    }

    /** The flags given, read with a default and a range each. */
    private record Flags(Map<String, String> values) {
        String string(String name, String fallback) {
            return values.getOrDefault(name, fallback);
        }

        int integer(String name, int fallback, int min, int max) {
            double v = decimal(name, fallback, min, max);
            return (int) v;
        }

        double decimal(String name, double fallback, double min, double max) {
            String raw = values.get(name);
            if (raw == null || raw.isBlank()) {
                return fallback;
            }
            double v = Double.parseDouble(raw);
            if (v < min || v > max) {
                throw new IllegalArgumentException("--" + name + " must be from " + min + " to " + max);
            }
            return v;
        }
    }
}
