package ai.noether.djl.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.noether.api.checkpoint.CheckpointKeys;
import ai.noether.api.model.Model;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adam ({@code adam}) and AdamW ({@code adamw}) as PyTorch's {@code torch.optim.Adam} and {@code
 * torch.optim.AdamW} define them (without amsgrad). For each parameter {@code p} with gradient
 * {@code g} at its update number {@code t} (from 1) and learning rate {@code lr}:
 *
 * <pre>
 * adam:  g = g + weight_decay * p                       (L2 penalty in the gradient)
 * adamw: p = p * (1 - lr * weight_decay)                (decoupled decay, before the step)
 * m = beta1 * m + (1 - beta1) * g
 * v = beta2 * v + (1 - beta2) * g * g
 * p = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 * </pre>
 *
 * <p>The update is one call of DJL's fused native Adam operator per parameter (the operator DJL's
 * own {@code Adam} uses), with the bias corrections folded into its learning rate and epsilon so
 * that the result is PyTorch's formula above rather than DJL's (which adds {@code eps} before the
 * bias correction). AdamW's decay is one more in-place multiplication, {@code p *= 1 - lr * wd},
 * exactly as PyTorch writes it.
 *
 * <p>State per parameter: {@code step} (Long), {@code exp_avg} ({@code m}) and {@code exp_avg_sq}
 * ({@code v}), as in PyTorch.
 */
public final class AdamOptimizer extends DjlOptimizer {
  private static final List<String> BUFFERS =
      List.of(CheckpointKeys.EXP_AVG, CheckpointKeys.EXP_AVG_SQ);

  private final double beta1;
  private final double beta2;
  private final double eps;
  private final boolean decoupled;

  /**
   * Creates an Adam optimizer for the trainable parameters of {@code model}.
   *
   * @param decoupled true for AdamW (decoupled weight decay), false for Adam (L2 penalty)
   */
  public AdamOptimizer(
      String kind,
      Model model,
      OptimizerSettings settings,
      double beta1,
      double beta2,
      double eps,
      boolean decoupled) {
    super(kind, model, settings);
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    this.decoupled = decoupled;
  }

  /** An {@code adam} optimizer (L2 weight decay, default 0). */
  public static AdamOptimizer adam(Model model, AdamConfig config) {
    return new AdamOptimizer(
        AdamOptimizerFactory.KIND,
        model,
        config.settings(0.0),
        config.betas().get(0),
        config.betas().get(1),
        config.eps(),
        false);
  }

  /** An {@code adamw} optimizer (decoupled weight decay, default 0.01). */
  public static AdamOptimizer adamW(Model model, AdamConfig config) {
    return new AdamOptimizer(
        AdamWOptimizerFactory.KIND,
        model,
        config.settings(0.01),
        config.betas().get(0),
        config.betas().get(1),
        config.eps(),
        true);
  }

  @Override
  protected void update(
      ParameterSlot slot, NDArray gradient, float gradientScale, double learningRate) {
    NDArray weight = slot.weight();
    NDArray m = slot.bufferOrZeros(CheckpointKeys.EXP_AVG);
    NDArray v = slot.bufferOrZeros(CheckpointKeys.EXP_AVG_SQ);
    long t = slot.incrementStep();
    double biasCorrection1 = 1 - Math.pow(beta1, t);
    double biasCorrection2Sqrt = Math.sqrt(1 - Math.pow(beta2, t));
    // The fused operator computes p -= lrBc * m / (sqrt(v) + epsBc); multiplying PyTorch's
    // denominator through by sqrt(1 - beta2^t) gives these two values.
    float lrBc = (float) (learningRate / biasCorrection1 * biasCorrection2Sqrt);
    float epsBc = (float) (eps * biasCorrection2Sqrt);
    float decay = (float) slot.weightDecay();
    if (decoupled && decay != 0) {
      // PyTorch's AdamW step, in place: cheaper than the fused operator's own AdamW branch, which
      // allocates two temporaries the size of the weight.
      weight.muli((float) (1 - learningRate * slot.weightDecay()));
      decay = 0;
    }
    // Clip value -1 switches the operator's own (one-sided) clipping off; clipping happened before.
    weight
        .getNDArrayInternal()
        .adamUpdate(
            new NDList(weight, gradient, m, v),
            new NDList(weight),
            (float) learningRate,
            lrBc,
            decay,
            gradientScale,
            -1f,
            (float) beta1,
            (float) beta2,
            epsBc,
            false,
            false);
  }

  @Override
  protected List<String> bufferNames() {
    return BUFFERS;
  }

  @Override
  protected boolean countsSteps() {
    return true;
  }

  @Override
  protected Map<String, Object> hyperparameters() {
    Map<String, Object> h = new LinkedHashMap<>();
    h.put("betas", List.of(beta1, beta2));
    h.put("eps", eps);
    h.put("decoupled_weight_decay", decoupled);
    return h;
  }
}
