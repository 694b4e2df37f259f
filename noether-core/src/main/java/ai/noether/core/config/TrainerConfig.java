package ai.noether.core.config;

import ai.noether.core.training.NonFiniteLossPolicy;
import ai.noether.core.training.TrainerSettings;
import java.util.List;
import java.util.Objects;

/**
 * The {@code trainer} block: how long and how to train, the training step, and the callbacks.
 *
 * <pre>{@code
 * trainer:
 *   kind: supervised          # the training step; default supervised
 *   max_epochs: 20            # exactly one of max_epochs, max_updates, max_samples
 *   batch_size: 32
 *   eval_every_n_epochs: 1    # optional; at most one eval_every_n_*
 *   log_every_n_updates: 50   # optional; at most one log_every_n_*
 *   non_finite_loss: error    # error (default): stop with an emergency checkpoint; ignore
 *   stop_timeout_seconds: 120 # how long a graceful stop after a signal may take
 *   max_failed_saves: 3       # consecutive failed checkpoint saves before training stops
 *   accumulate_grad_batches: 4 # batches whose mean gradient makes one update (default 1)
 *   loss: mse                 # other keys configure the training step
 *   callbacks:
 *     - kind: checkpoint
 *       every_n_epochs: 5
 *   loggers:                  # experiment loggers (docs/loggers.md)
 *     - kind: csv
 * }</pre>
 *
 * @param step kind and settings for the {@link ai.noether.api.spi.TrainingStepFactory}; its
 *     settings are the trainer keys the framework does not read itself; never null
 * @param settings limits, batch size and intervals for {@link ai.noether.core.training.Trainer};
 *     never null
 * @param callbacks blocks for {@link ai.noether.api.spi.CallbackFactory}s; callbacks run in this
 *     order; never null, possibly empty
 * @param nonFiniteLoss what a NaN or infinite loss does; never null
 * @param stopTimeoutSeconds how long the graceful stop after SIGTERM/SIGINT/SIGUSR1 may take before
 *     the process exits without an emergency checkpoint; positive
 * @param maxFailedSaves how many checkpoint saves in a row may fail (a full disk) before training
 *     stops with an emergency checkpoint attempt instead of going on unprotected; positive
 * @param loggers blocks for {@link ai.noether.api.spi.MetricLoggerFactory}s, in the order they
 *     receive metrics; never null, possibly empty
 */
public record TrainerConfig(
    ComponentBlock step,
    TrainerSettings settings,
    List<ComponentBlock> callbacks,
    NonFiniteLossPolicy nonFiniteLoss,
    long stopTimeoutSeconds,
    int maxFailedSaves,
    List<ComponentBlock> loggers) {
  public TrainerConfig {
    Objects.requireNonNull(step, "step");
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(nonFiniteLoss, "nonFiniteLoss");
    callbacks = List.copyOf(callbacks);
    if (maxFailedSaves <= 0) {
      throw new IllegalArgumentException(
          "max_failed_saves must be positive, was " + maxFailedSaves);
    }
    loggers = List.copyOf(loggers);
  }

  /** A trainer block with the default {@code max_failed_saves} and no loggers. */
  public TrainerConfig(
      ComponentBlock step,
      TrainerSettings settings,
      List<ComponentBlock> callbacks,
      NonFiniteLossPolicy nonFiniteLoss,
      long stopTimeoutSeconds) {
    this(
        step,
        settings,
        callbacks,
        nonFiniteLoss,
        stopTimeoutSeconds,
        RunConfigLoader.DEFAULT_MAX_FAILED_SAVES,
        List.of());
  }
}
