package ai.noether.core.schedule;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The {@code linear-warmup} schedule: a linear warmup, then the base learning rate.
 *
 * <pre>{@code
 * schedule:
 *   kind: linear-warmup
 *   warmup_updates: 500      # or warmup_fraction: 0.05 (of the run's updates); exactly one
 *   start_factor: 0.0        # fraction of the base rate the warmup starts from (default 0)
 * }</pre>
 *
 * @param warmupUpdates warmup length in updates; null when {@code warmupFraction} is given
 * @param warmupFraction warmup length as a fraction of the run's updates, in (0, 1)
 * @param startFactor the warmup's starting fraction of the base rate, in [0, 1]; null for 0
 */
public record LinearWarmupScheduleConfig(
    @JsonProperty("warmup_updates") Long warmupUpdates,
    @JsonProperty("warmup_fraction") Double warmupFraction,
    @JsonProperty("start_factor") Double startFactor) {

  public LinearWarmupScheduleConfig {
    new Warmup(LinearWarmupScheduleFactory.KIND, warmupUpdates, warmupFraction, startFactor);
  }
}
