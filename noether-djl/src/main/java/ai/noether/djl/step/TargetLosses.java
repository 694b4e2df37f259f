package ai.noether.djl.step;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.noether.api.Nullable;
import ai.noether.djl.step.SupervisedStepConfig.TargetSpec;
import ai.noether.djl.tensor.ScalarTensors;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The step's built-in loss: each target's loss ({@link Losses}) on the prediction matched to it,
 * summed with the targets' weights.
 */
final class TargetLosses {
  /**
   * A batch's loss.
   *
   * @param total the weighted sum, a scalar
   * @param perTarget each target's unweighted loss by target field, in target order
   */
  record Breakdown(NDArray total, Map<String, NDArray> perTarget) {}

  private final List<TargetSpec> targets;
  private final double huberDelta;
  private @Nullable Map<String, NDArray> last;

  /**
   * @param targets the targets in configuration order; at least one
   * @param huberDelta the {@code huber} loss's delta
   */
  TargetLosses(List<TargetSpec> targets, double huberDelta) {
    this.targets = List.copyOf(targets);
    this.huberDelta = huberDelta;
  }

  /** The weighted sum of the targets' losses, and each of them. */
  Breakdown of(NDList predictions, NDList targetValues, TargetHeads heads) {
    Map<String, NDArray> perTarget = new LinkedHashMap<>();
    NDArray total = null;
    for (int i = 0; i < targets.size(); i++) {
      TargetSpec target = targets.get(i);
      NDArray value = builtIn(target.loss(), heads.prediction(predictions, i), targetValues.get(i));
      perTarget.put(target.field(), value);
      // A weight of 1 adds no operation, so one target computes exactly what the loss alone does.
      NDArray weighted =
          target.weight() == 1.0 ? value : value.mul(ScalarTensors.like(value, target.weight()));
      total = total == null ? weighted : total.add(weighted);
    }
    last = perTarget;
    // the configuration has at least one target
    return new Breakdown(Objects.requireNonNull(total, "no target"), perTarget);
  }

  /**
   * Each target's loss from the last call of {@link #of} since {@link #forget}; null when there was
   * none (a single default target, or a step that overrides the loss).
   */
  @Nullable
  Map<String, NDArray> last() {
    return last;
  }

  /** Forgets the last per-target losses, before a batch's loss is computed. */
  void forget() {
    last = null;
  }

  /** The mean loss of {@code kind} between predictions {@code p} and targets {@code t}. */
  NDArray builtIn(LossKind kind, NDArray p, NDArray t) {
    return switch (kind) {
      case MSE -> Losses.mse(p, t);
      case L1 -> Losses.l1(p, t);
      case HUBER -> Losses.huber(p, t, huberDelta);
      case SOFTMAX_CROSS_ENTROPY -> Losses.softmaxCrossEntropy(p, t);
      case SIGMOID_BCE -> Losses.sigmoidBce(p, t);
    };
  }

  /** The targets' losses as messages name them: {@code rul: mse, health: sigmoid-bce}. */
  String describe() {
    return targets.stream().map(t -> t.field() + ": " + t.loss()).collect(Collectors.joining(", "));
  }
}
