package ai.noether.djl.optim;

import ai.noether.api.Nullable;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The configuration of the {@code adam} and {@code adamw} optimizers.
 *
 * <pre>{@code
 * optimizer:
 *   kind: adamw
 *   lr: 1.0e-3                 # base learning rate; the schedule scales it (required)
 *   betas: [0.9, 0.999]        # moment decay rates (default)
 *   eps: 1.0e-8                # added to the denominator (default)
 *   weight_decay: 0.05         # default 0 for adam (L2), 0.01 for adamw (decoupled)
 *   clip_grad_norm: 1.0        # optional: maximum global L2 norm of the gradients
 *   clip_grad_value: 5.0       # optional: maximum absolute gradient element
 *   no_weight_decay: ["*.bias", "*norm*"]   # optional: globs of parameters that never decay
 *   param_groups:              # optional: first matching group wins
 *     - params: ["layers.0.*"]
 *       lr: 1.0e-4
 * }</pre>
 *
 * @param lr base learning rate; required, positive
 * @param betas the two moment decay rates, each in {@code [0, 1)}; null for {@code [0.9, 0.999]}
 * @param eps term added to the denominator; positive; null for {@code 1e-8}
 * @param weightDecay null for the kind's default
 * @param clipGradNorm maximum global gradient norm; null for none
 * @param clipGradValue maximum absolute gradient value; null for none
 * @param noWeightDecay globs of parameters exempt from weight decay; null for none
 * @param paramGroups groups with their own {@code lr} / {@code weight_decay}; null for none
 */
public record AdamConfig(
    @JsonProperty("lr") Double lr,
    @JsonProperty("betas") List<Double> betas,
    @JsonProperty("eps") Double eps,
    @JsonProperty("weight_decay") @Nullable Double weightDecay,
    @JsonProperty("clip_grad_norm") @Nullable Double clipGradNorm,
    @JsonProperty("clip_grad_value") @Nullable Double clipGradValue,
    @JsonProperty("no_weight_decay") @Nullable List<String> noWeightDecay,
    @JsonProperty("param_groups") @Nullable List<ParamGroupConfig> paramGroups) {

  public AdamConfig {
    if (lr == null) {
      throw new IllegalArgumentException("optimizer lr is required (e.g. lr: 1.0e-3)");
    }
    betas = betas == null ? DEFAULT_BETAS : List.copyOf(betas);
    if (betas.size() != 2 || betas.stream().anyMatch(b -> !(b >= 0 && b < 1))) {
      throw new IllegalArgumentException(
          "optimizer betas must be two numbers in [0, 1), was " + betas);
    }
    eps = eps == null ? DEFAULT_EPS : eps;
    if (!(eps > 0)) {
      throw new IllegalArgumentException("optimizer eps must be positive, was " + eps);
    }
  }

  private static final List<Double> DEFAULT_BETAS = List.of(0.9, 0.999);
  private static final double DEFAULT_EPS = 1e-8;

  /** A config with a learning rate and defaults for everything else. */
  public static AdamConfig of(double lr) {
    return new AdamConfig(lr, DEFAULT_BETAS, DEFAULT_EPS, null, null, null, null, null);
  }

  /** This config with another weight decay. */
  public AdamConfig withWeightDecay(double decay) {
    return new AdamConfig(
        lr, betas, eps, decay, clipGradNorm, clipGradValue, noWeightDecay, paramGroups);
  }

  /** The shared settings, with {@code defaultWeightDecay} when none is configured. */
  OptimizerSettings settings(double defaultWeightDecay) {
    return new OptimizerSettings(
        lr,
        weightDecay == null ? defaultWeightDecay : weightDecay,
        clipGradNorm,
        clipGradValue,
        noWeightDecay == null ? List.of() : noWeightDecay,
        paramGroups == null ? List.of() : paramGroups);
  }
}
