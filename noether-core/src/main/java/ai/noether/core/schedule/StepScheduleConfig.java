package ai.noether.core.schedule;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The {@code step} schedule: the rate is multiplied by {@code gamma} every {@code step_size}
 * updates.
 *
 * <pre>{@code
 * schedule:
 *   kind: step
 *   step_size: 1000   # updates between reductions (required)
 *   gamma: 0.1        # factor per reduction, in (0, 1] (default 0.1)
 * }</pre>
 *
 * @param stepSize updates between reductions; required, positive
 * @param gamma the factor applied at each reduction; null for 0.1
 */
public record StepScheduleConfig(
    @JsonProperty("step_size") Long stepSize, @JsonProperty("gamma") Double gamma) {

  public StepScheduleConfig {
    if (stepSize == null || stepSize <= 0) {
      throw new IllegalArgumentException(
          "step step_size must be a positive number of updates, was " + stepSize);
    }
    gamma = gamma == null ? 0.1 : gamma;
    if (!(gamma > 0 && gamma <= 1)) {
      throw new IllegalArgumentException("step gamma must be in (0, 1], was " + gamma);
    }
  }
}
