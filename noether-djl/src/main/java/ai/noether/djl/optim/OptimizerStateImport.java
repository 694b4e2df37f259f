package ai.noether.djl.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.noether.api.ConfigException;
import ai.noether.api.checkpoint.CheckpointKeys;
import ai.noether.api.tensor.HostTensor;
import ai.noether.djl.tensor.HostTransfer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Loads a state written by {@link OptimizerStateExport} (or converted from PyTorch's layout by the
 * core) into an optimizer's slots: every problem is found before anything changes, the buffers are
 * copied to the device before the old ones are dropped, and parameters absent from the state start
 * fresh.
 */
final class OptimizerStateImport {
  private final String kind;
  private final ParameterSlots slots;
  private final List<String> bufferNames;
  private final boolean countsSteps;

  /**
   * @param bufferNames the buffers a parameter's state of this kind holds, in order
   * @param countsSteps whether the kind keeps a per-parameter {@code step}
   */
  OptimizerStateImport(
      String kind, ParameterSlots slots, List<String> bufferNames, boolean countsSteps) {
    this.kind = kind;
    this.slots = slots;
    this.bufferNames = List.copyOf(bufferNames);
    this.countsSteps = countsSteps;
  }

  /**
   * Replaces the state of every slot with {@code state}'s.
   *
   * @throws IllegalArgumentException if the state was written by another kind, names a parameter
   *     this optimizer does not train, or holds a buffer of the wrong shape, listing every problem;
   *     nothing is changed then
   * @throws ConfigException if its {@code param_groups} group the parameters otherwise than the
   *     configuration does; nothing is changed then
   */
  void load(Map<String, Object> state) {
    Object writtenBy = state.get(CheckpointKeys.OPTIMIZER_KIND);
    if (writtenBy != null && !kind.equals(writtenBy)) {
      throw new IllegalArgumentException(
          "optimizer state was written by '"
              + writtenBy
              + "' but this optimizer is '"
              + kind
              + "'; resume with the same optimizer kind, or start the optimizer fresh");
    }
    Object perParameterObject = state.get(CheckpointKeys.OPTIMIZER_STATE);
    if (!(perParameterObject instanceof Map<?, ?> perParameter)) {
      throw new IllegalArgumentException(
          "optimizer state has no '" + CheckpointKeys.OPTIMIZER_STATE + "' map");
    }
    // Validate everything first so that a bad state leaves the optimizer untouched.
    List<String> problems = new ArrayList<>();
    for (Map.Entry<?, ?> e : perParameter.entrySet()) {
      String path = String.valueOf(e.getKey());
      ParameterSlot slot = slots.get(path);
      if (slot == null) {
        problems.add("it has an entry for '" + path + "', which this model does not train");
      } else if (!(e.getValue() instanceof Map<?, ?> entry)) {
        problems.add("the entry of '" + path + "' is not a map");
      } else {
        validate(slot, entry, problems);
      }
    }
    if (!problems.isEmpty()) {
      throw slots.misfit("optimizer state does not fit", kind, problems);
    }
    SavedParamGroups.check(kind, state.get(CheckpointKeys.PARAM_GROUPS), slots.groups());
    replaceState(perParameter);
  }

  /** Copies the validated buffers to the device, then swaps them in with the step counts. */
  private void replaceState(Map<?, ?> perParameter) {
    try (NDScope scope = new NDScope()) {
      List<ParameterSlot> targets = new ArrayList<>();
      List<String> names = new ArrayList<>();
      List<HostTensor> hosts = new ArrayList<>();
      List<NDManager> managers = new ArrayList<>();
      for (ParameterSlot slot : slots.all()) {
        if (!(perParameter.get(slot.path()) instanceof Map<?, ?> entry)) {
          continue;
        }
        for (String name : bufferNames) {
          if (entry.get(name) instanceof HostTensor host) {
            targets.add(slot);
            names.add(name);
            hosts.add(host);
            managers.add(slot.weight().getManager());
          }
        }
      }
      // All copies first (on several threads): a failure there leaves the optimizer as it was.
      List<NDArray> arrays = HostTransfer.toNDArrays(hosts, managers);
      for (ParameterSlot slot : slots.all()) {
        slot.reset();
        if (countsSteps
            && perParameter.get(slot.path()) instanceof Map<?, ?> entry
            && entry.get(CheckpointKeys.STEP) instanceof Number step) {
          slot.restoreStep(step.longValue());
        }
      }
      for (int i = 0; i < arrays.size(); i++) {
        targets.get(i).putBuffer(names.get(i), arrays.get(i));
      }
      scope.suppressNotUsedWarning();
    }
  }

  private void validate(ParameterSlot slot, Map<?, ?> entry, List<String> problems) {
    if (countsSteps && !(entry.get(CheckpointKeys.STEP) instanceof Number)) {
      problems.add(
          "the entry of '" + slot.path() + "' has no step count ('" + CheckpointKeys.STEP + "')");
    }
    for (Object key : entry.keySet()) {
      if (!bufferNames.contains(String.valueOf(key))
          && !(countsSteps && CheckpointKeys.STEP.equals(key))) {
        problems.add(
            "the entry of '"
                + slot.path()
                + "' has an unknown key '"
                + key
                + "'; "
                + kind
                + " keeps "
                + (countsSteps ? CheckpointKeys.STEP + ", " : "")
                + String.join(", ", bufferNames));
      }
    }
    for (String name : bufferNames) {
      Object value = entry.get(name);
      if (value == null) {
        continue;
      }
      if (!(value instanceof HostTensor host)) {
        problems.add("'" + name + "' of '" + slot.path() + "' is not a tensor");
      } else if (!slot.fits(host)) {
        problems.add(
            "'"
                + name
                + "' of '"
                + slot.path()
                + "' is "
                + ParameterSlot.layout(host.dtype(), host.shape())
                + " but the parameter is "
                + slot.layout());
      }
    }
  }
}
