package chitchat.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

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
 *
 * <p>With {@code marks} the users also behave like the browser client ({@link BrowserMarks}: delivered and read
 * marks once a second per conversation, typing before some messages), so that two ladders, one without and one
 * with, show what the marks cost in rate, CPU and store round trips.
 */
final class ThroughputScenario {

    /** One step's figures, as reported. Latencies in ms; cpuPercent is per process, 100 = one core. */
    record StepResult(int offeredPerSec, double seconds, long sent, long acked, long delivered, long lost,
                      long duplicated, long errors, long misrouted, double deliveredPerSec,
                      Latency.Summary endToEnd, Latency.Summary ack, double sendLagP99Ms,
                      Map<String, Double> cpuPercent, Map<String, Double> server, Map<String, Long> errorCodes,
                      boolean passed, String verdict, Map<String, Double> cpuUsPerDelivered,
                      Map<String, Double> storePerMessage, Map<String, Long> browser) {
    }

    record Result(int users, int instances, String routing, double p99LimitMs, double stepSeconds,
                  List<StepResult> steps, int maxPassingOfferedPerSec, double maxPassingDeliveredPerSec,
                  String stoppedBecause, int clientsClosed, boolean marks, Map<String, Long> closeCodes) {
    }

    private static final String TEXT = "the quick brown fox jumps over the lazy dog, message ";

    private final Options options;
    private final List<Api.User> users;
    private final Costs costs;
    private final boolean marks;
    private LoadClients clients;
    private BrowserMarks browser;

    ThroughputScenario(Options options, List<Api.User> users, Api api) {
        this(options, users, api, false);
    }

    /** {@code marks}: the users send delivered/read marks and typing as the browser does. */
    ThroughputScenario(Options options, List<Api.User> users, Api api, boolean marks) {
        this.options = options;
        this.users = users;
        this.costs = new Costs(options, api);
        this.marks = marks;
    }

    Result run() throws Exception {
        int instances = options.chatWs().size();
        clients = new LoadClients(users, false).connect(options.chatWs(), options.sourceAddresses());
        if (marks) {
            browser = new BrowserMarks(clients, options.load().typingFraction());
            clients.attach(browser);
        }
        List<StepResult> results = new ArrayList<>();
        String stopped = "reached the highest offered rate (--max-rate / --rates)";
        int maxPassing = 0;
        double maxDelivered = 0;
        int closedAtEnd;
        Map<String, Long> closeCodes;
        try {
            if (options.warmupSeconds() > 0) {
                int warmupRate = Math.min(500, options.rates().isEmpty() ? 500 : options.rates().getFirst());
                // The realistic shape's first message between two users also creates their conversation (several
                // store writes): the warm-up sends one from every user, in turn, so that no step pays for that.
                double warmup = options.load().realistic()
                        ? Math.max(options.warmupSeconds(), (double) users.size() / warmupRate) : options.warmupSeconds();
                System.out.printf("  warm-up: %d msg/s for %.0f s (not reported)%n", warmupRate, warmup);
                runStep(warmupRate, warmup, true);
            }
            for (int rate : options.rates()) {
                StepResult r = runStep(rate, options.stepSeconds(), false);
                results.add(r);
                System.out.printf("  %6d msg/s offered: delivered %8.0f/s  p50 %7.2f  p99 %8.2f  max %8.2f ms  lost %d  dup %d"
                                + "  chat CPU %.0f µs/msg  store writes %.2f/msg  %s%n",
                        rate, r.deliveredPerSec(), r.endToEnd().p50(), r.endToEnd().p99(), r.endToEnd().max(),
                        r.lost(), r.duplicated(), r.cpuUsPerDelivered().getOrDefault("chat", -1.0),
                        r.storePerMessage().getOrDefault("writes", -1.0), r.passed() ? "ok" : "STOP: " + r.verdict());
                if (!r.passed()) {
                    stopped = "at " + rate + " msg/s: " + r.verdict();
                    break;
                }
                maxPassing = rate;
                maxDelivered = Math.max(maxDelivered, r.deliveredPerSec());
                if (clients.closed() > 0) {
                    stopped = clients.closed() + " client connections were closed by the server";
                    break;
                }
            }
        } finally {
            closedAtEnd = clients.closed();
            closeCodes = clients.closeCodes();
            clients.close();
        }
        return new Result(users.size(), instances,
                "user i on instance i % " + instances + ", writing to user i+1 (on the other instance)"
                        + (options.load().realistic() ? "; realistic shape: Poisson arrivals, each from a user drawn at random" : ""),
                options.p99LimitMs(), options.stepSeconds(), results, maxPassing, maxDelivered, stopped, closedAtEnd, marks, closeCodes);
    }

