package ai.noether.callbacks.report;

import static ai.noether.callbacks.report.HtmlText.escape;

import ai.noether.api.logger.ResumePoint;
import java.util.List;

/** The report's lineage: the fresh start, then each resume with its iteration and source. */
final class LineageList {
  private LineageList() {}

  static void appendTo(StringBuilder h, List<ResumePoint> resumes) {
    h.append("<h2>Lineage</h2>\n<ol class=\"lineage\">\n<li>started fresh</li>\n");
    for (ResumePoint r : resumes) {
      h.append("<li>resumed at <code>")
          .append(r.iteration())
          .append("</code> from <code>")
          .append(escape(r.source()))
          .append("</code></li>\n");
    }
    h.append("</ol>\n");
  }
}
