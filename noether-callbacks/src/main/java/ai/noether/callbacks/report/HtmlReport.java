package ai.noether.callbacks.report;

import static ai.noether.callbacks.report.HtmlText.escape;

import ai.noether.api.checkpoint.TrainingIteration;
import java.util.List;
import java.util.Map;

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
 *
 * <p>This class lays out the page and owns its style sheet; each section is drawn by its own class:
 * {@link SummaryTable}, {@link MetricChart} (grouped by {@link MetricGroups}, drawn by {@link
 * SvgPlot}), {@link CheckpointTable} and {@link LineageList}.
 */
public final class HtmlReport {
  private HtmlReport() {}

  /** The page. */
  public static String render(RunReport report) {
    StringBuilder h = new StringBuilder(16_384);
    String title = report.stage().runId() + " / " + report.stage().stageName();
    h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"generator\" content=\"noether\">\n<title>")
        .append(escape(title))
        .append(" — Noether run report</title>\n")
        .append("<style>\n")
        .append(CSS)
        .append("</style>\n</head>\n<body>\n");
    h.append("<h1>").append(escape(title)).append("</h1>\n");
    meta(h, report);
    SummaryTable.appendTo(h, report.events());
    h.append("<h2>Metrics</h2>\n");
    Map<String, List<String>> groups = MetricGroups.of(report.events());
    if (groups.isEmpty()) {
      h.append("<p>No metrics logged yet.</p>\n");
    }
    for (Map.Entry<String, List<String>> g : groups.entrySet()) {
      MetricChart.appendTo(h, g.getKey(), g.getValue(), report);
    }
    CheckpointTable.appendTo(h, report.checkpoints());
    LineageList.appendTo(h, report.resumes());
    h.append("</body>\n</html>\n");
    return h.toString();
  }

  /** The line under the title: run, stage, last iteration logged, resumes and checkpoints. */
  private static void meta(StringBuilder h, RunReport report) {
    TrainingIteration last =
        report.events().isEmpty()
            ? null
            : report.events().get(report.events().size() - 1).iteration();
    h.append("<p class=\"meta\">run <code>")
        .append(escape(report.stage().runId()))
        .append("</code>, stage <code>")
        .append(escape(report.stage().stageName()))
        .append("</code>; ")
        .append(last == null ? "no metrics logged yet" : "last logged at <code>" + last + "</code>")
        .append("; ")
        .append(report.resumes().size())
        .append(report.resumes().size() == 1 ? " resume" : " resumes")
        .append("; ")
        .append(report.checkpoints().size())
        .append(" checkpoint entries</p>\n");
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
