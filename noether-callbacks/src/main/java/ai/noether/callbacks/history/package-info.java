/**
 * Plots of a stage's metric history: {@link ai.noether.core.history.HistoryFile} (core's one reader
 * of it) reads the {@code history.jsonl} the trainer keeps in the stage directory,
 * {@link ai.noether.callbacks.history.HistoryPlots} renders it as PNG charts (headless), and
 * {@code kind: history} ({@link ai.noether.callbacks.history.HistoryPlotCallback}) renders them at
 * the end of training and optionally every N epochs, updates, samples or minutes.
 */
package ai.noether.callbacks.history;
