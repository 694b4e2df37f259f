package ai.noether.core.schedule;

import ai.noether.api.Nullable;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;

/**
 * The {@code reduce-on-plateau} schedule: multiplies the rate by {@code factor} when a validation
 * metric has not improved for more than {@code patience} evaluations, as PyTorch's {@code
 * ReduceLROnPlateau}.
 *
 * <pre>{@code
 * schedule:
 *   kind: reduce-on-plateau
 *   metric_key: loss/valid/total   # the evaluation metric to watch (default)
 *   mode: min                      # min: lower is better; max: higher is better (default: as the step declares)
 *   factor: 0.5                    # reduction factor, in (0, 1) (default 0.1)
 *   patience: 5                    # evaluations without improvement tolerated (default 10)
 *   threshold: 1.0e-4              # least change that counts as improvement (default 1e-4)
 *   threshold_mode: rel            # rel: relative to the best; abs: absolute (default rel)
 *   cooldown: 2                    # evaluations to wait after a reduction (default 0)
 *   min_lr: 1.0e-6                 # the rate never drops below this (default 0)
 *   warmup_fraction: 0.25          # optional: a linear warm-up first (or warmup_updates), during
 *                                  # which evaluations do not count towards a plateau
 * }</pre>
 *
 * @param metricKey the metric to watch; null for {@code loss/valid/total}
 * @param mode {@code min} or {@code max}; null for the direction the training step declares for the
 *     metric's name ({@code loss} is lower-is-better); a metric with neither is a configuration
 *     error
 * @param factor reduction factor in (0, 1); null for 0.1
 * @param patience evaluations without improvement before reducing; null for 10
 * @param threshold least significant improvement; null for 1e-4
 * @param thresholdMode {@code rel} or {@code abs}; null for {@code rel}
 * @param cooldown evaluations after a reduction during which bad evaluations are not counted
 * @param minLr lower bound of the rate; null for 0
 * @param warmupUpdates a linear warm-up of this many updates before plateaus count; null for none
 *     (or {@code warmupFraction})
 * @param warmupFraction the warm-up as a fraction of the run, in (0, 1); null for none
 * @param startFactor the warm-up's starting fraction of the base rate; null for 0
 */
public record ReduceOnPlateauScheduleConfig(
    @JsonProperty("metric_key") String metricKey,
    @JsonProperty("mode") @Nullable String mode,
    @JsonProperty("factor") Double factor,
    @JsonProperty("patience") Long patience,
    @JsonProperty("threshold") Double threshold,
    @JsonProperty("threshold_mode") String thresholdMode,
    @JsonProperty("cooldown") Long cooldown,
    @JsonProperty("min_lr") Double minLr,
    @JsonProperty("warmup_updates") @Nullable Long warmupUpdates,
    @JsonProperty("warmup_fraction") @Nullable Double warmupFraction,
    @JsonProperty("start_factor") @Nullable Double startFactor) {

  public ReduceOnPlateauScheduleConfig {
    metricKey = metricKey == null ? "loss/valid/total" : metricKey;
    mode = mode == null ? null : oneOf("mode", mode, "min", "max");
    thresholdMode =
        oneOf("threshold_mode", thresholdMode == null ? "rel" : thresholdMode, "rel", "abs");
    factor = factor == null ? 0.1 : factor;
    if (!(factor > 0 && factor < 1)) {
      throw new IllegalArgumentException(
          "reduce-on-plateau factor must be in (0, 1), was " + factor);
    }
    patience = nonNegative("patience", patience == null ? 10L : patience);
    cooldown = nonNegative("cooldown", cooldown == null ? 0L : cooldown);
    threshold = threshold == null ? 1e-4 : threshold;
    if (!(threshold >= 0)) {
      throw new IllegalArgumentException(
          "reduce-on-plateau threshold must be non-negative, was " + threshold);
    }
    if (startFactor != null && warmupUpdates == null && warmupFraction == null) {
      throw new IllegalArgumentException(
          "reduce-on-plateau start_factor is the warm-up's first fraction of the rate;"
              + " set warmup_updates or warmup_fraction too, or remove it");
    }
    minLr = minLr == null ? 0.0 : minLr;
    if (!(minLr >= 0)) {
      throw new IllegalArgumentException(
          "reduce-on-plateau min_lr must be non-negative, was " + minLr);
    }
  }

  /** Without a warm-up. */
  // The canonical constructor replaces a null of every defaulted component with its default (as
  // for a key missing from the YAML): NullAway cannot see that, so the nulls passed on are allowed.
  @SuppressWarnings("NullAway")
  public ReduceOnPlateauScheduleConfig(
      @Nullable String metricKey,
      @Nullable String mode,
      @Nullable Double factor,
      @Nullable Long patience,
      @Nullable Double threshold,
      @Nullable String thresholdMode,
      @Nullable Long cooldown,
      @Nullable Double minLr) {
    this(
        metricKey,
        mode,
        factor,
        patience,
        threshold,
        thresholdMode,
        cooldown,
        minLr,
        null,
        null,
        null);
  }

  /** Whether a warm-up comes first. */
  public boolean hasWarmup() {
    return warmupUpdates != null || warmupFraction != null;
  }

  /** Defaults watching {@code metricKey}. */
  // As above: null selects each component's default in the canonical constructor.
  @SuppressWarnings("NullAway")
  public static ReduceOnPlateauScheduleConfig watching(String metricKey) {
    return new ReduceOnPlateauScheduleConfig(metricKey, null, null, null, null, null, null, null);
  }

  private static String oneOf(String key, String value, String a, String b) {
    String v = value.strip().toLowerCase(Locale.ROOT);
    if (!v.equals(a) && !v.equals(b)) {
      throw new IllegalArgumentException(
          "reduce-on-plateau " + key + " must be " + a + " or " + b + ", was '" + value + "'");
    }
    return v;
  }

  private static Long nonNegative(String key, Long value) {
    if (value < 0) {
      throw new IllegalArgumentException(
          "reduce-on-plateau " + key + " must be non-negative, was " + value);
    }
    return value;
  }
}
