package ai.noether.djl.step;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.noether.djl.step.SupervisedStepConfig.TargetSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Matches the model's predictions to the step's targets: by the heads' names when the model names
 * its outputs ({@code NDArray.setName}), else by position. With the default single target, the
 * first prediction.
 */
final class TargetHeads {
  private final String modelName;
  private final boolean tensorFields;
  private final List<TargetSpec> targets;
  private final List<String> targetNames;

  /**
   * @param modelName the model's name, for messages
   * @param tensorFields true for the default {@code features} / {@code targets} fields
   * @param targets the targets in configuration order
   */
  TargetHeads(String modelName, boolean tensorFields, List<TargetSpec> targets) {
    this.modelName = modelName;
    this.tensorFields = tensorFields;
    this.targets = List.copyOf(targets);
    this.targetNames = this.targets.stream().map(TargetSpec::field).toList();
  }

  /**
   * The prediction target {@code index} is compared with.
   *
   * @throws IllegalArgumentException naming the heads there are and the one that is missing
   */
  NDArray prediction(NDList predictions, int index) {
    if (tensorFields) {
      return predictions.head();
    }
    TargetSpec target = targets.get(index);
    List<String> names = new ArrayList<>();
    for (NDArray p : predictions) {
      String name = p.getName();
      if (name != null && !name.isEmpty()) {
        names.add(name);
        if (name.equals(target.head())) {
          return p;
        }
      }
    }
    if (!names.isEmpty()) {
      throw new IllegalArgumentException(
          "model '"
              + modelName
              + "' returns heads named "
              + names
              + ", none named '"
              + target.head()
              + "' for target '"
              + target.field()
              + "'; set the target's head: to one of them");
    }
    if (index >= predictions.size()) {
      throw new IllegalArgumentException(
          "model '"
              + modelName
              + "' returns "
              + predictions.size()
              + " unnamed"
              + " prediction"
              + (predictions.size() == 1 ? "" : "s")
              + " for "
              + targets.size()
              + " targets "
              + targetNames
              + "; return one prediction per target in that order, or name the heads (NDArray.setName) and set head:");
    }
    return predictions.get(index);
  }
}
