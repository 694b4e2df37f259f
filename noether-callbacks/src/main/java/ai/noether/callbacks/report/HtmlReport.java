package ai.noether.callbacks.report;

import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.checkpoint.StoredFile;
import ai.noether.api.checkpoint.TrainingIteration;
import ai.noether.api.logger.LoggedMetrics;
import ai.noether.api.logger.ResumePoint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Renders a {@link RunReport} as one self-contained HTML page: inline CSS and inline SVG charts, no
 * script, no fonts, no request to any server, so it opens from a laptop, a mail attachment or a CI
 * artifact store alike. Sections: a summary of every metric (last, min, max), one chart per metric
 * group (a metric logged for several splits, {@code loss/train/total} and {@code loss/valid/total},
 * shares a chart; the learning rate has its own), the checkpoints with their tags, iterations and
 * sizes, and the lineage of resumes, which the charts also mark as dashed vertical lines.
 *
 * <p>Charts plot values against the update counter. A group whose positive values span more than
 * two decades uses a logarithmic axis. Non-finite values are left out of the lines and counted in
 * the summary. Each series is one {@code <path class="series" data-key=... data-points=N>}, so a
 * test (or a curious user) can find what was drawn in the page's DOM.
 *
 * <p>The output depends only on the report's contents: the same run renders to the same bytes.
 */
public final class HtmlReport {
  private static final int WIDTH = 720;
  private static final int HEIGHT = 280;
  private static final int LEFT = 72;
  private static final int RIGHT = 16;
  private static final int TOP = 16;
  private static final int BOTTOM = 40;
  private static final String[] COLORS = {
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"
  };
  private static final Set<String> SPLITS = Set.of("train", "valid", "test");

  /** The learning rate's metric key (the trainer's). */
  static final String LR = "lr";

  private HtmlReport() {}

  /** The page. */
  public static String render(RunReport report) {
    StringBuilder h = new StringBuilder(16_384);
    String title = report.stage().runId() + " / " + report.stage().stageName();
    h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"generator\" content=\"noether\">\n<title>")
        .append(esc(title))
        .append(" — Noether run report</title>\n")
        .append("<style>\n")
        .append(CSS)
        .append("</style>\n</head>\n<body>\n");
    h.append("<h1>").append(esc(title)).append("</h1>\n");
    TrainingIteration last =
        report.events().isEmpty()
            ? null
            : report.events().get(report.events().size() - 1).iteration();
    h.append("<p class=\"meta\">run <code>")
        .append(esc(report.stage().runId()))
        .append("</code>, stage <code>")
        .append(esc(report.stage().stageName()))
        .append("</code>; ")
        .append(last == null ? "no metrics logged yet" : "last logged at <code>" + last + "</code>")
        .append("; ")
        .append(report.resumes().size())
        .append(report.resumes().size() == 1 ? " resume" : " resumes")
        .append("; ")
        .append(report.checkpoints().size())
        .append(" checkpoint entries</p>\n");

