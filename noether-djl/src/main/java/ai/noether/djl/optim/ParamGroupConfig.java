package ai.noether.djl.optim;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * One entry of an optimizer's {@code param_groups}: the parameters it selects and the settings it
 * overrides. A parameter belongs to the first group whose pattern matches it; unmatched parameters
 * use the optimizer's own settings.
 *
 * <pre>{@code
 * param_groups:
 *   - params: ["layers.0.*"]   # globs over parameter paths; * also crosses dots
 *     lr: 1.0e-4               # this group's base learning rate (the schedule scales it too)
 *     weight_decay: 0.0
 * }</pre>
 *
 * @param params glob patterns over parameter paths; required, non-empty
 * @param lr the group's base learning rate; null to use the optimizer's {@code lr}
 * @param weightDecay the group's weight decay; null to use the optimizer's
 */
public record ParamGroupConfig(
    @JsonProperty("params") List<String> params,
    @JsonProperty("lr") Double lr,
    @JsonProperty("weight_decay") Double weightDecay) {

  public ParamGroupConfig {
    if (params == null || params.isEmpty()) {
      throw new IllegalArgumentException(
          "a param_groups entry needs params: a list of parameter path patterns");
    }
    params = List.copyOf(params);
    if (lr != null && !(lr >= 0 && Double.isFinite(lr))) {
      throw new IllegalArgumentException(
          "param_groups lr must be finite and non-negative, was " + lr);
    }
    if (weightDecay != null && !(weightDecay >= 0 && Double.isFinite(weightDecay))) {
      throw new IllegalArgumentException(
          "param_groups weight_decay must be finite and non-negative, was " + weightDecay);
    }
  }
}
