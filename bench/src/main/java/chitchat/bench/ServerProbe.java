package chitchat.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What the load tool reads about the processes it measures, from outside them: CPU time and resident memory
 * from Linux's {@code /proc/<pid>}, heap and counters from a service's Prometheus {@code /metrics}, and a full GC
 * on request through {@code jcmd <pid> GC.run} (so "heap used" means live data, not garbage not yet collected).
 */
final class ServerProbe {

    /** Linux reports CPU time in clock ticks; USER_HZ is 100 on every mainstream architecture. */
    private static final double TICKS_PER_SECOND = 100.0;

    private ServerProbe() {
    }

    /** Resident set size ({@code VmRSS}) in bytes, or -1 when the process is gone. */
    static long rssBytes(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone, or not Linux
        }
        return -1;
    }

    /** User plus system CPU seconds the process has used so far, or -1 when it is gone. */
    static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // Fields after the command name, which is in parentheses and may hold spaces: state is field 3,
            // utime and stime are fields 14 and 15, so indexes 11 and 12 after the closing parenthesis.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * CPU seconds of every watched process, of this load tool ("bench"), and of the whole machine ("machine":
     * every process, the kernel's network work included, and whatever else runs here), to diff across a step.
     */
    static Map<String, Double> cpu(Map<String, List<Long>> pids) {
        Map<String, Double> seconds = new LinkedHashMap<>();
        pids.forEach((name, group) -> seconds.put(name, group.stream().mapToDouble(ServerProbe::cpuSeconds).sum()));
        seconds.put("bench", cpuSeconds(ProcessHandle.current().pid()));
        seconds.put("machine", machineBusySeconds());
        return seconds;
    }

    /** Busy CPU seconds of all cores since boot, from the first line of {@code /proc/stat} (all but idle and iowait). */
    static double machineBusySeconds() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).getFirst().trim().split("\\s+");
            long busy = 0;
            for (int i = 1; i <= 8 && i < f.length; i++) {
                if (i != 4 && i != 5) { // idle, iowait
                    busy += Long.parseLong(f[i]);
                }
            }
            return busy / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Percent of one core each process used between two {@link #cpu} readings {@code wallSeconds} apart. */
    static Map<String, Double> cpuPercent(Map<String, Double> before, Map<String, Double> after, double wallSeconds) {
        Map<String, Double> percent = new LinkedHashMap<>();
        before.forEach((name, b) -> {
            Double a = after.get(name);
            if (a != null && a >= 0 && b >= 0 && wallSeconds > 0) {
                percent.put(name, Math.round((a - b) / wallSeconds * 1000.0) / 10.0);
            }
        });
        return percent;
    }

    /**
     * How many times, machine-wide, a listening socket's accept queue was full and a connection attempt (SYN) was
     * dropped ({@code TcpExt ListenOverflows} in {@code /proc/net/netstat}); the client retries a second later.
     */
    static long listenOverflows() {
        try {
            List<String> tcpExt = Files.readAllLines(Path.of("/proc/net/netstat")).stream().filter(l -> l.startsWith("TcpExt:")).toList();
            List<String> names = List.of(tcpExt.get(0).split("\\s+"));
            return Long.parseLong(tcpExt.get(1).split("\\s+")[names.indexOf("ListenOverflows")]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The process's open-file limit, from {@code /proc/<pid>/limits}, or -1. */
    static long maxOpenFiles(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "limits"))) {
                if (line.startsWith("Max open files")) {
                    return Long.parseLong(line.substring("Max open files".length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // unknown
        }
        return -1;
    }

    /** Runs a full GC in the process ({@code jcmd <pid> GC.run}); false when jcmd is missing or fails. */
    static boolean fullGc(String jcmd, long pid) {
        return jcmd(jcmd, pid, "GC.run");
    }

    /** Runs {@code jcmd <pid> <command...>}, its output discarded, for at most 60 s; false when it is missing or fails. */
    static boolean jcmd(String jcmd, long pid, String... command) {
        java.util.List<String> line = new java.util.ArrayList<>(java.util.List.of(jcmd, Long.toString(pid)));
        line.addAll(java.util.List.of(command));
        try {
            Process p = new ProcessBuilder(line).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * The sum of every sample of metric {@code name} whose labels contain all of {@code labels} (each written
     * as it appears, e.g. {@code area="heap"}), in Prometheus text format; 0 when there is none.
     */
    static double metric(String prometheusText, String name, String... labels) {
        double sum = 0;
        for (String line : prometheusText.split("\n")) {
            if (!line.startsWith(name) || line.length() <= name.length()) {
                continue;
            }
            char next = line.charAt(name.length());
            if (next != '{' && next != ' ') {
                continue; // a longer name that starts the same
            }
            boolean matches = true;
            for (String label : labels) {
                matches &= line.contains(label);
            }
            if (matches) {
                try {
                    sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                } catch (NumberFormatException ignored) {
                    // NaN and the like: skip
                }
            }
        }
        return sum;
    }

    /** The largest sample of {@code name} with those labels (for per-instance quantiles), or 0. */
    static double maxMetric(String prometheusText, String name, String... labels) {
        double max = 0;
        for (String line : prometheusText.split("\n")) {
            if (line.startsWith(name + "{") && java.util.Arrays.stream(labels).allMatch(line::contains)) {
                try {
                    max = Math.max(max, Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
                } catch (NumberFormatException ignored) {
                    // skip
                }
            }
        }
        return max;
    }
}
