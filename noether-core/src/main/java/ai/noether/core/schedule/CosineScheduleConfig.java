package ai.noether.core.schedule;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The {@code cosine} schedule: half a cosine from the base rate to an end rate over the run.
 *
 * <pre>{@code
 * schedule:
 *   kind: cosine
 *   end_factor: 0.01         # end at 1% of the base rate; or min_lr: 1.0e-6 (absolute); default 0
 *   total_updates: 10000     # optional: decay length; default the run's total updates
 * }</pre>
 *
 * @param minLr the absolute end rate; null when {@code endFactor} is used
 * @param endFactor the end rate as a fraction of the base rate, in [0, 1]; null for 0
 * @param totalUpdates the decay length in updates; null for the run's length
 */
public record CosineScheduleConfig(
    @JsonProperty("min_lr") Double minLr,
    @JsonProperty("end_factor") Double endFactor,
    @JsonProperty("total_updates") Long totalUpdates) {

  public CosineScheduleConfig {
    new CosineDecay(CosineScheduleFactory.KIND, minLr, endFactor);
    CosineDecay.requirePositive(CosineScheduleFactory.KIND, "total_updates", totalUpdates);
  }
}
