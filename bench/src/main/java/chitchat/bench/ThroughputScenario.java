package chitchat.bench;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.LockSupport;
import org.java_websocket.exceptions.WebsocketNotConnectedException;

/**
 * Messages per second, and how fast they arrive: an open-loop constant rate, stepped up.
 *
 * <p>N users (default 200) are connected round-robin to the chat instances, user {@code i} to instance
 * {@code i % instances}, and user {@code i} writes to user {@code i + 1}: with two instances every message
 * crosses from one instance to the other through Redis, the path a scaled-out deployment depends on. Message
 * {@code seq} of a step is sent by user {@code seq % N}, so the load is spread evenly over users and connections.
 *
 * <p>Each step offers a constant rate for a fixed time, whatever the server does (open loop): one scheduler
 * thread sends every message at its due time, or at once when it is late. Then the step drains: it waits until
 * everything sent is delivered and acked, or {@code --drain-seconds} pass, and what never arrived is lost. The
 * ladder stops at the first step whose p99 passes the limit, or that loses or duplicates a message.
 */
final class ThroughputScenario {

    /** One step's figures, as reported. Latencies in ms; cpuPercent is per process, 100 = one core. */
    record StepResult(int offeredPerSec, double seconds, long sent, long acked, long delivered, long lost,
                      long duplicated, long errors, long misrouted, double deliveredPerSec,
                      Latency.Summary endToEnd, Latency.Summary ack, double sendLagP99Ms,
                      Map<String, Double> cpuPercent, Map<String, Double> server, Map<String, Long> errorCodes,
                      boolean passed, String verdict) {
    }

    record Result(int users, int instances, String routing, double p99LimitMs, double stepSeconds,
                  List<StepResult> steps, int maxPassingOfferedPerSec, double maxPassingDeliveredPerSec,
                  String stoppedBecause, int clientsClosed) {
    }

    private static final String TEXT = "the quick brown fox jumps over the lazy dog, message ";

    private final Options options;
    private final List<Api.User> users;
    private final Map<String, Long> pids;
    private final Api api;
    /** Every step so far, by index, so that receivers can find the step a clientMsgId names. */
    private final List<Step> steps = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final long epochNanos = System.nanoTime();
    private List<ChatClient> clients = List.of();

    ThroughputScenario(Options options, List<Api.User> users, Api api) {
        this.options = options;
        this.users = users;
        this.pids = options.pids();
        this.api = api;
    }

