package ai.noether.core.config;

import static ai.noether.core.config.ConfigKeys.*;

import ai.noether.api.ConfigException;
import ai.noether.api.Nullable;
import ai.noether.api.callback.Interval;
import ai.noether.core.training.NonFiniteLossPolicy;
import ai.noether.core.training.TrainerSettings;
import java.util.List;

/**
 * Reads the {@code trainer} block: how long to train (one of {@code max_*}), the batch size, the
 * evaluation and logging intervals, what a non-finite loss does, the stop timeout, the limits on
 * failed saves and accumulated batches, the training step's kind with its own keys, the callbacks
 * and the loggers. Every block is checked with the {@link BlockCheck} while it is read.
 */
final class TrainerSectionReader {
  /** The limits, in the order of {@link Interval.Unit}: epochs, updates, samples. */
  static final List<String> MAX_KEYS = List.of(MAX_EPOCHS, MAX_UPDATES, MAX_SAMPLES);

  static final List<String> EVAL_KEYS =
      List.of(EVAL_EVERY_N_EPOCHS, EVAL_EVERY_N_UPDATES, EVAL_EVERY_N_SAMPLES);
  static final List<String> LOG_KEYS =
      List.of(LOG_EVERY_N_EPOCHS, LOG_EVERY_N_UPDATES, LOG_EVERY_N_SAMPLES);

  private TrainerSectionReader() {}

  /**
   * The trainer, or null after recording in {@code errors} why it cannot be built; reads every part
   * even after a problem, so that all of them are reported at once.
   */
  @Nullable
  static TrainerConfig read(MapReader root, BlockCheck check, ConfigErrors errors) {
    MapReader t =
        errors.readOrNull(
            () ->
                root.requireChild(
                    TRAINER, "how long to train, e.g. trainer: {max_epochs: 10, batch_size: 32}"));
    if (t == null) {
      return null;
    }
    String max = errors.readOrNull(() -> requireLimitKey(t));
    Long limit = max == null ? null : errors.readOrNull(() -> t.positive(max));
    Integer batchSize = errors.readOrNull(() -> batchSize(t));
    Interval evaluation = errors.readOrNull(() -> interval(t, EVAL_KEYS));
    Interval logging = errors.readOrNull(() -> interval(t, LOG_KEYS));
    NonFiniteLossPolicy nonFinite = errors.read(() -> nonFiniteLoss(t), NonFiniteLossPolicy.ERROR);
    Long stopTimeout = errors.readOrNull(() -> t.positive(STOP_TIMEOUT_SECONDS));
    ComponentBlock step =
        errors.readOrNull(
            () -> t.asBlock(RunConfigLoader.DEFAULT_TRAINING_STEP_KIND, TRAINER_KEYS));
    check.recordProblems(BlockCheck.TRAINING_STEP, step, errors);
    List<ComponentBlock> callbacks = errors.read(() -> t.blocks(CALLBACKS, errors), List.of());
    callbacks.forEach(b -> check.recordProblems(BlockCheck.CALLBACK, b, errors));
    List<ComponentBlock> loggers = errors.read(() -> t.blocks(LOGGERS, errors), List.of());
    loggers.forEach(b -> check.recordProblems(BlockCheck.LOGGER, b, errors));
    Long maxFailedSaves = errors.readOrNull(() -> t.positive(MAX_FAILED_SAVES));
    if (maxFailedSaves != null && maxFailedSaves > Integer.MAX_VALUE) {
      errors.add(tooLarge(t, MAX_FAILED_SAVES, maxFailedSaves));
      return null;
    }
    Long accumulate = errors.readOrNull(() -> t.positive(ACCUMULATE_GRAD_BATCHES));
    if (accumulate != null && accumulate > Integer.MAX_VALUE) {
      errors.add(tooLarge(t, ACCUMULATE_GRAD_BATCHES, accumulate));
      return null;
    }
    if (max == null || limit == null || batchSize == null || step == null) {
      return null;
    }
    TrainerSettings settings;
    try {
      settings =
          new TrainerSettings(
              max.equals(MAX_EPOCHS) ? limit : 0,
              max.equals(MAX_UPDATES) ? limit : 0,
              max.equals(MAX_SAMPLES) ? limit : 0,
              batchSize,
              evaluation,
              logging == null ? RunConfigLoader.DEFAULT_LOGGING : logging,
              accumulate == null ? 1 : accumulate.intValue());
    } catch (IllegalArgumentException e) {
      errors.add(t.origins().error(t.path(), t.path() + ": " + e.getMessage()));
      return null;
    }
    return new TrainerConfig(
        step,
        settings,
        callbacks,
        nonFinite,
        stopTimeout == null ? RunConfigLoader.DEFAULT_STOP_TIMEOUT_SECONDS : stopTimeout,
        maxFailedSaves == null
            ? RunConfigLoader.DEFAULT_MAX_FAILED_SAVES
            : maxFailedSaves.intValue(),
        loggers);
  }

  /** The one {@code max_*} key that is set; none is a problem that lists them. */
  private static String requireLimitKey(MapReader t) {
    String max = t.oneOf(MAX_KEYS);
    if (max == null) {
      throw t.origins()
          .error(
              t.path(),
              t.path()
                  + ": missing how long to train; set one of max_epochs,"
                  + " max_updates or max_samples");
    }
    return max;
  }

  /** {@code batch_size}: required, positive, and at most an {@code int}. */
  private static int batchSize(MapReader t) {
    Long batchSize = t.positive(BATCH_SIZE);
    if (batchSize == null) {
      throw t.missing(BATCH_SIZE, "samples per update, e.g. batch_size: 32");
    }
    if (batchSize > Integer.MAX_VALUE) {
      throw tooLarge(t, BATCH_SIZE, batchSize);
    }
    return batchSize.intValue();
  }

  private static ConfigException tooLarge(MapReader t, String key, long value) {
    return t.invalid(key, "must be at most " + Integer.MAX_VALUE + ", was " + value);
  }

  private static NonFiniteLossPolicy nonFiniteLoss(MapReader t) {
    String value = t.string(NON_FINITE_LOSS, null);
    if (value == null) {
      return NonFiniteLossPolicy.ERROR;
    }
    for (NonFiniteLossPolicy p : NonFiniteLossPolicy.values()) {
      if (p.name().equalsIgnoreCase(value)) {
        return p;
      }
    }
    throw t.invalid(NON_FINITE_LOSS, "must be error or ignore, was '" + value + "'");
  }

  /**
   * The interval of the one key of {@code keys} (epochs, updates, samples, in this order) that is
   * set, or null when none is.
   */
  @Nullable
  static Interval interval(MapReader t, List<String> keys) {
    // oneOf rejects two keys set at once; the loop below then finds the only one.
    t.oneOf(keys);
    for (int i = 0; i < keys.size(); i++) {
      Long every = t.positive(keys.get(i));
      if (every != null) {
        return new Interval(Interval.Unit.values()[i], every);
      }
    }
    return null;
  }
}
