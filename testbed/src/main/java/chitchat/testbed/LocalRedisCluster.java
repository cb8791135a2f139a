package chitchat.testbed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * A real Redis Cluster on loopback for tests and {@code make run-cluster}: 3 primaries and 3 replicas, from
 * Debian's {@code redis-server} and {@code redis-cli} (7.0+, for sharded Pub/Sub and {@code cluster-port}).
 *
 * <p>Node {@code i} listens on {@code basePort + i} and gossips on {@code basePort + 100 + i} (not the default
 * port + 10000, to stay within the port range the caller was given). A short node timeout (1 s) makes a killed
 * primary's replica take over within a few seconds. Every wait here is bounded; {@link #close} kills every node.
 */
public final class LocalRedisCluster implements AutoCloseable {

    /** A node as {@code CLUSTER NODES} shows it. */
    public record Node(String id, int port, boolean primary, boolean failed, String primaryId, List<int[]> slots) {
        public boolean owns(int slot) {
            return slots.stream().anyMatch(r -> r[0] <= slot && slot <= r[1]);
        }

        public boolean replicaOf(String id) {
            return !primary && id.equals(primaryId);
        }
    }

    private static final int NODES = 6;

    private final int basePort;
    private final Path dir;
    private final Map<Integer, Process> processes = new LinkedHashMap<>();

    private LocalRedisCluster(int basePort, Path dir) {
        this.basePort = basePort;
        this.dir = dir;
    }

