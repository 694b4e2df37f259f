/**
 * The metric history of a stage: every logged value with the iteration it belongs to, kept in
 * memory, saved in every trainer checkpoint, and mirrored to {@code history.jsonl} in the stage
 * directory for plots and tools. On resume the file is rewritten from the checkpoint, so it never
 * holds values from updates the resumed run is about to repeat.
 */
package ai.noether.core.history;