    /** Runs one step: offer {@code rate} msg/s for {@code seconds}, then drain, then measure. */
    private StepResult runStep(int rate, double seconds, boolean warmup) throws InterruptedException {
        Costs.Reading before = costs.read();
        BrowserMarks.Counts browserBefore = browser == null ? null : browser.counts();

        Step step = new Step(clients.steps.size(), rate, warmup, seconds, System.nanoTime() + 20_000_000L);
        boolean realistic = options.load().realistic() && !warmup;
        if (realistic) {
            step.poisson(step.index * 7919L + rate);
        }
        clients.steps.add(step);
        Thread scheduler = Thread.ofPlatform().name("bench-scheduler").start(() -> schedule(step, clients, browser, realistic));
        scheduler.join();
        long drainDeadline = step.endNanos() + (long) (options.drainSeconds() * 1e9);
        while (!step.settled() && System.nanoTime() < drainDeadline) {
            Thread.sleep(10);
        }

        Costs.Delta cost = costs.between(before, costs.read(), step.delivered.get(), step.acked.get());
        Map<String, Long> browserDelta = browser == null ? Map.of() : browser.counts().minus(browserBefore).asMap();
        return result(step, seconds, cost, browserDelta);
    }

    /** The open-loop sender: message seq leaves at its due time, or at once if that has passed. */
    static void schedule(Step step, LoadClients clients, BrowserMarks browser) {
        schedule(step, clients, browser, false);
    }

    /**
     * {@code randomSenders}: each message is sent by a user drawn at random (the realistic shape: with Poisson
     * arrivals, every user then sends at Poisson times of mean interval users / rate), instead of in turn.
     */
    static void schedule(Step step, LoadClients clients, BrowserMarks browser, boolean randomSenders) {
        int n = clients.size();
        java.util.SplittableRandom random = new java.util.SplittableRandom(step.index * 31L + step.rate);
        for (int seq = 0; seq < step.planned; seq++) {
            long due = step.dueNanos(seq);
            long now = System.nanoTime();
            while (now < due) {
                LockSupport.parkNanos(due - now);
                now = System.nanoTime();
            }
            int from = randomSenders ? random.nextInt(n) : seq % n;
            if (browser != null) {
                browser.beforeMessage(from, now);
            }
            String receiver = clients.user((from + 1) % n).name();
            String frame = "{\"type\":\"chat msg\",\"receiver\":\"" + receiver + "\",\"message\":\"" + TEXT + seq
                    + "\",\"clientMsgId\":\"" + step.clientMsgId(seq, clients.epochNanos) + "\"}";
            clients.send(step, seq, due, clients.client(from), frame);
        }
    }

    private StepResult result(Step step, double seconds, Costs.Delta cost, Map<String, Long> browserDelta) {
        return result(step, seconds, cost, browserDelta, options.p99LimitMs());
    }

    /** A step's figures and verdict (also used by the cold phase, which has no verdict to act on). */
    static StepResult result(Step step, double seconds, Costs.Delta cost, Map<String, Long> browserDelta, double p99LimitMs) {
        long sent = step.sent.sum();
        long delivered = step.delivered.get();
        long lost = (sent + step.sendFailed.sum()) * step.expectedPerMessage - delivered;
        Latency.Summary e2e = step.endToEnd.summary();
        String verdict = "";
        if (lost > 0) {
            verdict = lost + " messages lost";
        } else if (step.duplicates.sum() > 0) {
            verdict = step.duplicates.sum() + " duplicated";
        } else if (e2e.p99() > p99LimitMs) {
            verdict = "p99 " + e2e.p99() + " ms > " + p99LimitMs + " ms";
        }
        Map<String, Long> codes = new LinkedHashMap<>();
        step.errorCodes.forEach((code, count) -> codes.put(code, count.sum()));
        return new StepResult(step.rate, seconds, sent, step.acked.get(), delivered, lost, step.duplicates.sum(),
                step.errors.sum(), step.misrouted.sum(), Math.round(delivered / seconds), e2e, step.ack.summary(),
                step.sendLag.summary().p99(), cost.cpuPercent(), cost.server(), codes, verdict.isEmpty(), verdict,
                cost.cpuUsPerDelivered(), cost.storePerMessage(), browserDelta);
    }
}
