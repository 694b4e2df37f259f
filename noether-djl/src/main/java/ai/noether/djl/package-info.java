/**
 * The DJL engine of Noether: models, tensors, optimizers and the training step over DJL blocks and
 * NDArrays (PyTorch engine). Everything engine-specific lives in this module; the training loop,
 * checkpoints and callbacks in other modules see only the {@code noether-api} types.
 *
 * <ul>
 *   <li>{@link ai.noether.djl.device} maps the {@code device:} setting to a DJL device;
 *   <li>{@link ai.noether.djl.tensor} exposes NDArrays as api tensors and moves them to and from
 *       host memory;
 *   <li>{@link ai.noether.djl.model} wraps DJL blocks as models with PyTorch-style parameter paths;
 *   <li>{@link ai.noether.djl.optim} holds the optimizers with exportable state;
 *   <li>{@link ai.noether.djl.step} holds the supervised training step.
 * </ul>
 */
package ai.noether.djl;
