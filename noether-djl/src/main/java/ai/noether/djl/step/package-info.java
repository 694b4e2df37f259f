/**
 * The supervised training step: gathers a batch of named fields of a {@link
 * ai.noether.api.data.FieldDataset} (a {@link ai.noether.api.data.TensorDataset}'s {@code features}
 * and {@code targets} by default), prefetching the next batches on a background thread, runs
 * forward, a loss per target and backward on a {@link ai.noether.djl.model.DjlModel}, and evaluates
 * splits with per-target losses and metrics.
 *
 * <p>To change the loss or the forward pass, subclass {@link ai.noether.djl.step.SupervisedStep}
 * and override {@code loss} or {@code forward}, then register a factory that extends {@link
 * ai.noether.djl.step.SupervisedStepFactory} and overrides {@code newStep}.
 *
 * <p>Inside: {@code StepBatchSources} opens the splits' {@code BatchSource}s and the {@code
 * Prefetcher}; {@code TrainingUpdate} runs one update; {@code SplitEvaluation} one pass over a
 * split; {@code TargetHeads} matches predictions to targets, {@code TargetLosses} computes their
 * losses and {@code TargetMetrics} holds their metrics; {@code BatchLossChecks} turns a failing
 * forward pass or loss into an error naming the model, the shapes and the loss.
 */
package ai.noether.djl.step;
