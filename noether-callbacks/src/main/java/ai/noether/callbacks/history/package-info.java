/**
 * {@code kind: history} ({@link ai.noether.callbacks.history.HistoryPlotCallback}): renders the
 * plots of a stage's metric history at the end of training and optionally every N epochs, updates,
 * samples or minutes, through the api's {@link ai.noether.api.logger.HistoryPlotter} (core draws
 * them as {@code noether plot} does, from the {@code history.jsonl} the trainer keeps in the stage
 * directory).
 */
package ai.noether.callbacks.history;
