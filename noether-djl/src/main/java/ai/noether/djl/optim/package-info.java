/**
 * Optimizers over DJL parameters whose complete state (moments, momentum buffers, step counts) is
 * exported and imported by parameter path, so a run resumed in another process continues bit for
 * bit. The maths follow PyTorch's {@code torch.optim} definitions; the updates run as DJL's fused
 * native operators, so they cost what DJL's own optimizers cost.
 *
 * <p>Kinds: {@code sgd} ({@link ai.noether.djl.optim.SgdOptimizer}), {@code adam} and {@code adamw}
 * ({@link ai.noether.djl.optim.AdamOptimizer}). Every kind shares the learning rate, weight decay,
 * gradient clipping and parameter-group keys ({@link ai.noether.djl.optim.ParameterGroups}). A new
 * optimizer extends {@link ai.noether.djl.optim.DjlOptimizer} and registers a factory in {@code
 * META-INF/services/ai.noether.api.spi.OptimizerFactory}.
 */
package ai.noether.djl.optim;
