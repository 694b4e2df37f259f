/**
 * The {@code html-report} experiment logger and {@code noether report}: one self-contained HTML
 * page per stage (inline SVG charts, no script, no network) with the metrics, the learning rate,
 * the checkpoints and the lineage of resumes.
 *
 * <p>{@link ai.noether.callbacks.report.HtmlReport} lays out the page; each section has its own
 * package-private class (summary table, metric charts, checkpoint table, lineage), and {@code
 * HtmlText} and {@code ReportNumbers} own escaping and number formats. The page is pinned byte for
 * byte by {@code HtmlReportTest}.
 */
package ai.noether.callbacks.report;
