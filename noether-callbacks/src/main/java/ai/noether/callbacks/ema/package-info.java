/**
 * Exponential moving averages of model weights ({@code kind: ema}): shadow copies updated natively
 * on the engine's device after each update, saved as extra model files ({@code
 * {model}_ema={factor}_cp={checkpoint}_model.th}) in every resumable checkpoint, restored exactly
 * on resume, and optionally evaluated.
 *
 * <p>{@link ai.noether.callbacks.ema.EmaCallback} wires package-private pieces to the trainer's
 * hooks: the shadow tensors and their averaging step, the step schedule, the host copies reused
 * across saves, the evaluation of the EMA weights and the saved state.
 */
package ai.noether.callbacks.ema;
