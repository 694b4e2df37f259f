/**
 * Exponential moving averages of model weights ({@code kind: ema}): shadow copies updated natively
 * on the engine's device after each update, saved as extra model files ({@code
 * {model}_ema={factor}_cp={checkpoint}_model.th}) in every resumable checkpoint, restored exactly
 * on resume, and optionally evaluated.
 */
package ai.noether.callbacks.ema;
