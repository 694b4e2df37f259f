/**
 * Ending training early: {@code kind: early-stopping} when a metric stopped improving, {@code kind:
 * fixed-stop} at a given epoch, update or sample. Both ask the trainer to stop through {@link
 * ai.noether.api.callback.TrainingContext#requestStop}; the trainer then finishes normally and
 * writes its final checkpoint ({@code last}).
 */
package ai.noether.callbacks.stopping;