    /**
     * Whether this machine can run a cluster: {@code redis-server} 7+ and {@code redis-cli} on PATH (the Redis
     * bundled in the embedded-redis artifact is 6.2, without sharded Pub/Sub). Tests skip when not.
     */
    public static boolean available() {
        try {
            String version = run(5, List.of("redis-server", "--version"));
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("v=(\\d+)\\.").matcher(version);
            run(5, List.of("redis-cli", "--version"));
            return m.find() && Integer.parseInt(m.group(1)) >= 7;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Starts 6 nodes on {@code basePort..basePort+5} (and +100.. for the bus), forms the cluster, waits until ok. */
    public static LocalRedisCluster start(int basePort) {
        Path dir;
        try {
            dir = Files.createTempDirectory("redis-cluster");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        LocalRedisCluster cluster = new LocalRedisCluster(basePort, dir);
        // A JVM that ends without close() (a test run cut short, Ctrl-C) must not leave six servers behind.
        Runtime.getRuntime().addShutdownHook(new Thread(cluster::close, "redis-cluster-stop"));
        try {
            for (int i = 0; i < NODES; i++) {
                cluster.startNode(basePort + i);
            }
            List<String> create = new ArrayList<>(List.of("--cluster", "create"));
            IntStream.range(0, NODES).forEach(i -> create.add("127.0.0.1:" + (basePort + i)));
            create.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
            run(60, cli(basePort, create));
            cluster.awaitOk(30);
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    private void startNode(int port) {
        Path out = dir.resolve("node-" + port + ".log");
        try {
            Process p = new ProcessBuilder(List.of(LocalRedis.findExecutable().toString(), "--port", String.valueOf(port),
                    "--cluster-port", String.valueOf(port + 100), "--bind", "127.0.0.1", "--cluster-enabled", "yes",
                    "--cluster-config-file", dir.resolve("nodes-" + port + ".conf").toString(), "--dir", dir.toString(),
                    "--cluster-node-timeout", "1000", "--cluster-replica-validity-factor", "0",
                    "--save", "", "--appendonly", "no", "--maxclients", "10000"))
                    .redirectErrorStream(true).redirectOutput(out.toFile()).start();
            processes.put(port, p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start redis-server", e);
        }
        awaitPing(port, 10);
    }

    /** {@code host:port,...} of every node: what {@code REDIS_CLUSTER_NODES} takes. */
    public String seeds() {
        return String.join(",", processes.keySet().stream().map(p -> "127.0.0.1:" + p).toList());
    }

    public List<Integer> ports() {
        return List.copyOf(processes.keySet());
    }

    /** The cluster as a live node sees it. */
    public List<Node> nodes() {
        for (int port : livePorts()) {
            try {
                return parseNodes(run(10, cli(port, List.of("cluster", "nodes"))));
            } catch (RuntimeException e) {
                // ask the next one
            }
        }
        throw new IllegalStateException("no live node answers CLUSTER NODES");
    }

    /** The live primary owning {@code slot}. */
    public Node ownerOf(int slot) {
        return nodes().stream().filter(n -> n.primary() && !n.failed() && n.owns(slot)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no primary owns slot " + slot));
    }

    /**
     * Kills (SIGKILL) the primary owning {@code slot} and waits until its replica took over and the cluster is ok
     * again; returns the port that was killed.
     */
    public int killPrimaryOf(int slot, int timeoutSeconds) {
        Node victim = ownerOf(slot);
        Process p = processes.get(victim.port());
        p.destroyForcibly();
        try {
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        processes.remove(victim.port());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (System.nanoTime() < deadline) {
            try {
                if (ownerOf(slot).port() != victim.port() && allOk()) {
                    return victim.port();
                }
            } catch (RuntimeException e) {
                // not yet
            }
            sleep(100);
        }
        throw new IllegalStateException("no replica took over slot " + slot + " within " + timeoutSeconds + " s");
    }

    /**
     * Freezes the node on {@code port} (SIGSTOP): its sockets stay open and the kernel still accepts connections, but
     * nothing is answered, as with a half-open link. {@link #thaw} (SIGCONT) lets it go on where it stopped.
     */
    public void freeze(int port) {
        signal(port, "STOP");
    }

    public void thaw(int port) {
        signal(port, "CONT");
    }

    private void signal(int port, String signal) {
        run(5, List.of("kill", "-" + signal, String.valueOf(processes.get(port).pid())));
    }

    /**
     * Moves one slot to the primary on {@code toPort} the way {@code redis-cli --cluster reshard} does (IMPORTING,
     * MIGRATING, MIGRATE of its keys, then SETSLOT NODE on every primary), but for that slot precisely.
     */
    public void migrateSlot(int slot, int toPort) {
        Node from = ownerOf(slot);
        Node to = nodes().stream().filter(n -> n.port() == toPort).findFirst().orElseThrow();
        String s = String.valueOf(slot);
        run(10, cli(to.port(), List.of("cluster", "setslot", s, "importing", from.id())));
        run(10, cli(from.port(), List.of("cluster", "setslot", s, "migrating", to.id())));
        while (true) {
            String keys = run(10, cli(from.port(), List.of("cluster", "getkeysinslot", s, "100"))).trim();
            if (keys.isEmpty()) {
                break;
            }
            List<String> migrate = new ArrayList<>(List.of("migrate", "127.0.0.1", String.valueOf(to.port()), "", "0", "5000", "keys"));
            migrate.addAll(List.of(keys.split("\\s+")));
            run(10, cli(from.port(), migrate));
        }
        run(10, cli(to.port(), List.of("cluster", "setslot", s, "node", to.id())));
        run(10, cli(from.port(), List.of("cluster", "setslot", s, "node", to.id())));
        for (Node n : nodes()) {
            if (n.primary() && !n.failed() && n.port() != to.port() && n.port() != from.port()) {
                run(10, cli(n.port(), List.of("cluster", "setslot", s, "node", to.id())));
            }
        }
    }

    /** {@code redis-cli --cluster reshard}: moves {@code count} slots (redis-cli picks which) between primaries. */
    public void reshard(int fromPort, int toPort, int count) {
        String fromId = nodes().stream().filter(n -> n.port() == fromPort).findFirst().orElseThrow().id();
        String toId = nodes().stream().filter(n -> n.port() == toPort).findFirst().orElseThrow().id();
        run(60, cli(fromPort, List.of("--cluster", "reshard", "127.0.0.1:" + fromPort, "--cluster-from", fromId,
                "--cluster-to", toId, "--cluster-slots", String.valueOf(count), "--cluster-yes")));
    }

    /** Waits until every live node says {@code cluster_state:ok}. */
    public void awaitOk(int timeoutSeconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (!allOk()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("cluster not ok within " + timeoutSeconds + " s");
            }
            sleep(100);
        }
    }

    private boolean allOk() {
        for (int port : livePorts()) {
            try {
                if (!run(5, cli(port, List.of("cluster", "info"))).contains("cluster_state:ok")) {
                    return false;
                }
            } catch (RuntimeException e) {
                return false;
            }
        }
        return true;
    }

    private List<Integer> livePorts() {
        return processes.entrySet().stream().filter(e -> e.getValue().isAlive()).map(Map.Entry::getKey).toList();
    }

    static List<Node> parseNodes(String text) {
        List<Node> nodes = new ArrayList<>();
        for (String line : text.split("\n")) {
            String[] f = line.trim().split(" ");
            if (f.length < 8) {
                continue;
            }
            String address = f[1].substring(0, f[1].indexOf('@'));
            int port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
            List<int[]> slots = new ArrayList<>();
            for (int i = 8; i < f.length; i++) {
                if (f[i].startsWith("[")) {
                    continue; // a slot being migrated or imported
                }
                String[] range = f[i].split("-");
                int start = Integer.parseInt(range[0]);
                slots.add(new int[] {start, range.length > 1 ? Integer.parseInt(range[1]) : start});
            }
            nodes.add(new Node(f[0], port, f[2].contains("master"), f[2].contains("fail") && !f[2].contains("fail?"), f[3], slots));
        }
        return nodes;
    }

    private static List<String> cli(int port, List<String> args) {
        List<String> command = new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p", String.valueOf(port)));
        command.addAll(args);
        return command;
    }

    /** Runs a command to its end (at most {@code timeoutSeconds}); its output, or an exception if it failed. */
    private static String run(int timeoutSeconds, List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + String.join(" ", command));
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.exitValue() != 0 || out.startsWith("ERR") || out.contains("[ERR]")) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void awaitPing(int port, int timeoutSeconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (System.nanoTime() < deadline) {
            try {
                if (run(2, cli(port, List.of("ping"))).contains("PONG")) {
                    return;
                }
            } catch (RuntimeException e) {
                // not up yet
            }
            sleep(50);
        }
        throw new IllegalStateException("redis-server on port " + port + " did not start");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public synchronized void close() {
        processes.values().forEach(Process::destroyForcibly); // SIGKILL ends a frozen node too
        for (Process p : processes.values()) {
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        processes.clear();
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a temp dir left behind is harmless
        }
    }

    /** Runs a cluster until killed (Ctrl-C): {@code make run-cluster} with {@code REDIS_MODE=cluster}. */
    public static void main(String[] args) throws InterruptedException {
        LocalRedisCluster cluster = start(args.length > 0 ? Integer.parseInt(args[0]) : 6400);
        System.out.println("REDIS_CLUSTER_NODES=" + cluster.seeds());
        Thread.currentThread().join();
    }
}
