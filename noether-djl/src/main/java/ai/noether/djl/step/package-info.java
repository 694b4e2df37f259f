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
 */
package ai.noether.djl.step;
