/**
 * Optimizers over DJL parameters whose complete state (moments, momentum buffers, step counts) is
 * exported and imported by parameter path, so a run resumed in another process continues bit for
 * bit. The maths follow PyTorch's {@code torch.optim} definitions; the updates run as DJL's fused
 * native operators, so they cost what DJL's own optimizers cost.
 *
 * <p>Kinds: {@code sgd} ({@link ai.noether.djl.optim.SgdOptimizer}), {@code adam} and {@code adamw}
 * ({@link ai.noether.djl.optim.AdamOptimizer}). Every kind shares the learning rate, weight decay,
 * gradient clipping and parameter-group keys ({@link ai.noether.djl.optim.ParameterGroups}). A new
 * optimizer extends {@link ai.noether.djl.optim.DjlOptimizer}, implementing its update rule on one
 * {@link ai.noether.djl.optim.ParameterSlot} at a time, and registers a {@link
 * ai.noether.djl.optim.DjlOptimizerFactory} subclass in {@code
 * META-INF/services/ai.noether.api.spi.OptimizerFactory}.
 *
 * <p>Inside: {@code ParameterSlots} builds the slots from the model and the groups; {@code
 * GradientClipping} clips before every update; {@code AccumulatedGradients} saves and restores
 * gradients between accumulated batches; {@code OptimizerStateExport} and {@code
 * OptimizerStateImport} write and load the state by parameter path, and {@code SavedParamGroups}
 * its {@code param_groups} entry.
 */
package ai.noether.djl.optim;
