/**
 * NDArrays as {@link ai.noether.api.tensor.Tensor} handles ({@link
 * ai.noether.djl.tensor.DjlTensor}) and the copies between NDArrays and {@link
 * ai.noether.api.tensor.HostTensor} host memory ({@link ai.noether.djl.tensor.HostTransfer}), which
 * go from native memory to direct buffers without passing through the Java heap.
 */
package ai.noether.djl.tensor;
