package chitchat.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The run as one self-contained HTML page of hand-written SVG (no script, no external file), written next to the
 * JSON: latency percentiles against offered rate (log scale, with the p99 limit), delivered against offered rate,
 * memory per idle connection, and the latency of history pages and of the conversation list.
 */
final class Chart {

    private static final int W = 640;
    private static final int H = 320;
    private static final int LEFT = 60;
    private static final int RIGHT = 130;
    private static final int TOP = 30;
    private static final int BOTTOM = 45;
    private static final String[] COLORS = {"#1b9e77", "#7570b3", "#d95f02", "#e7298a", "#666666"};

    /** One line of a chart: its name and points. */
    private record Series(String name, List<double[]> points) {
    }

    private Chart() {
    }

    static void write(Report report, Path file) throws IOException {
        StringBuilder html = new StringBuilder("""
                <!doctype html><html lang="en"><head><meta charset="utf-8"><title>Chit-Chat benchmark</title>
                <style>body{font:14px system-ui,sans-serif;margin:24px;color:#222}svg{background:#fff;border:1px solid #ddd;margin:8px 0}
                text{font:12px system-ui,sans-serif}h2{margin-top:28px}</style></head><body>
                """);
        Report.Meta m = report.meta();
        html.append("<h1>Chit-Chat benchmark</h1><p>").append(esc(m.startedAt())).append(" &middot; ").append(m.cores())
                .append(" cores (").append(esc(m.cpu())).append(") &middot; load average at start ").append(esc(m.loadAverageAtStart()))
                .append("</p><p>").append(esc(m.note())).append("</p>");
        if (report.throughput() != null && !report.throughput().steps().isEmpty()) {
            throughput(html, report);
        }
        if (report.connections() != null) {
            ConnectionsScenario.Result c = report.connections();
            html.append("<h2>Memory per idle connection</h2><p>").append(c.opened()).append(" connections to ").append(esc(c.instance()))
                    .append(", measured on the server process after a full GC.</p>");
            html.append(bars("KB per connection", List.of("heap", "RSS"),
                    List.of(c.heapPerConnectionBytes() / 1024, c.rssPerConnectionBytes() / 1024), 10, "target 10 KB"));
        }
        if (report.history() != null) {
            html.append("<h2>History page and conversation list latency</h2><p>p50 and p99, one request at a time; the store holds ")
                    .append(report.history().collectionDocuments()).append(" messages, ")
                    .append(report.history().conversationDocuments()).append(" conversations, ")
                    .append(report.history().membershipDocuments()).append(" memberships. list = <code>GET /api/conversations</code>;"
                            + " v2 = <code>GET /api/conversations/{id}/messages</code> (newest: <code>limit=50</code>, oldest:"
                            + " <code>before=51</code>, catch-up: <code>after=&lt;lastSeq-50&gt;</code>); v1 ="
                            + " <code>GET /api/messages?with=&amp;limit=50</code>.</p>");
            HistoryScenario.Position cold = report.history().cold();
            if (cold != null) {
                html.append(String.format(Locale.ROOT, "<p>Not charted: the first %d requests after the fill (%s), while the store"
                                + " warms up: p50 %.1f ms, p99 %.1f ms, max %.1f ms.</p>", cold.latency().count(), esc(cold.name()),
                        cold.latency().p50(), cold.latency().p99(), cold.latency().max()));
            }
            List<String> names = new ArrayList<>();
            List<Double> p50 = new ArrayList<>();
            List<Double> p99 = new ArrayList<>();
            for (HistoryScenario.Position p : report.history().positions()) {
                names.add(p.name().replace(" page of ", " ").replace(" conversations", ""));
                p50.add(p.latency().p50());
                p99.add(p.latency().p99());
            }
            html.append(pairs("ms", names, p50, p99, 20, "target p99 20 ms"));
            // CPU time moves much less than wall time when someone else is using the cores.
            List<Double> storeCpu = new ArrayList<>();
            for (HistoryScenario.Position p : report.history().positions()) {
                storeCpu.add(p.cpuMsPerRequest().getOrDefault("store", 0.0) + p.cpuMsPerRequest().getOrDefault("chat1", 0.0));
            }
            html.append("<p>CPU milliseconds a request, store + chat-server (from <code>/proc/&lt;pid&gt;/stat</code>, 10 ms ticks"
                    + " averaged over the requests).</p>");
            html.append(bars("CPU ms a request", names, storeCpu, 20, "the p99 target"));
        }
        html.append("</body></html>\n");
        Files.writeString(file, html);
    }

