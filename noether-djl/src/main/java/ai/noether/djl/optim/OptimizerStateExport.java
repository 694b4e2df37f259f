package ai.noether.djl.optim;

import ai.noether.api.checkpoint.CheckpointKeys;
import ai.noether.djl.tensor.HostTransfer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes an optimizer's state in the layout {@link DjlOptimizer#state()} documents: the kind, the
 * per-parameter {@code step} and buffers by parameter path (parameters without state left out), and
 * the {@code param_groups}.
 */
final class OptimizerStateExport {
  private OptimizerStateExport() {}

  /**
   * The state of every slot that has one.
   *
   * @param countsSteps whether the kind keeps a per-parameter {@code step}
   * @param paramGroups the {@code param_groups} entry ({@link SavedParamGroups#describe})
   */
  static Map<String, Object> of(
      String kind, ParameterSlots slots, boolean countsSteps, Object paramGroups) {
    Map<String, Object> perParameter = new LinkedHashMap<>();
    for (ParameterSlot slot : slots.all()) {
      if (!slot.hasState()) {
        continue;
      }
      Map<String, Object> s = new LinkedHashMap<>();
      if (countsSteps) {
        s.put(CheckpointKeys.STEP, slot.step());
      }
      // Staged when the checkpoint writer takes a snapshot: the copy is written once and dropped.
      slot.buffers().forEach((name, array) -> s.put(name, HostTransfer.toStagedHost(array)));
      perParameter.put(slot.path(), s);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put(CheckpointKeys.OPTIMIZER_KIND, kind);
    out.put(CheckpointKeys.OPTIMIZER_STATE, perParameter);
    out.put(CheckpointKeys.PARAM_GROUPS, paramGroups);
    return out;
  }
}
