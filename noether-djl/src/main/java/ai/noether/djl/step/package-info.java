/**
 * The supervised training step: gathers a batch of a {@link ai.noether.api.data.TensorDataset},
 * runs forward, loss and backward on a {@link ai.noether.djl.model.DjlModel}, and evaluates splits.
 *
 * <p>To change the loss or the forward pass, subclass {@link ai.noether.djl.step.SupervisedStep}
 * and override {@code loss} or {@code forward}, then register a factory that extends
 * {@link ai.noether.djl.step.SupervisedStepFactory} and overrides {@code newStep}.
 */
package ai.noether.djl.step;
