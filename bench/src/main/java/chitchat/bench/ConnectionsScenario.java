package chitchat.bench;

import chitchat.token.JwtSecret;
import chitchat.token.Tokens;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many people can be connected: K idle, authenticated WebSockets to one chat instance, and what each costs it.
 *
 * <p>The connections come from 127.0.0.2, 127.0.0.3, ... ({@code --source-addresses}), since one client address
 * can open only about 28,000 connections to one server port. Each one is a different user (tokens signed with the
 * run's JWT secret, see the package doc), so each also costs the server a Redis subscription, as it would in
 * production. Memory is measured on the server process itself: its heap from {@code /metrics} and its RSS from
 * {@code /proc}, both after a full GC, before the ramp and after it; the difference divided by K is the cost of one
 * connection.
 */
final class ConnectionsScenario {

    /** The server's memory at one moment, after a full GC. */
    record Memory(long heapUsedBytes, long heapCommittedBytes, long rssBytes) {
    }

    record Result(String instance, int target, int opened, int failed, double rampSeconds, double connectsPerSec,
                  Latency.Summary handshake, long listenQueueOverflows, int sourceAddresses, String tokens,
                  long serverOpenFileLimit, double serverConnections, Memory before, long rssAfterRampBytes, Memory after,
                  double heapPerConnectionBytes, double rssPerConnectionBytes, Map<String, Double> rampCpuPercent,
                  Map<String, Double> idleCpuPercent, ThroughputScenario.StepResult activeWhileHeld, int closedDuringHold,
                  String firstFailure) {
    }

    /** What the ramp opened, how fast, and the first thing that went wrong. */
    private record Ramp(List<ChatClient> open, int failed, double seconds, Latency.Summary handshake, String firstFailure) {
    }

    private final Options options;
    private final List<Api.User> users;
    private final Api api;
    private final String tag;

    ConnectionsScenario(Options options, List<Api.User> users, Api api, String tag) {
        this.options = options;
        this.users = users;
        this.api = api;
        this.tag = tag;
    }

    Result run() throws Exception {
        String http = options.chatHttp().getFirst();
        long pid = options.pids().getOrDefault("chat1", List.of(-1L)).getFirst();
        Memory before = settledMemory(pid, http);

        Map<String, Double> cpuBefore = ServerProbe.cpu(options.pids());
        long overflowsBefore = ServerProbe.listenOverflows();
        Ramp ramp = ramp(options.chatWs().getFirst(), identities(options.connections()));
        Map<String, Double> rampCpu = ServerProbe.cpuPercent(cpuBefore, ServerProbe.cpu(options.pids()), ramp.seconds());
        long overflows = ServerProbe.listenOverflows() - overflowsBefore;
        int opened = ramp.open().size();
        System.out.printf("  %d of %d connections open in %.1f s (%.0f/s), %d failed%n",
                opened, options.connections(), ramp.seconds(), opened / ramp.seconds(), ramp.failed());

        Map<String, Double> idleBefore = ServerProbe.cpu(options.pids());
        long idleStart = System.nanoTime();
        Thread.sleep((long) (options.holdSeconds() * 1000));
        Map<String, Double> idleCpu = ServerProbe.cpuPercent(idleBefore, ServerProbe.cpu(options.pids()), (System.nanoTime() - idleStart) / 1e9);
        ThroughputScenario.StepResult active = activeWhileHeld();
        int closedDuringHold = (int) ramp.open().stream().filter(c -> c.closeCode() != -1).count();
        double serverConnections = ServerProbe.metric(api.metrics(http), "chat_connections");
        long rssAfterRamp = ServerProbe.rssBytes(pid);
        Memory after = settledMemory(pid, http);

        closeAll(ramp.open(), http);
        double n = Math.max(1, opened);
        return new Result(options.chatWs().getFirst(), options.connections(), opened, ramp.failed(), round(ramp.seconds()),
                Math.round(opened / ramp.seconds()), ramp.handshake(), overflows, options.sourceAddresses(),
                options.jwtSecret() != null ? "signed by the load tool, one user each" : "sign-up tokens, reused",
                ServerProbe.maxOpenFiles(pid), serverConnections, before, rssAfterRamp, after,
                Math.round((after.heapUsedBytes() - before.heapUsedBytes()) / n), Math.round((after.rssBytes() - before.rssBytes()) / n),
                rampCpu, idleCpu, active, closedDuringHold, ramp.firstFailure());
    }

    /**
     * Opens one connection per identity, {@code --connect-concurrency} handshakes at a time, each on a virtual
     * thread, source addresses taken in turn.
     */
    private Ramp ramp(String ws, List<String[]> identities) throws Exception {
        Latency handshake = new Latency();
        ConcurrentLinkedQueue<ChatClient> open = new ConcurrentLinkedQueue<>();
        AtomicInteger failed = new AtomicInteger();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        Semaphore inFlight = new Semaphore(options.connectConcurrency());
        long start = System.nanoTime();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < identities.size(); i++) {
                String[] identity = identities.get(i);
                InetAddress source = InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) (2 + i % options.sourceAddresses())});
                inFlight.acquire();
                threads.execute(() -> {
                    try {
                        ChatClient client = new ChatClient(URI.create(ws), identity[0], identity[1], (c, f) -> { }).bindTo(source);
                        long t0 = System.nanoTime();
                        if (client.open(15_000)) {
                            handshake.record(t0, System.nanoTime());
                            open.add(client);
                        } else {
                            failed.incrementAndGet();
                            failures.add("handshake refused or timed out, close code " + client.closeCode());
                            client.close();
                        }
                    } catch (Throwable t) {
                        failed.incrementAndGet();
                        failures.add(t.toString());
                    } finally {
                        inFlight.release();
                    }
                });
            }
        }
        return new Ramp(new ArrayList<>(open), failed.get(), (System.nanoTime() - start) / 1e9, handshake.summary(), failures.peek());
    }

    /**
     * A constant load among the throughput users (half of them on this instance) while the idle connections stay
     * open: what an instance full of quiet users does to the active ones. Null when {@code --active-rate 0}.
     */
    private ThroughputScenario.StepResult activeWhileHeld() throws Exception {
        if (options.activeRate() <= 0) {
            return null;
        }
        System.out.printf("  %d msg/s among %d users while the idle connections are held ...%n", options.activeRate(), users.size());
        Options ladder = options.withLadder(List.of(options.activeRate()), options.stepSeconds(), Math.min(3, options.warmupSeconds()));
        ThroughputScenario.Result r = new ThroughputScenario(ladder, users, api).run();
        return r.steps().isEmpty() ? null : r.steps().getFirst();
    }

    /** {username, token} per connection: distinct users when the run's secret is known, else the signed-up users. */
    private List<String[]> identities(int k) {
        List<String[]> identities = new ArrayList<>(k);
        Tokens tokens = options.jwtSecret() == null ? null : new Tokens(JwtSecret.of(options.jwtSecret()), Duration.ofHours(2));
        for (int i = 0; i < k; i++) {
            if (tokens != null) {
                String name = "c" + tag + "x" + i;
                identities.add(new String[] {name, tokens.issue(name)});
            } else {
                Api.User u = users.get(i % users.size());
                identities.add(new String[] {u.name(), u.token()});
            }
        }
        return identities;
    }

    /** The server's memory after a full GC and a moment to settle. */
    private Memory settledMemory(long pid, String http) throws InterruptedException {
        if (pid > 0) {
            ServerProbe.fullGc(options.jcmd(), pid);
        }
        Thread.sleep(1000);
        String metrics = api.metrics(http);
        long heap = (long) ServerProbe.metric(metrics, "jvm_memory_used_bytes", "area=\"heap\"");
        long committed = (long) ServerProbe.metric(metrics, "jvm_memory_committed_bytes", "area=\"heap\"");
        return new Memory(heap, committed, pid > 0 ? ServerProbe.rssBytes(pid) : -1);
    }

    /** Closes every connection and waits (up to 30 s) until the server has let them go. */
    private void closeAll(List<ChatClient> open, String http) throws InterruptedException {
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            open.forEach(c -> threads.execute(c::close));
        }
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline && ServerProbe.metric(api.metrics(http), "chat_connections") > 0) {
            Thread.sleep(250);
        }
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
