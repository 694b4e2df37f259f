package ai.noether.callbacks.report;

import static ai.noether.callbacks.report.HtmlText.escape;
import static ai.noether.callbacks.report.ReportNumbers.size;

import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.checkpoint.StoredFile;
import java.util.List;

/**
 * The report's checkpoints: one row per committed checkpoint with its tag, iteration, files, size
 * and commit time, and the total size, in which aliases ({@code latest}, {@code last}) are not
 * counted since they share their files with an iteration's checkpoint.
 */
final class CheckpointTable {
  private CheckpointTable() {}

  static void appendTo(StringBuilder h, List<StoredCheckpoint> checkpoints) {
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
          .append(escape(cp.tag().token()))
          .append("</code></td><td><code>")
          .append(cp.iteration())
          .append("</code></td><td>");
      for (StoredFile f : cp.files()) {
        h.append("<code>")
            .append(escape(f.name().toString()))
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
          .append(escape(cp.committedAt().toString()))
          .append("</td></tr>\n");
    }
    h.append("</tbody>\n</table>\n<p class=\"meta\">")
        .append(size(total))
        .append(" in checkpoints (aliases such as <code>")
        .append(CheckpointTag.LATEST.token())
        .append("</code> share their files and are not counted twice).</p>\n");
  }
}