    private static void throughput(StringBuilder html, Report report) {
        ThroughputScenario.Result t = report.throughput();
        List<Series> latency = new ArrayList<>();
        String[] names = {"p50", "p90", "p99", "p99.9", "max"};
        for (int i = 0; i < names.length; i++) {
            List<double[]> points = new ArrayList<>();
            for (ThroughputScenario.StepResult s : t.steps()) {
                Latency.Summary e = s.endToEnd();
                double v = switch (i) {
                    case 0 -> e.p50();
                    case 1 -> e.p90();
                    case 2 -> e.p99();
                    case 3 -> e.p999();
                    default -> e.max();
                };
                points.add(new double[] {s.offeredPerSec(), Math.max(v, 0.1)});
            }
            latency.add(new Series(names[i], points));
        }
        html.append("<h2>Send-to-receive latency against offered rate</h2><p>").append(t.users()).append(" users over ")
                .append(t.instances()).append(" instances, every message through Redis; latency from the scheduled send time.</p>");
        html.append(lines(latency, "offered msg/s", "ms (log)", true, t.p99LimitMs(), "p99 limit " + (int) t.p99LimitMs() + " ms"));

        List<double[]> delivered = new ArrayList<>();
        List<double[]> ideal = new ArrayList<>();
        for (ThroughputScenario.StepResult s : t.steps()) {
            delivered.add(new double[] {s.offeredPerSec(), s.deliveredPerSec()});
            ideal.add(new double[] {s.offeredPerSec(), s.offeredPerSec()});
        }
        html.append("<h2>Delivered against offered</h2>");
        if (report.redis() != null && report.redis().available()) {
            html.append("<p>Redis PUBLISH ceiling measured in the same run: ~")
                    .append(String.format(Locale.ROOT, "%,.0f", report.redis().messageCeilingPerSec())).append(" msg/s.</p>");
        }
        html.append(lines(List.of(new Series("offered", ideal), new Series("delivered/s", delivered)), "offered msg/s", "msg/s", false, -1, null));
    }

