package ai.noether.djl.step;

import ai.noether.api.data.FieldDataset;
import ai.noether.api.data.TensorDataset;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Which fields of a {@link FieldDataset} a batch holds: the model's inputs and the targets, each
 * list in the order the step's configuration names them.
 *
 * @param inputs field names fed to the model, in order; never empty
 * @param targets field names the losses compare with, in order; never empty
 */
record BatchFields(List<String> inputs, List<String> targets) {
  /** A {@link TensorDataset}'s two fields, the supervised step's default. */
  static final BatchFields TENSORS =
      new BatchFields(List.of(TensorDataset.FEATURES), List.of(TensorDataset.TARGETS));

  BatchFields {
    inputs = List.copyOf(inputs);
    targets = List.copyOf(targets);
    if (inputs.isEmpty() || targets.isEmpty()) {
      throw new IllegalArgumentException("a batch needs at least one input and one target field");
    }
  }

  /** Inputs, then targets. */
  List<String> all() {
    List<String> all = new ArrayList<>(inputs);
    all.addAll(targets);
    return all;
  }

  /**
   * Fails unless {@code split} has every field.
   *
   * @throws IllegalArgumentException naming the split, the missing field, its role and the fields
   *     there are
   */
  void requireIn(FieldDataset split, String splitName) {
    for (String name : all()) {
      try {
        split.field(name);
      } catch (NoSuchElementException e) {
        throw new IllegalArgumentException(
            "the "
                + splitName
                + " split has no field '"
                + name
                + "' (a training step "
                + (inputs.contains(name) ? "input" : "target")
                + "); its fields are "
                + String.join(", ", split.fields().stream().map(f -> f.name()).toList()),
            e);
      }
    }
  }
}
