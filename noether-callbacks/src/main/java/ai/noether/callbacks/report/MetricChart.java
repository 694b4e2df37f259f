package ai.noether.callbacks.report;

import static ai.noether.callbacks.report.HtmlText.escape;

import ai.noether.api.logger.ResumePoint;
import java.util.List;

/**
 * One chart section of the report: a metric group's title, its {@link SvgPlot} against the update
 * counter and a legend. The value axis is logarithmic when every value is positive and they span
 * more than two decades; the update axis also covers the resumes, which the plot marks.
 */
final class MetricChart {
  private MetricChart() {}

  static void appendTo(StringBuilder h, String title, List<String> keys, RunReport report) {
    ChartSeries series = ChartSeries.of(keys, report.events());
    h.append("<section class=\"chart\" data-group=\"")
        .append(escape(title))
        .append("\">\n<h3>")
        .append(escape(title))
        .append("</h3>\n");
    if (series.isEmpty()) {
      h.append("<p>No finite values.</p>\n</section>\n");
      return;
    }
    boolean log = series.allPositive() && series.maxY() / series.minY() > 100;
    double minX = series.minX();
    double maxX = series.maxX();
    for (ResumePoint r : report.resumes()) {
      minX = Math.min(minX, r.iteration().update());
      maxX = Math.max(maxX, r.iteration().update());
    }
    ChartAxis x = ChartAxis.linear(minX, maxX);
    ChartAxis y =
        log
            ? ChartAxis.log(series.minY(), series.maxY())
            : ChartAxis.linear(series.minY(), series.maxY());
    new SvgPlot(x, y).appendTo(h, title, series, report.resumes());
    legend(h, series, !report.resumes().isEmpty());
  }

  private static void legend(StringBuilder h, ChartSeries series, boolean resumes) {
    h.append("<ul class=\"legend\">");
    List<String> keys = series.keys();
    for (int i = 0; i < keys.size(); i++) {
      h.append("<li><span class=\"swatch\" style=\"background:")
          .append(SvgPlot.color(i))
          .append("\"></span><code>")
          .append(escape(keys.get(i)))
          .append("</code> (")
          .append(series.points().get(i).size())
          .append(" points)</li>");
    }
    if (resumes) {
      h.append("<li><span class=\"swatch resume-swatch\"></span>resume</li>");
    }
    h.append("</ul>\n</section>\n");
  }
}
