package chitchat.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * An optional flight recording of chat-server 1 during the steady ladder ({@code --jfr on}), and a text summary of
 * where its CPU samples fall, written next to the results: the question "what is the server busy with at this
 * rate" should be answered by each run, not by a separate profiling session.
 *
 * <p>Started and dumped with {@code jcmd} (JFR.start / JFR.dump / JFR.stop, settings=profile), so the servers run
 * with their ordinary flags and the cold phase is not recorded. The summary reads {@code jfr print --events
 * jdk.ExecutionSample} line by line (no JSON parse of a large file) and counts samples by thread, by the project's
 * own frame nearest the top (which of our calls the driver's or the JDK's time is spent under), by top frame (self)
 * and by every method on the stack (total), the 25 largest of each.
 */
final class JfrProfile {

    private static final String NAME = "bench";
    private static final int TOP = 25;

    private final String jcmd;
    private final long pid;

    JfrProfile(String jcmd, long pid) {
        this.jcmd = jcmd;
        this.pid = pid;
    }

    boolean start() {
        return ServerProbe.jcmd(jcmd, pid, "JFR.start", "name=" + NAME, "settings=profile");
    }

    /** Dumps and stops the recording, then writes the summary; answers the summary file, or null. */
    Path stop(Path jfrFile, Path summaryFile) throws IOException {
        boolean dumped = ServerProbe.jcmd(jcmd, pid, "JFR.dump", "name=" + NAME, "filename=" + jfrFile.toAbsolutePath());
        ServerProbe.jcmd(jcmd, pid, "JFR.stop", "name=" + NAME);
        if (!dumped || !Files.exists(jfrFile)) {
            return null;
        }
        Files.writeString(summaryFile, summarize(Path.of(jcmd).resolveSibling("jfr"), jfrFile));
        return summaryFile;
    }

    /** Summarizes a recording made earlier: {@code java -cp chit-chat-bench.jar chitchat.bench.JfrProfile <file.jfr>}. */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: JfrProfile <recording.jfr>");
            System.exit(2);
        }
        System.out.print(summarize(Path.of(System.getProperty("java.home"), "bin", "jfr"), Path.of(args[0])));
    }

    private static String summarize(Path jfrTool, Path jfrFile) throws IOException {
        // jfr print shows 5 frames of each stack unless told otherwise: the project's frames are deeper than that.
        Process p = new ProcessBuilder(jfrTool.toString(), "print", "--stack-depth", "256", "--events", "jdk.ExecutionSample", jfrFile.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> total = new HashMap<>();
        Map<String, Integer> threads = new HashMap<>();
        Map<String, Integer> ours = new HashMap<>();
        int samples = 0;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            boolean inStack = false;
            boolean top = false;
            boolean ourTop = false;
            Set<String> seen = new HashSet<>();
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                String t = line.trim();
                if (t.startsWith("sampledThread = ")) {
                    // Virtual threads and pool workers differ only by number: count them together.
                    String name = t.substring("sampledThread = ".length()).replaceAll("\\(javaThreadId.*", "").replaceAll("[0-9]+", "#");
                    threads.merge(name.trim(), 1, Integer::sum);
                } else if (t.startsWith("stackTrace = [")) {
                    inStack = true;
                    top = true;
                    ourTop = true;
                    seen.clear();
                    samples++;
                } else if (inStack && t.equals("]")) {
                    inStack = false;
                } else if (inStack && !t.equals("...")) {
                    String method = t.replaceAll("\\s+line:.*", "");
                    if (top) {
                        self.merge(method, 1, Integer::sum);
                        top = false;
                    }
                    if (ourTop && method.startsWith("chitchat.")) {
                        ours.merge(method, 1, Integer::sum);
                        ourTop = false;
                    }
                    if (seen.add(method)) {
                        total.merge(method, 1, Integer::sum);
                    }
                }
            }
        }
        try {
            p.waitFor(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        StringBuilder out = new StringBuilder();
        out.append("JFR execution samples of chat-server 1 during the steady ladder (settings=profile): ").append(samples)
                .append(" samples. Stacks are cut at the recording's depth (bench/run.sh starts chat1 with stackdepth=256 when BENCH_JFR=on; JFR's default is 64).\n");
        table(out, "by thread (numbers replaced by #)", threads, samples);
        table(out, "the project's own frame nearest the top (which of our calls the time is spent under; a stack"
                + " cut short may have none)", ours, samples);
        table(out, "self: top frame", self, samples);
        table(out, "total: anywhere on the stack", total, samples);
        return out.toString();
    }

    private static void table(StringBuilder out, String title, Map<String, Integer> counts, int samples) {
        out.append("\n").append(title).append("\n");
        List<Map.Entry<String, Integer>> sorted = new ArrayList<>(counts.entrySet());
        sorted.sort(Map.Entry.<String, Integer>comparingByValue().reversed());
        for (Map.Entry<String, Integer> e : sorted.subList(0, Math.min(TOP, sorted.size()))) {
            out.append(String.format(Locale.ROOT, "  %5.1f%%  %6d  %s%n", 100.0 * e.getValue() / Math.max(1, samples), e.getValue(), e.getKey()));
        }
    }
}
