/**
 * The {@code mlp} model kind: a multi-layer perceptron whose parameter paths match PyTorch's {@code
 * nn.Sequential} of the same layers, so PyTorch state dicts load into it and its checkpoints load
 * into PyTorch.
 */
package ai.noether.djl.model.mlp;