    Result run() throws Exception {
        int instances = options.chatWs().size();
        clients = connect(instances);
        List<StepResult> results = new ArrayList<>();
        String stopped = "reached the highest offered rate (--max-rate / --rates)";
        int maxPassing = 0;
        double maxDelivered = 0;
        int closedAtEnd;
        try {
            if (options.warmupSeconds() > 0) {
                int warmupRate = Math.min(500, options.rates().isEmpty() ? 500 : options.rates().getFirst());
                System.out.printf("  warm-up: %d msg/s for %.0f s (not reported)%n", warmupRate, options.warmupSeconds());
                runStep(warmupRate, options.warmupSeconds(), true);
            }
            for (int rate : options.rates()) {
                StepResult r = runStep(rate, options.stepSeconds(), false);
                results.add(r);
                System.out.printf("  %6d msg/s offered: delivered %8.0f/s  p50 %7.2f  p99 %8.2f  max %8.2f ms  lost %d  dup %d  %s%n",
                        rate, r.deliveredPerSec(), r.endToEnd().p50(), r.endToEnd().p99(), r.endToEnd().max(),
                        r.lost(), r.duplicated(), r.passed() ? "ok" : "STOP: " + r.verdict());
                if (!r.passed()) {
                    stopped = "at " + rate + " msg/s: " + r.verdict();
                    break;
                }
                maxPassing = rate;
                maxDelivered = Math.max(maxDelivered, r.deliveredPerSec());
                if (closedClients() > 0) {
                    stopped = closedClients() + " client connections were closed by the server";
                    break;
                }
            }
        } finally {
            closedAtEnd = closedClients();
            try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
                clients.forEach(c -> threads.execute(c::close));
            }
            clients = List.of();
        }
        return new Result(users.size(), instances,
                "user i on instance i % " + instances + ", writing to user i+1 (on the other instance)",
                options.p99LimitMs(), options.stepSeconds(), results, maxPassing, maxDelivered, stopped, closedAtEnd);
    }

    private int closedClients() {
        return (int) clients.stream().filter(c -> c.closeCode() != -1).count();
    }

    /** Connects every user to its instance, all at once on virtual threads. */
    private List<ChatClient> connect(int instances) throws Exception {
        List<ChatClient> connected = new ArrayList<>();
        for (int i = 0; i < users.size(); i++) {
            Api.User u = users.get(i);
            connected.add(new ChatClient(URI.create(options.chatWs().get(i % instances)), u.name(), u.token(), this::onFrame));
        }
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            var opened = connected.stream().map(c -> threads.submit(() -> c.open(10_000))).toList();
            for (int i = 0; i < opened.size(); i++) {
                if (!opened.get(i).get()) {
                    throw new IllegalStateException("user " + users.get(i).name() + " could not connect to " + connected.get(i).getURI());
                }
            }
        }
        return connected;
    }

    /** Runs one step: offer {@code rate} msg/s for {@code seconds}, then drain, then measure. */
    private StepResult runStep(int rate, double seconds, boolean warmup) throws InterruptedException {
        Map<String, String> metricsBefore = scrapeAll();
        Map<String, Double> cpuBefore = ServerProbe.cpu(pids);
        long wallStart = System.nanoTime();

        Step step = new Step(steps.size(), rate, warmup, seconds, System.nanoTime() + 20_000_000L);
        steps.add(step);
        Thread scheduler = Thread.ofPlatform().name("bench-scheduler").start(() -> schedule(step));
        scheduler.join();
        long drainDeadline = step.endNanos() + (long) (options.drainSeconds() * 1e9);
        while (!step.settled() && System.nanoTime() < drainDeadline) {
            Thread.sleep(10);
        }

        double wall = (System.nanoTime() - wallStart) / 1e9;
        Map<String, Double> cpuPercent = ServerProbe.cpuPercent(cpuBefore, ServerProbe.cpu(pids), wall);
        Map<String, Double> server = serverDeltas(metricsBefore, scrapeAll());
        return result(step, seconds, cpuPercent, server);
    }

    /** The open-loop sender: message seq leaves at its due time, or at once if that has passed. */
    private void schedule(Step step) {
        int n = users.size();
        for (int seq = 0; seq < step.planned; seq++) {
            long due = step.dueNanos(seq);
            long now = System.nanoTime();
            while (now < due) {
                LockSupport.parkNanos(due - now);
                now = System.nanoTime();
            }
            int from = seq % n;
            ChatClient sender = clients.get(from);
            String receiver = users.get((from + 1) % n).name();
            String frame = "{\"type\":\"chat msg\",\"receiver\":\"" + receiver + "\",\"message\":\"" + TEXT + seq
                    + "\",\"clientMsgId\":\"" + step.clientMsgId(seq, epochNanos) + "\"}";
            try {
                sender.send(frame);
                step.sent.increment();
                step.sendLag.record(due, System.nanoTime());
            } catch (WebsocketNotConnectedException e) {
                step.sendFailed.increment();
            }
        }
    }

    /** Every frame any client receives: a delivery, an ack or an error, for the step its clientMsgId names. */
    private void onFrame(ChatClient client, String frame) {
        long now = System.nanoTime();
        String type = FrameFields.get(frame, "type");
        String id = FrameFields.get(frame, "clientMsgId");
        if (type == null || id == null) {
            return; // e.g. a resync: counted by what then goes missing
        }
        Step step;
        int seq;
        long scheduled;
        try {
            String[] parts = id.split("\\.");
            step = steps.get(Integer.parseInt(parts[0]));
            seq = Integer.parseInt(parts[1]);
            scheduled = epochNanos + Long.parseLong(parts[2]) * 1000;
        } catch (RuntimeException e) {
            return; // not one of ours: an exception here would reach Java-WebSocket and close the connection
        }
        switch (type) {
            case "chat msg" -> {
                if (client.user().equals(FrameFields.get(frame, "receiver"))) {
                    step.delivered(seq, scheduled, now);
                } else {
                    step.misrouted.increment();
                }
            }
            case "ack" -> step.acked(seq, scheduled, now);
            case "error" -> step.error(FrameFields.get(frame, "error"));
            default -> {
            }
        }
    }

    private StepResult result(Step step, double seconds, Map<String, Double> cpuPercent, Map<String, Double> server) {
        long sent = step.sent.sum();
        long delivered = step.delivered.get();
        long lost = sent + step.sendFailed.sum() - delivered;
        Latency.Summary e2e = step.endToEnd.summary();
        String verdict = "";
        if (lost > 0) {
            verdict = lost + " messages lost";
        } else if (step.duplicates.sum() > 0) {
            verdict = step.duplicates.sum() + " duplicated";
        } else if (e2e.p99() > options.p99LimitMs()) {
            verdict = "p99 " + e2e.p99() + " ms > " + options.p99LimitMs() + " ms";
        }
        Map<String, Long> codes = new LinkedHashMap<>();
        step.errorCodes.forEach((code, count) -> codes.put(code, count.sum()));
        return new StepResult(step.rate, seconds, sent, step.acked.get(), delivered, lost, step.duplicates.sum(),
                step.errors.sum(), step.misrouted.sum(), Math.round(delivered / seconds), e2e, step.ack.summary(),
                step.sendLag.summary().p99(), cpuPercent, server, codes, verdict.isEmpty(), verdict);
    }

    private Map<String, String> scrapeAll() {
        Map<String, String> texts = new LinkedHashMap<>();
        options.chatHttp().forEach(url -> texts.put(url, api.metrics(url)));
        return texts;
    }

    /** The chat-servers' own view of the step, summed over instances: counter deltas, and mean timer values. */
    private static Map<String, Double> serverDeltas(Map<String, String> before, Map<String, String> after) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (String counter : List.of("chat_messages_in_total", "chat_acks_total", "chat_publishes_total",
                "chat_publish_failures_total", "chat_frames_out_total", "chat_frames_rejected_total",
                "chat_slow_consumer_disconnects_total")) {
            double delta = 0;
            for (String url : after.keySet()) {
                delta += ServerProbe.metric(after.get(url), counter) - ServerProbe.metric(before.getOrDefault(url, ""), counter);
            }
            out.put(counter.replace("_total", ""), delta);
        }
        out.put("store_mean_ms", meanMs(before, after, "chat_store_latency_seconds"));
        out.put("publish_mean_ms", meanMs(before, after, "chat_broker_publish_latency_seconds"));
        return out;
    }

    /** A Micrometer timer's mean over the step, in ms, from the deltas of its _sum and _count (not its decaying quantiles). */
    private static double meanMs(Map<String, String> before, Map<String, String> after, String timer) {
        double sum = 0;
        double count = 0;
        for (String url : after.keySet()) {
            String b = before.getOrDefault(url, "");
            sum += ServerProbe.metric(after.get(url), timer + "_sum") - ServerProbe.metric(b, timer + "_sum");
            count += ServerProbe.metric(after.get(url), timer + "_count") - ServerProbe.metric(b, timer + "_count");
        }
        return count == 0 ? 0 : Math.round(sum / count * 1e6) / 1000.0;
    }
}
