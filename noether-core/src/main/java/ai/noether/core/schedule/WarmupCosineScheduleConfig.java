package ai.noether.core.schedule;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

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
    @JsonPropertyDescription("warm-up length in updates (or warmup_fraction)")
        @JsonProperty(value = "warmup_updates")
        Long warmupUpdates,
    @JsonPropertyDescription(
            "warm-up length as a fraction of the run, in (0, 1) (or warmup_updates)")
        @JsonProperty(value = "warmup_fraction")
        Double warmupFraction,
    @JsonPropertyDescription("the fraction of lr the warm-up starts from")
        @JsonProperty(value = "start_factor", defaultValue = "0.0")
        Double startFactor,
    @JsonPropertyDescription("the absolute rate at the end (or end_factor)")
        @JsonProperty(value = "min_lr")
        Double minLr,
    @JsonPropertyDescription("the rate at the end as a fraction of lr (or min_lr)")
        @JsonProperty(value = "end_factor", defaultValue = "0.0")
        Double endFactor,
    @JsonPropertyDescription("warm-up plus decay length in updates")
        @JsonProperty(value = "total_updates", defaultValue = "the run's length")
        Long totalUpdates) {

  public WarmupCosineScheduleConfig {
    new Warmup(WarmupCosineScheduleFactory.KIND, warmupUpdates, warmupFraction, startFactor);
    new CosineDecay(WarmupCosineScheduleFactory.KIND, minLr, endFactor);
    CosineDecay.requirePositive(WarmupCosineScheduleFactory.KIND, "total_updates", totalUpdates);
    if (warmupUpdates != null && totalUpdates != null && warmupUpdates >= totalUpdates) {
      throw new IllegalArgumentException(
          "warmup-cosine warmup_updates ("
              + warmupUpdates
              + ") must be less than total_updates ("
              + totalUpdates
              + ")");
    }
  }
}
