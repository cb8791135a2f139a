package chitchat.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a stretch of load cost the servers, from two readings taken around it: CPU (per process, and per delivered
 * message in µs), the chat-servers' own counters, and the store's round trips per stored message.
 *
 * <p>CPU per message is the steadier figure on a shared machine: a neighbour's build stretches latencies but not
 * the CPU seconds our processes spend. "chat" is both chat-servers together, since every message costs both (the
 * sender's instance stores and publishes it, the receiver's delivers it). Store round trips come from
 * {@code chat_store_commands_total} (counted by the driver in each chat-server): writes are inserts, updates,
 * deletes and findAndModify, the rest are reads; a mark flush, a batch insert and a conversation update each count.
 */
final class Costs {

    /** One reading: the chat-servers' /metrics texts and every watched process's CPU seconds. */
    record Reading(Map<String, String> metrics, Map<String, Double> cpuSeconds, long nanos) {
    }

    /** What happened between two readings. */
    record Delta(Map<String, Double> cpuPercent, Map<String, Double> cpuUsPerDelivered, Map<String, Double> server,
                 Map<String, Double> storePerMessage) {
    }

    private static final List<String> COMMANDS = List.of("insert", "update", "delete", "findAndModify", "find", "aggregate", "other");
    private static final List<String> WRITES = List.of("insert", "update", "delete", "findAndModify");
    private static final List<String> COLLECTIONS = List.of("messages", "conversations", "memberships", "other");

    private final Options options;
    private final Api api;

    Costs(Options options, Api api) {
        this.options = options;
        this.api = api;
    }

    Reading read() {
        Map<String, String> texts = new LinkedHashMap<>();
        options.chatHttp().forEach(url -> texts.put(url, api.metrics(url)));
        return new Reading(texts, ServerProbe.cpu(options.pids()), System.nanoTime());
    }

    /** The costs between {@code before} and {@code after}, for {@code delivered} deliveries of {@code stored} messages. */
    Delta between(Reading before, Reading after, long delivered, long stored) {
        double wall = (after.nanos() - before.nanos()) / 1e9;
        Map<String, Double> percent = ServerProbe.cpuPercent(before.cpuSeconds(), after.cpuSeconds(), wall);
        Map<String, Double> perDelivered = new LinkedHashMap<>();
        double chat = cpu(before, after, "chat1") + cpu(before, after, "chat2");
        perDelivered.put("chat", perMessageUs(chat, delivered));
        for (String name : List.of("store", "redis", "bench")) {
            perDelivered.put(name, perMessageUs(cpu(before, after, name), delivered));
        }
        return new Delta(percent, perDelivered, serverDeltas(before.metrics(), after.metrics()),
                storePerMessage(before.metrics(), after.metrics(), stored));
    }

    private static double cpu(Reading before, Reading after, String name) {
        Double b = before.cpuSeconds().get(name);
        Double a = after.cpuSeconds().get(name);
        return a == null || b == null || a < 0 || b < 0 ? -1 : a - b;
    }

    private static double perMessageUs(double seconds, long count) {
        return seconds < 0 || count <= 0 ? -1 : Math.round(seconds / count * 1e7) / 10.0;
    }

    /** Store round trips per stored message: all writes, all reads, and each kind that occurred. */
    private static Map<String, Double> storePerMessage(Map<String, String> before, Map<String, String> after, long stored) {
        Map<String, Double> out = new LinkedHashMap<>();
        double writes = 0;
        double reads = 0;
        Map<String, Double> kinds = new LinkedHashMap<>();
        for (String command : COMMANDS) {
            for (String collection : COLLECTIONS) {
                double d = delta(before, after, "chat_store_commands_total", "command=\"" + command + "\"", "collection=\"" + collection + "\"");
                if (d > 0) {
                    kinds.put(command + " " + collection, d);
                }
                if (WRITES.contains(command)) {
                    writes += d;
                } else {
                    reads += d;
                }
            }
        }
        double n = Math.max(1, stored);
        out.put("writes", round3(writes / n));
        out.put("reads", round3(reads / n));
        out.put("writes_total", writes);
        kinds.forEach((kind, d) -> out.put(kind, round3(d / n)));
        return out;
    }

    private static double round3(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    private static double delta(Map<String, String> before, Map<String, String> after, String name, String... labels) {
        double sum = 0;
        for (String url : after.keySet()) {
            sum += ServerProbe.metric(after.get(url), name, labels) - ServerProbe.metric(before.getOrDefault(url, ""), name, labels);
        }
        return sum;
    }

    /** The chat-servers' own view, summed over instances: counter deltas, and mean timer values. */
    private static Map<String, Double> serverDeltas(Map<String, String> before, Map<String, String> after) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (String counter : List.of("chat_messages_in_total", "chat_acks_total", "chat_publishes_total",
                "chat_publish_failures_total", "chat_frames_out_total", "chat_frames_rejected_total",
                "chat_slow_consumer_disconnects_total")) {
            out.put(counter.replace("_total", ""), delta(before, after, counter));
        }
        out.put("store_mean_ms", meanMs(before, after, "chat_store_latency_seconds"));
        out.put("publish_mean_ms", meanMs(before, after, "chat_broker_publish_latency_seconds"));
        return out;
    }

    /** A Micrometer timer's mean over the stretch, in ms, from the deltas of its _sum and _count. */
    private static double meanMs(Map<String, String> before, Map<String, String> after, String timer) {
        double sum = delta(before, after, timer + "_sum");
        double count = delta(before, after, timer + "_count");
        return count == 0 ? 0 : Math.round(sum / count * 1e6) / 1000.0;
    }
}
