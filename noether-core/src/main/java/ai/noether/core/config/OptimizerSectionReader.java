package ai.noether.core.config;

import static ai.noether.core.config.ConfigKeys.*;

import ai.noether.api.Nullable;

/**
 * Reads the {@code optimizer} block: the base learning rate {@code lr}, the optimizer's kind with
 * its own keys, and the optional {@code schedule}, checking both blocks with the {@link BlockCheck}
 * while it reads.
 */
final class OptimizerSectionReader {
  private OptimizerSectionReader() {}

  /**
   * The optimizer, or null after recording in {@code errors} why it cannot be built; reads every
   * part even after a problem, so that all of them are reported at once.
   */
  @Nullable
  static OptimizerConfig read(MapReader root, BlockCheck check, ConfigErrors errors) {
    MapReader o =
        errors.readOrNull(
            () -> root.requireChild(OPTIMIZER, "e.g. optimizer: {kind: adamw, lr: 1.0e-3}"));
    if (o == null) {
      return null;
    }
    Double lr = errors.readOrNull(() -> learningRate(o));
    ComponentBlock block = errors.readOrNull(() -> o.asBlock(null, OPTIMIZER_KEYS));
    check.recordProblems(BlockCheck.OPTIMIZER, block, errors);
    ComponentBlock schedule = errors.readOrNull(() -> o.block(SCHEDULE, null));
    check.recordProblems(BlockCheck.SCHEDULE, schedule, errors);
    return lr == null || block == null ? null : new OptimizerConfig(block, lr, schedule);
  }

  /** {@code lr}: required, a finite positive number (NaN is none of these). */
  private static double learningRate(MapReader o) {
    Double lr = o.number(LR);
    if (lr == null) {
      throw o.missing(LR, "the base learning rate, e.g. lr: 1.0e-3");
    }
    if (!(lr > 0) || lr.isInfinite()) {
      throw o.invalid(LR, "must be a positive number, was " + lr);
    }
    return lr;
  }
}
