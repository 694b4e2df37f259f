/**
 * Tensors as the framework sees them: {@link ai.noether.api.tensor.Tensor}, an engine-side handle
 * with the few in-place operations callbacks need, and {@link ai.noether.api.tensor.HostTensor},
 * host memory that checkpoints read and write without heap copies.
 */
package ai.noether.api.tensor;
