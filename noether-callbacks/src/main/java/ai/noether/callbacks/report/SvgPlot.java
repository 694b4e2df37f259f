package ai.noether.callbacks.report;

import static ai.noether.callbacks.report.HtmlText.escape;
import static ai.noether.callbacks.report.ReportNumbers.coordinate;

import ai.noether.api.logger.ResumePoint;
import java.util.List;

/**
 * The inline SVG of one chart: the plot area, grid lines with tick labels, the update axis' label,
 * a dashed vertical line per resume, and per series one {@code <path class="series" data-key=...
 * data-points=N>}, plus a dot per point when the series is sparse. Coordinates have two decimals.
 */
final class SvgPlot {
  private static final int WIDTH = 720;
  private static final int HEIGHT = 280;
  private static final int LEFT = 72;
  private static final int RIGHT = 16;
  private static final int TOP = 16;
  private static final int BOTTOM = 40;
  private static final int PLOT_WIDTH = WIDTH - LEFT - RIGHT;
  private static final int PLOT_HEIGHT = HEIGHT - TOP - BOTTOM;

  /** Sparse series (an evaluation per epoch) get a dot per point: a single point draws no line. */
  private static final int MAX_POINTS_WITH_DOTS = 60;

  private static final String[] COLORS = {
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"
  };

  private final ChartAxis x;
  private final ChartAxis y;

  /**
   * @param x the update axis
   * @param y the value axis
   */
  SvgPlot(ChartAxis x, ChartAxis y) {
    this.x = x;
    this.y = y;
  }

  /** The color of the {@code i}-th series of a chart, shared by its line and its legend entry. */
  static String color(int i) {
    return COLORS[i % COLORS.length];
  }

  void appendTo(StringBuilder h, String title, ChartSeries series, List<ResumePoint> resumes) {
    h.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"")
        .append(WIDTH)
        .append("\" height=\"")
        .append(HEIGHT)
        .append("\" viewBox=\"0 0 ")
        .append(WIDTH)
        .append(' ')
        .append(HEIGHT)
        .append("\" role=\"img\" aria-label=\"")
        .append(escape(title))
        .append(" by update")
        .append(y.log() ? " (log scale)" : "")
        .append("\">\n");
    h.append("<rect class=\"plot\" x=\"")
        .append(LEFT)
        .append("\" y=\"")
        .append(TOP)
        .append("\" width=\"")
        .append(PLOT_WIDTH)
        .append("\" height=\"")
        .append(PLOT_HEIGHT)
        .append("\"/>\n");
    grid(h);
    for (ResumePoint r : resumes) {
      verticalLine(h, "resume", px(r.iteration().update()))
          .append("><title>resumed at ")
          .append(r.iteration())
          .append(" from ")
          .append(escape(r.source()))
          .append("</title></line>\n");
    }
    for (int i = 0; i < series.keys().size(); i++) {
      line(h, series.keys().get(i), series.points().get(i), color(i));
    }
    h.append("</svg>\n");
  }

  /** Horizontal grid lines at the value ticks, vertical ones at the update ticks, and labels. */
  private void grid(StringBuilder h) {
    for (double t : y.ticks()) {
      double py = py(t);
      h.append("<line class=\"grid\" x1=\"")
          .append(LEFT)
          .append("\" x2=\"")
          .append(LEFT + PLOT_WIDTH)
          .append("\" y1=\"")
          .append(coordinate(py))
          .append("\" y2=\"")
          .append(coordinate(py))
          .append("\"/>")
          .append("<text class=\"tick\" x=\"")
          .append(LEFT - 6)
          .append("\" y=\"")
          .append(coordinate(py + 4))
          .append("\" text-anchor=\"end\">")
          .append(y.log() ? ReportNumbers.logTick(t) : ReportNumbers.tick(t))
          .append("</text>\n");
    }
    for (double t : x.ticks()) {
      double px = px(t);
      verticalLine(h, "grid", px)
          .append("/>")
          .append("<text class=\"tick\" x=\"")
          .append(coordinate(px))
          .append("\" y=\"")
          .append(TOP + PLOT_HEIGHT + 16)
          .append("\" text-anchor=\"middle\">")
          .append(ReportNumbers.tick(t))
          .append("</text>\n");
    }
    h.append("<text class=\"axis\" x=\"")
        .append(LEFT + PLOT_WIDTH / 2)
        .append("\" y=\"")
        .append(HEIGHT - 6)
        .append("\" text-anchor=\"middle\">update</text>\n");
  }

  private void line(StringBuilder h, String key, List<double[]> points, String color) {
    StringBuilder d = new StringBuilder();
    for (double[] p : points) {
      d.append(d.length() == 0 ? "M" : " L")
          .append(coordinate(px(p[0])))
          .append(',')
          .append(coordinate(py(p[1])));
    }
    h.append("<path class=\"series\" data-key=\"")
        .append(escape(key))
        .append("\" data-points=\"")
        .append(points.size())
        .append("\" stroke=\"")
        .append(color)
        .append("\" d=\"")
        .append(d)
        .append("\"/>\n");
    if (points.size() <= MAX_POINTS_WITH_DOTS) {
      for (double[] p : points) {
        h.append("<circle class=\"point\" fill=\"")
            .append(color)
            .append("\" r=\"2.5\" cx=\"")
            .append(coordinate(px(p[0])))
            .append("\" cy=\"")
            .append(coordinate(py(p[1])))
            .append("\"/>");
      }
      h.append('\n');
    }
  }

  /** A {@code <line>} of {@code cssClass} across the plot's height at {@code px}, left open. */
  private static StringBuilder verticalLine(StringBuilder h, String cssClass, double px) {
    return h.append("<line class=\"")
        .append(cssClass)
        .append("\" x1=\"")
        .append(coordinate(px))
        .append("\" x2=\"")
        .append(coordinate(px))
        .append("\" y1=\"")
        .append(TOP)
        .append("\" y2=\"")
        .append(TOP + PLOT_HEIGHT)
        .append('"');
  }

  /** The horizontal pixel of an update. */
  private double px(double update) {
    return LEFT + x.fraction(update) * PLOT_WIDTH;
  }

  /** The vertical pixel of a value (SVG's y grows downwards). */
  private double py(double value) {
    return TOP + PLOT_HEIGHT - y.fraction(value) * PLOT_HEIGHT;
  }
}
