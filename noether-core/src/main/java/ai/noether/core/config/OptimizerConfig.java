package ai.noether.core.config;

import ai.noether.api.Nullable;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code optimizer} block: its kind with the optimizer's own settings, the base learning rate,
 * and the optional learning-rate schedule that scales it.
 *
 * <pre>{@code
 * optimizer:
 *   kind: adamw
 *   lr: 1.0e-3
 *   weight_decay: 0.01       # the optimizer's own config
 *   schedule:
 *     kind: warmup-cosine
 *     warmup_updates: 100
 * }</pre>
 *
 * @param block kind and settings for the {@link ai.noether.api.spi.OptimizerFactory}; never null
 * @param lr the base learning rate; positive
 * @param schedule the block for the {@link ai.noether.api.spi.LrScheduleFactory}, or null for a
 *     constant learning rate
 */
public record OptimizerConfig(ComponentBlock block, double lr, @Nullable ComponentBlock schedule) {
  public OptimizerConfig {
    Objects.requireNonNull(block, "block");
    if (!(lr > 0)) {
      throw new IllegalArgumentException("lr must be positive, was " + lr);
    }
  }

  /** The schedule block, if one is configured. */
  public Optional<ComponentBlock> optSchedule() {
    return Optional.ofNullable(schedule);
  }
}
