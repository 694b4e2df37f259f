package ai.noether.djl.optim;

import ai.noether.api.Nullable;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The configuration of the {@code sgd} optimizer.
 *
 * <pre>{@code
 * optimizer:
 *   kind: sgd
 *   lr: 0.1                # base learning rate (required)
 *   momentum: 0.9          # default 0
 *   dampening: 0.0         # default 0
 *   nesterov: true         # default false; needs momentum > 0 and dampening 0
 *   weight_decay: 1.0e-4   # L2 penalty added to the gradient; default 0
 *   clip_grad_norm: 1.0    # optional
 *   no_weight_decay: ["*.bias"]
 * }</pre>
 *
 * @param lr base learning rate; required, positive
 * @param momentum momentum factor in {@code [0, 1)}; null for 0
 * @param dampening dampening of the momentum in {@code [0, 1]}; null for 0
 * @param nesterov Nesterov momentum; null for false
 * @param weightDecay L2 penalty; null for 0
 * @param clipGradNorm maximum global gradient norm; null for none
 * @param clipGradValue maximum absolute gradient value; null for none
 * @param noWeightDecay globs of parameters exempt from weight decay; null for none
 * @param paramGroups groups with their own {@code lr} / {@code weight_decay}; null for none
 */
public record SgdConfig(
    @JsonProperty("lr") Double lr,
    @JsonProperty("momentum") Double momentum,
    @JsonProperty("dampening") Double dampening,
    @JsonProperty("nesterov") Boolean nesterov,
    @JsonProperty("weight_decay") @Nullable Double weightDecay,
    @JsonProperty("clip_grad_norm") @Nullable Double clipGradNorm,
    @JsonProperty("clip_grad_value") @Nullable Double clipGradValue,
    @JsonProperty("no_weight_decay") @Nullable List<String> noWeightDecay,
    @JsonProperty("param_groups") @Nullable List<ParamGroupConfig> paramGroups) {

  public SgdConfig {
    if (lr == null) {
      throw new IllegalArgumentException("optimizer lr is required (e.g. lr: 0.1)");
    }
    momentum = momentum == null ? 0.0 : momentum;
    dampening = dampening == null ? 0.0 : dampening;
    nesterov = nesterov != null && nesterov;
    if (!(momentum >= 0 && momentum < 1)) {
      throw new IllegalArgumentException("sgd momentum must be in [0, 1), was " + momentum);
    }
    if (!(dampening >= 0 && dampening <= 1)) {
      throw new IllegalArgumentException("sgd dampening must be in [0, 1], was " + dampening);
    }
    if (nesterov && (momentum == 0 || dampening != 0)) {
      throw new IllegalArgumentException(
          "sgd nesterov: true needs momentum > 0 and dampening 0 (momentum "
              + momentum
              + ", dampening "
              + dampening
              + ")");
    }
  }

  /** Plain SGD with a learning rate. */
  public static SgdConfig of(double lr) {
    return new SgdConfig(lr, 0.0, 0.0, false, null, null, null, null, null);
  }

  /** SGD with momentum. */
  public static SgdConfig withMomentum(double lr, double momentum, boolean nesterov) {
    return new SgdConfig(lr, momentum, 0.0, nesterov, null, null, null, null, null);
  }

  OptimizerSettings settings() {
    return new OptimizerSettings(
        lr,
        weightDecay == null ? 0 : weightDecay,
        clipGradNorm,
        clipGradValue,
        noWeightDecay == null ? List.of() : noWeightDecay,
        paramGroups == null ? List.of() : paramGroups);
  }
}