    Map<String, List<String>> groups = groups(report.events());
    summary(h, report.events());
    h.append("<h2>Metrics</h2>\n");
    if (groups.isEmpty()) {
      h.append("<p>No metrics logged yet.</p>\n");
    }
    for (Map.Entry<String, List<String>> g : groups.entrySet()) {
      chart(h, g.getKey(), g.getValue(), report);
    }
    checkpoints(h, report.checkpoints());
    lineage(h, report.resumes());
    h.append("</body>\n</html>\n");
    return h.toString();
  }

  /** Chart title to the keys it plots, in order of first appearance; the learning rate last. */
  static Map<String, List<String>> groups(List<LoggedMetrics> events) {
    Map<String, List<String>> groups = new LinkedHashMap<>();
    List<String> lr = new ArrayList<>();
    for (LoggedMetrics e : events) {
      for (String key : e.metrics().keySet()) {
        if (key.equals(LR)) {
          if (lr.isEmpty()) {
            lr.add(key);
          }
          continue;
        }
        List<String> keys = groups.computeIfAbsent(groupOf(key), g -> new ArrayList<>());
        if (!keys.contains(key)) {
          keys.add(key);
        }
      }
    }
    if (!lr.isEmpty()) {
      groups.put("learning rate", lr);
    }
    return groups;
  }

  /**
   * {@code loss/train/total} and {@code loss/valid/total} share the group {@code loss/*}{@code
   * /total}.
   */
  private static String groupOf(String key) {
    String[] parts = key.split("/", -1);
    for (int i = 0; i < parts.length; i++) {
      if (SPLITS.contains(parts[i])) {
        parts[i] = "*";
        return String.join("/", parts);
      }
    }
    return key;
  }

  private static void summary(StringBuilder h, List<LoggedMetrics> events) {
    Map<String, double[]> stats = new LinkedHashMap<>(); // last, min, max, count, non-finite
    for (LoggedMetrics e : events) {
      e.metrics()
          .forEach(
              (k, v) -> {
                double[] s =
                    stats.computeIfAbsent(
                        k,
                        x ->
                            new double[] {
                              Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0, 0
                            });
                s[0] = v;
                s[3]++;
                if (Double.isFinite(v)) {
                  s[1] = Math.min(s[1], v);
                  s[2] = Math.max(s[2], v);
                } else {
                  s[4]++;
                }
              });
    }
    if (stats.isEmpty()) {
      return;
    }
    h.append(
            "<h2>Summary</h2>\n<table class=\"summary\">\n<thead><tr><th>metric</th><th>last</th><th>min</th>")
        .append("<th>max</th><th>values</th></tr></thead>\n<tbody>\n");
    stats.forEach(
        (k, s) ->
            h.append("<tr><td><code>")
                .append(esc(k))
                .append("</code></td><td>")
                .append(num(s[0]))
                .append("</td><td>")
                .append(s[3] > s[4] ? num(s[1]) : "–")
                .append("</td><td>")
                .append(s[3] > s[4] ? num(s[2]) : "–")
                .append("</td><td>")
                .append((long) s[3])
                .append(s[4] > 0 ? " (" + (long) s[4] + " not finite)" : "")
                .append("</td></tr>\n"));
    h.append("</tbody>\n</table>\n");
  }

  private static void chart(StringBuilder h, String title, List<String> keys, RunReport report) {
    List<List<double[]>> series = new ArrayList<>();
    double minX = Double.POSITIVE_INFINITY;
    double maxX = Double.NEGATIVE_INFINITY;
    double minY = Double.POSITIVE_INFINITY;
    double maxY = Double.NEGATIVE_INFINITY;
    boolean allPositive = true;
    for (String key : keys) {
      List<double[]> points = new ArrayList<>();
      for (LoggedMetrics e : report.events()) {
        Double v = e.metrics().get(key);
        if (v != null && Double.isFinite(v)) {
          double x = e.iteration().update();
          points.add(new double[] {x, v});
          minX = Math.min(minX, x);
          maxX = Math.max(maxX, x);
          minY = Math.min(minY, v);
          maxY = Math.max(maxY, v);
          allPositive &= v > 0;
        }
      }
      series.add(points);
    }
    h.append("<section class=\"chart\" data-group=\"")
        .append(esc(title))
        .append("\">\n<h3>")
        .append(esc(title))
        .append("</h3>\n");
    if (minX > maxX) {
      h.append("<p>No finite values.</p>\n</section>\n");
      return;
    }
    boolean log = allPositive && maxY / minY > 100;
    for (ResumePoint r : report.resumes()) {
      minX = Math.min(minX, r.iteration().update());
      maxX = Math.max(maxX, r.iteration().update());
    }
    Axis x = Axis.linear(minX, maxX);
    Axis y = log ? Axis.log(minY, maxY) : Axis.linear(minY, maxY);
    int plotW = WIDTH - LEFT - RIGHT;
    int plotH = HEIGHT - TOP - BOTTOM;
    h.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"")
        .append(WIDTH)
        .append("\" height=\"")
        .append(HEIGHT)
        .append("\" viewBox=\"0 0 ")
        .append(WIDTH)
        .append(' ')
        .append(HEIGHT)
        .append("\" role=\"img\" aria-label=\"")
        .append(esc(title))
        .append(" by update")
        .append(log ? " (log scale)" : "")
        .append("\">\n");
    h.append("<rect class=\"plot\" x=\"")
        .append(LEFT)
        .append("\" y=\"")
        .append(TOP)
        .append("\" width=\"")
        .append(plotW)
        .append("\" height=\"")
        .append(plotH)
        .append("\"/>\n");
    for (double t : y.ticks()) {
      double py = TOP + plotH - y.fraction(t) * plotH;
      h.append("<line class=\"grid\" x1=\"")
          .append(LEFT)
          .append("\" x2=\"")
          .append(LEFT + plotW)
          .append("\" y1=\"")
          .append(c(py))
          .append("\" y2=\"")
          .append(c(py))
          .append("\"/>")
          .append("<text class=\"tick\" x=\"")
          .append(LEFT - 6)
          .append("\" y=\"")
          .append(c(py + 4))
          .append("\" text-anchor=\"end\">")
          .append(log ? String.format(Locale.ROOT, "%.0e", t) : tick(t))
          .append("</text>\n");
    }
    for (double t : x.ticks()) {
      double px = LEFT + x.fraction(t) * plotW;
      h.append("<line class=\"grid\" x1=\"")
          .append(c(px))
          .append("\" x2=\"")
          .append(c(px))
          .append("\" y1=\"")
          .append(TOP)
          .append("\" y2=\"")
          .append(TOP + plotH)
          .append("\"/>")
          .append("<text class=\"tick\" x=\"")
          .append(c(px))
          .append("\" y=\"")
          .append(TOP + plotH + 16)
          .append("\" text-anchor=\"middle\">")
          .append(tick(t))
          .append("</text>\n");
    }
    h.append("<text class=\"axis\" x=\"")
        .append(LEFT + plotW / 2)
        .append("\" y=\"")
        .append(HEIGHT - 6)
        .append("\" text-anchor=\"middle\">update</text>\n");
    for (ResumePoint r : report.resumes()) {
      double px = LEFT + x.fraction(r.iteration().update()) * plotW;
      h.append("<line class=\"resume\" x1=\"")
          .append(c(px))
          .append("\" x2=\"")
          .append(c(px))
          .append("\" y1=\"")
          .append(TOP)
          .append("\" y2=\"")
          .append(TOP + plotH)
          .append("\"><title>resumed at ")
          .append(r.iteration())
          .append(" from ")
          .append(esc(r.source()))
          .append("</title></line>\n");
    }
    for (int i = 0; i < keys.size(); i++) {
      List<double[]> points = series.get(i);
      String color = COLORS[i % COLORS.length];
      StringBuilder d = new StringBuilder();
      for (double[] p : points) {
        d.append(d.length() == 0 ? "M" : " L")
            .append(c(LEFT + x.fraction(p[0]) * plotW))
            .append(',')
            .append(c(TOP + plotH - y.fraction(p[1]) * plotH));
      }
      h.append("<path class=\"series\" data-key=\"")
          .append(esc(keys.get(i)))
          .append("\" data-points=\"")
          .append(points.size())
          .append("\" stroke=\"")
          .append(color)
          .append("\" d=\"")
          .append(d)
          .append("\"/>\n");
      if (points.size() <= 60) {
        // Sparse series (an evaluation per epoch) would be invisible as a line of one point.
        for (double[] p : points) {
          h.append("<circle class=\"point\" fill=\"")
              .append(color)
              .append("\" r=\"2.5\" cx=\"")
              .append(c(LEFT + x.fraction(p[0]) * plotW))
              .append("\" cy=\"")
              .append(c(TOP + plotH - y.fraction(p[1]) * plotH))
              .append("\"/>");
        }
        h.append('\n');
      }
    }
    h.append("</svg>\n<ul class=\"legend\">");
    for (int i = 0; i < keys.size(); i++) {
      h.append("<li><span class=\"swatch\" style=\"background:")
          .append(COLORS[i % COLORS.length])
          .append("\"></span><code>")
          .append(esc(keys.get(i)))
          .append("</code> (")
          .append(series.get(i).size())
          .append(" points)</li>");
    }
    if (!report.resumes().isEmpty()) {
      h.append("<li><span class=\"swatch resume-swatch\"></span>resume</li>");
    }
    h.append("</ul>\n</section>\n");
  }

  private static void checkpoints(StringBuilder h, List<StoredCheckpoint> checkpoints) {
    h.append("<h2>Checkpoints</h2>\n");
    if (checkpoints.isEmpty()) {
      h.append("<p>No checkpoints committed.</p>\n");
      return;
    }
    long total = 0;
    h.append(
            "<table class=\"checkpoints\">\n<thead><tr><th>tag</th><th>iteration</th><th>files</th><th>size</th>")
        .append("<th>committed</th></tr></thead>\n<tbody>\n");
    for (StoredCheckpoint cp : checkpoints) {
      boolean alias = cp.tag().isAlias();
      if (!alias) {
        total += cp.size();
      }
      h.append("<tr")
          .append(alias ? " class=\"alias\"" : "")
          .append("><td class=\"tag\"><code>")
          .append(esc(cp.tag().token()))
          .append("</code></td><td><code>")
          .append(cp.iteration())
          .append("</code></td><td>");
      for (StoredFile f : cp.files()) {
        h.append("<code>")
            .append(esc(f.name().toString()))
            .append("</code> ")
            .append(size(f.size()))
            .append("<br>");
      }
      h.append("</td><td title=\"")
          .append(cp.size())
          .append(" bytes\">")
          .append(size(cp.size()))
          .append(alias ? " (same files as its iteration)" : "")
          .append("</td><td>")
          .append(esc(cp.committedAt().toString()))
          .append("</td></tr>\n");
    }
    h.append("</tbody>\n</table>\n<p class=\"meta\">")
        .append(size(total))
        .append(" in checkpoints (aliases such as <code>")
        .append(CheckpointTag.LATEST.token())
        .append("</code> share their files and are not counted twice).</p>\n");
  }

  private static void lineage(StringBuilder h, List<ResumePoint> resumes) {
    h.append("<h2>Lineage</h2>\n<ol class=\"lineage\">\n<li>started fresh</li>\n");
    for (ResumePoint r : resumes) {
      h.append("<li>resumed at <code>")
          .append(r.iteration())
          .append("</code> from <code>")
          .append(esc(r.source()))
          .append("</code></li>\n");
    }
    h.append("</ol>\n");
  }

  /** A size for people: bytes below 1 KiB, else KiB, MiB, GiB with 1 decimal. */
  static String size(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = bytes;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }

  private static String num(double v) {
    if (!Double.isFinite(v)) {
      return Double.toString(v);
    }
    return String.format(
        Locale.ROOT, Math.abs(v) >= 1e-3 && Math.abs(v) < 1e5 || v == 0 ? "%.6g" : "%.4e", v);
  }

  private static String tick(double v) {
    if (v == 0) {
      return "0";
    }
    double a = Math.abs(v);
    if (a >= 1e-3 && a < 1e6) {
      String s = String.format(Locale.ROOT, "%.4g", v);
      return s.contains(".") && !s.contains("e")
          ? s.replaceAll("0+$", "").replaceAll("\\.$", "")
          : s;
    }
    return String.format(Locale.ROOT, "%.1e", v);
  }

  /** A coordinate with two decimals, enough for a screen and stable across runs. */
  private static String c(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }

  static String esc(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (char ch : s.toCharArray()) {
      switch (ch) {
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '&' -> sb.append("&amp;");
        case '"' -> sb.append("&quot;");
        case '\'' -> sb.append("&#39;");
        default -> sb.append(ch);
      }
    }
    return sb.toString();
  }

  /** Maps values to [0, 1] and proposes tick values. */
  private record Axis(double min, double max, boolean log) {
    static Axis linear(double min, double max) {
      if (min == max) {
        double pad = min == 0 ? 1 : Math.abs(min) * 0.1;
        return new Axis(min - pad, max + pad, false);
      }
      double pad = (max - min) * 0.05;
      return new Axis(min - pad, max + pad, false);
    }

    static Axis log(double min, double max) {
      return new Axis(Math.log10(min) - 0.05, Math.log10(max) + 0.05, true);
    }

    double fraction(double v) {
      double t = log ? Math.log10(v) : v;
      return (t - min) / (max - min);
    }

    List<Double> ticks() {
      List<Double> out = new ArrayList<>();
      if (log) {
        for (int e = (int) Math.ceil(min); e <= Math.floor(max); e++) {
          out.add(Math.pow(10, e));
        }
        if (out.size() >= 2) {
          return out;
        }
        out.clear();
        // Less than two decades shown: fall through to linear ticks within the range.
        for (double t : new Axis(Math.pow(10, min), Math.pow(10, max), false).ticks()) {
          if (t > 0) {
            out.add(t);
          }
        }
        return out;
      }
      double span = max - min;
      double step = Math.pow(10, Math.floor(Math.log10(span / 5)));
      for (double m : new double[] {1, 2, 5, 10}) {
        if (span / (step * m) <= 6) {
          step *= m;
          break;
        }
      }
      for (double t = Math.ceil(min / step) * step; t <= max + step * 1e-9; t += step) {
        out.add(Math.abs(t) < step * 1e-9 ? 0.0 : t);
      }
      return out;
    }
  }

  private static final String CSS =
      """
      body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#222;margin:24px auto;max-width:980px;padding:0 16px}
      h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #ddd}h3{font-size:15px;margin:16px 0 4px}
      code{font:12px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
      .meta{color:#555}
      table{border-collapse:collapse;font-size:13px}th,td{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}
      th{background:#f4f4f4}tr.alias td{color:#666}td.tag code{font-weight:600}
      svg{display:block;background:#fff}rect.plot{fill:#fcfcfc;stroke:#bbb}
      line.grid{stroke:#e8e8e8}line.resume{stroke:#7a4;stroke-width:1.5;stroke-dasharray:5 4}
      path.series{fill:none;stroke-width:1.6}text.tick,text.axis{font-size:11px;fill:#555}
      ul.legend{list-style:none;padding:0;margin:4px 0 0 72px}ul.legend li{display:inline-block;margin-right:16px}
      .swatch{display:inline-block;width:14px;height:3px;vertical-align:middle;margin-right:4px}
      .resume-swatch{border-top:2px dashed #7a4;height:0}
      """;
}