    /** A line chart; {@code log} makes the y axis logarithmic; {@code limit} > 0 draws a dashed horizontal line. */
    private static String lines(List<Series> series, String xLabel, String yLabel, boolean log, double limit, String limitLabel) {
        double xMax = 1;
        double yMax = limit > 0 ? limit : 1;
        double yMin = log ? 0.1 : 0;
        for (Series s : series) {
            for (double[] p : s.points()) {
                xMax = Math.max(xMax, p[0]);
                yMax = Math.max(yMax, p[1]);
            }
        }
        if (log) {
            yMax = Math.pow(10, Math.ceil(Math.log10(yMax)));
        }
        double xStep = niceStep(xMax / 4);
        double fxMax = Math.ceil(xMax * 1.05 / xStep) * xStep;
        double yStep = log ? 10 : niceStep(yMax * 1.05 / 4);
        double fyMax = log ? yMax : Math.ceil(yMax * 1.05 / yStep) * yStep;
        java.util.function.DoubleUnaryOperator x = v -> LEFT + v / fxMax * (W - LEFT - RIGHT);
        java.util.function.DoubleUnaryOperator y = log
                ? v -> H - BOTTOM - (Math.log10(v) - Math.log10(yMin)) / (Math.log10(fyMax) - Math.log10(yMin)) * (H - TOP - BOTTOM)
                : v -> H - BOTTOM - v / fyMax * (H - TOP - BOTTOM);
        StringBuilder svg = new StringBuilder(String.format(Locale.ROOT, "<svg width=\"%d\" height=\"%d\" xmlns=\"http://www.w3.org/2000/svg\">", W, H));
        axes(svg, xLabel, yLabel);
        for (double v = 0; v <= fxMax * 1.001; v += xStep) {
            svg.append(text(x.applyAsDouble(v), H - BOTTOM + 16, fmt(v), "middle"));
        }
        if (log) {
            for (double v = yMin; v <= fyMax * 1.001; v *= 10) {
                svg.append(gridline(y.applyAsDouble(v))).append(text(LEFT - 6, y.applyAsDouble(v) + 4, fmt(v), "end"));
            }
        } else {
            for (double v = 0; v <= fyMax * 1.001; v += yStep) {
                svg.append(gridline(y.applyAsDouble(v))).append(text(LEFT - 6, y.applyAsDouble(v) + 4, fmt(v), "end"));
            }
        }
        if (limit > 0) {
            double ly = y.applyAsDouble(limit);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#c00\" stroke-dasharray=\"6 4\"/>",
                    LEFT, W - RIGHT, ly, ly)).append(text(LEFT + 6, ly - 5, limitLabel, "start"));
        }
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            String color = COLORS[i % COLORS.length];
            StringBuilder path = new StringBuilder();
            for (double[] p : s.points()) {
                path.append(path.isEmpty() ? "M" : " L").append(String.format(Locale.ROOT, "%.1f %.1f", x.applyAsDouble(p[0]), y.applyAsDouble(p[1])));
                svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>", x.applyAsDouble(p[0]), y.applyAsDouble(p[1]), color));
            }
            svg.append("<path d=\"").append(path).append("\" fill=\"none\" stroke=\"").append(color).append("\" stroke-width=\"2\"/>");
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"3\" fill=\"%s\"/>", W - RIGHT + 60, TOP + 20 * i + 20, color));
            svg.append(text(W - RIGHT + 76, TOP + 20 * i + 25, s.name(), "start"));
        }
        return svg.append("</svg>").toString();
    }

    /** A bar chart with a dashed target line. */
    private static String bars(String yLabel, List<String> names, List<Double> values, double target, String targetLabel) {
        double max = target;
        for (double v : values) {
            max = Math.max(max, v);
        }
        double fmax = max * 1.15;
        int h = H + 40;
        int slot = (W - LEFT - RIGHT) / Math.max(1, names.size());
        java.util.function.DoubleUnaryOperator y = v -> h - BOTTOM - 40 - v / fmax * (h - TOP - BOTTOM - 40);
        StringBuilder svg = new StringBuilder(String.format(Locale.ROOT, "<svg width=\"%d\" height=\"%d\" xmlns=\"http://www.w3.org/2000/svg\">", W, h));
        svg.append(String.format(Locale.ROOT, "<text x=\"14\" y=\"%d\" transform=\"rotate(-90 14 %d)\" text-anchor=\"middle\">%s</text>", h / 2, h / 2, esc(yLabel)));
        for (int i = 0; i < names.size(); i++) {
            double v = values.get(i);
            double bx = LEFT + i * slot + slot * 0.15;
            double by = y.applyAsDouble(v);
            svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>",
                    bx, by, slot * 0.7, h - BOTTOM - 40 - by, COLORS[i % 2 == 0 ? 0 : 2]));
            svg.append(text(bx + slot * 0.35, by - 5, fmt(v), "middle"));
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"end\" transform=\"rotate(-25 %.1f %d)\">%s</text>",
                    bx + slot * 0.5, h - BOTTOM - 24, bx + slot * 0.5, h - BOTTOM - 24, esc(names.get(i))));
        }
        double ty = y.applyAsDouble(target);
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#c00\" stroke-dasharray=\"6 4\"/>", LEFT, W - RIGHT, ty, ty))
                .append(text(W - RIGHT + 6, ty + 4, targetLabel, "start"));
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"#333\"/>", LEFT, W - RIGHT, h - BOTTOM - 40, h - BOTTOM - 40));
        return svg.append("</svg>").toString();
    }

    /**
     * Two bars (p50, p99) per name, one label under each pair, with a dashed target line: eight kinds of request
     * stay readable, where sixteen single bars would crowd their labels. As wide as the pairs need.
     */
    private static String pairs(String yLabel, List<String> names, List<Double> p50, List<Double> p99, double target,
                                String targetLabel) {
        double max = target;
        for (double v : p99) {
            max = Math.max(max, v);
        }
        double fmax = max * 1.15;
        int slot = 72;
        int w = Math.max(W, LEFT + RIGHT + slot * names.size());
        int h = H + 60;
        int base = h - BOTTOM - 60;
        java.util.function.DoubleUnaryOperator y = v -> base - v / fmax * (base - TOP);
        StringBuilder svg = new StringBuilder(String.format(Locale.ROOT, "<svg width=\"%d\" height=\"%d\" xmlns=\"http://www.w3.org/2000/svg\">", w, h));
        svg.append(String.format(Locale.ROOT, "<text x=\"14\" y=\"%d\" transform=\"rotate(-90 14 %d)\" text-anchor=\"middle\">%s</text>", h / 2, h / 2, esc(yLabel)));
        for (int i = 0; i < names.size(); i++) {
            double x = LEFT + i * slot + slot * 0.1;
            double[] values = {p50.get(i), p99.get(i)};
            for (int k = 0; k < 2; k++) {
                double bx = x + k * slot * 0.4;
                double by = y.applyAsDouble(values[k]);
                svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>",
                        bx, by, slot * 0.38, base - by, COLORS[k == 0 ? 0 : 2]));
                svg.append(text(bx + slot * 0.19, by - 5, fmt(values[k]), "middle"));
            }
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"end\" transform=\"rotate(-25 %.1f %d)\">%s</text>",
                    x + slot * 0.6, base + 16, x + slot * 0.6, base + 16, esc(names.get(i))));
        }
        double ty = y.applyAsDouble(target);
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#c00\" stroke-dasharray=\"6 4\"/>", LEFT, w - RIGHT, ty, ty))
                .append(text(w - RIGHT + 6, ty + 4, targetLabel, "start"));
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>", w - RIGHT + 6, TOP, COLORS[0]))
                .append(text(w - RIGHT + 20, TOP + 9, "p50", "start"));
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>", w - RIGHT + 6, TOP + 16, COLORS[2]))
                .append(text(w - RIGHT + 20, TOP + 25, "p99", "start"));
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"#333\"/>", LEFT, w - RIGHT, base, base));
        return svg.append("</svg>").toString();
    }

    /** 1, 2 or 5 times a power of ten, at least {@code raw}: axis steps a reader can add up. */
    private static double niceStep(double raw) {
        double magnitude = Math.pow(10, Math.floor(Math.log10(Math.max(raw, 1e-9))));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * magnitude >= raw) {
                return m * magnitude;
            }
        }
        return 10 * magnitude;
    }

    private static void axes(StringBuilder svg, String xLabel, String yLabel) {
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"#333\"/>", LEFT, W - RIGHT, H - BOTTOM, H - BOTTOM));
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"#333\"/>", LEFT, LEFT, TOP, H - BOTTOM));
        svg.append(text((LEFT + W - RIGHT) / 2.0, H - 8, xLabel, "middle"));
        svg.append(String.format(Locale.ROOT, "<text x=\"14\" y=\"%d\" transform=\"rotate(-90 14 %d)\" text-anchor=\"middle\">%s</text>", H / 2, H / 2, esc(yLabel)));
    }

    private static String gridline(double y) {
        return String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/>", LEFT, W - RIGHT, y, y);
    }

    private static String text(double x, double y, String s, String anchor) {
        return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">%s</text>", x, y, anchor, esc(s));
    }

    private static String fmt(double v) {
        if (v >= 100 || v == Math.rint(v)) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        return String.format(Locale.ROOT, v >= 1 ? "%.1f" : "%.2f", v);
    }

    private static String esc(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
