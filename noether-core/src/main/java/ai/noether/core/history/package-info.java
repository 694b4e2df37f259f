/**
 * The metric history of a stage: every logged value with the iteration it belongs to, kept in
 * memory, saved in every trainer checkpoint, and mirrored to {@code history.jsonl} in the stage
 * directory for plots and tools. On resume the file is rewritten from the checkpoint, so it never
 * holds values from updates the resumed run is about to repeat.
 *
 * <p>{@link ai.noether.core.history.MetricHistory} writes the file, {@link
 * ai.noether.core.history.HistoryFile} reads it (for plugins: the api's {@code HistoryReader},
 * {@link ai.noether.core.history.JsonlHistoryReader}), and {@link
 * ai.noether.core.history.HistoryPlots} draws it as PNG charts ({@code noether plot}; for plugins:
 * the api's {@code HistoryPlotter}, {@link ai.noether.core.history.PngHistoryPlotter}).
 */
package ai.noether.core.history;
