package ai.noether.djl.optim;

import ai.djl.nn.Parameter;
import ai.noether.api.Nullable;
import ai.noether.djl.model.DjlModel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@link ParameterSlot}s of an optimizer: one per trainable parameter of a {@link DjlModel}, in
 * the model's parameter order, each with the learning-rate factor and weight decay its parameter
 * group gives it.
 */
final class ParameterSlots {
  private final List<ParameterSlot> ordered = new ArrayList<>();
  private final Map<String, ParameterSlot> byPath = new LinkedHashMap<>();
  private final ParameterGroups groups;

  /**
   * Sets up slots for the parameters of {@code model} that require gradients.
   *
   * @param kind the optimizer kind, for messages
   * @throws IllegalArgumentException if a {@code param_groups} pattern matches nothing
   */
  ParameterSlots(String kind, DjlModel model, OptimizerSettings settings) {
    Map<String, Parameter> trainable = new LinkedHashMap<>();
    model
        .djlParameters()
        .forEach(
            (path, p) -> {
              if (p.requiresGradient()) {
                trainable.put(path, p);
              }
            });
    this.groups = ParameterGroups.resolve(kind, new ArrayList<>(trainable.keySet()), settings);
    trainable.forEach(
        (path, p) -> {
          ParameterGroups.Assignment a = groups.of(path);
          ParameterSlot slot = new ParameterSlot(path, p.getArray(), a.lrFactor(), a.weightDecay());
          ordered.add(slot);
          byPath.put(path, slot);
        });
  }

  /** Every slot, in the model's parameter order. */
  List<ParameterSlot> all() {
    return Collections.unmodifiableList(ordered);
  }

  /** The slot of a parameter, or null when the optimizer does not train it. */
  @Nullable
  ParameterSlot get(String path) {
    return byPath.get(path);
  }

  /** The paths of the trainable parameters, in order (messages list them). */
  Set<String> paths() {
    return Collections.unmodifiableSet(byPath.keySet());
  }

  /**
   * The error for saved values that do not fit these parameters, listing every problem and the
   * trainable parameters.
   *
   * @param what what does not fit, e.g. {@code "saved gradients do not fit"}
   */
  IllegalArgumentException misfit(String what, String kind, List<String> problems) {
    return new IllegalArgumentException(
        what
            + " this "
            + kind
            + " optimizer:\n  - "
            + String.join("\n  - ", problems)
            + "\ntrainable parameters: "
            + paths());
  }

  /** How each parameter was assigned its learning-rate factor and weight decay. */
  ParameterGroups groups() {
    return groups;
  }
}
