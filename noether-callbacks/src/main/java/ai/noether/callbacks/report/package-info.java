/**
 * The {@code html-report} experiment logger and {@code noether report}: one self-contained HTML
 * page per stage (inline SVG charts, no script, no network) with the metrics, the learning rate,
 * the checkpoints and the lineage of resumes.
 */
package ai.noether.callbacks.report;
