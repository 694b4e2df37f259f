package ai.noether.core.schedule;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The {@code warmup-cosine} schedule: a linear warmup to the base rate, then cosine decay over the
 * rest of the run.
 *
 * <pre>{@code
 * schedule:
 *   kind: warmup-cosine
 *   warmup_updates: 500      # or warmup_fraction: 0.05; exactly one
 *   start_factor: 0.0        # default 0
 *   end_factor: 0.0          # or min_lr; default 0
 *   total_updates: 10000     # optional: length of warmup plus decay; default the run's length
 * }</pre>
 *
 * @param warmupUpdates warmup length in updates; null when {@code warmupFraction} is given
 * @param warmupFraction warmup length as a fraction of the total, in (0, 1)
 * @param startFactor the warmup's starting fraction of the base rate; null for 0
 * @param minLr absolute end rate; null when {@code endFactor} is used
 * @param endFactor end rate as a fraction of the base rate; null for 0
 * @param totalUpdates warmup plus decay length; null for the run's length
 */
public record WarmupCosineScheduleConfig(
    @JsonProperty("warmup_updates") Long warmupUpdates,
    @JsonProperty("warmup_fraction") Double warmupFraction,
    @JsonProperty("start_factor") Double startFactor,
    @JsonProperty("min_lr") Double minLr,
    @JsonProperty("end_factor") Double endFactor,
    @JsonProperty("total_updates") Long totalUpdates) {

  public WarmupCosineScheduleConfig {
    new Warmup(WarmupCosineScheduleFactory.KIND, warmupUpdates, warmupFraction, startFactor);
    new CosineDecay(WarmupCosineScheduleFactory.KIND, minLr, endFactor);
    CosineDecay.requirePositive(WarmupCosineScheduleFactory.KIND, "total_updates", totalUpdates);
    if (warmupUpdates != null && totalUpdates != null && warmupUpdates >= totalUpdates) {
      throw new IllegalArgumentException("warmup-cosine warmup_updates (" + warmupUpdates
          + ") must be less than total_updates (" + totalUpdates + ")");
    }
  }
}
