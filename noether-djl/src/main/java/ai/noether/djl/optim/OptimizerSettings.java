package ai.noether.djl.optim;

import ai.noether.api.Nullable;
import java.util.List;

/**
 * The settings every optimizer kind shares, validated.
 *
 * @param lr the base learning rate, positive
 * @param weightDecay default weight decay, non-negative
 * @param clipGradNorm maximum global L2 norm of all gradients; null for no norm clipping
 * @param clipGradValue maximum absolute gradient element; null for no value clipping
 * @param noWeightDecay patterns of parameters that never decay; never null
 * @param paramGroups groups with overrides, in matching order; never null
 */
public record OptimizerSettings(
    double lr,
    double weightDecay,
    @Nullable Double clipGradNorm,
    @Nullable Double clipGradValue,
    List<String> noWeightDecay,
    List<ParamGroupConfig> paramGroups) {

  public OptimizerSettings {
    if (!(lr > 0 && Double.isFinite(lr))) {
      throw new IllegalArgumentException("optimizer lr must be a positive number, was " + lr);
    }
    if (!(weightDecay >= 0 && Double.isFinite(weightDecay))) {
      throw new IllegalArgumentException(
          "optimizer weight_decay must be finite and non-negative, was " + weightDecay);
    }
    if (clipGradNorm != null && !(clipGradNorm > 0 && Double.isFinite(clipGradNorm))) {
      throw new IllegalArgumentException(
          "optimizer clip_grad_norm must be a positive number, was " + clipGradNorm);
    }
    if (clipGradValue != null && !(clipGradValue > 0 && Double.isFinite(clipGradValue))) {
      throw new IllegalArgumentException(
          "optimizer clip_grad_value must be a positive number, was " + clipGradValue);
    }
    noWeightDecay = noWeightDecay == null ? List.of() : List.copyOf(noWeightDecay);
    paramGroups = paramGroups == null ? List.of() : List.copyOf(paramGroups);
  }

  /** Settings with only a learning rate. */
  public static OptimizerSettings of(double lr) {
    return new OptimizerSettings(lr, 0, null, null, List.of(), List.of());
  }
}
