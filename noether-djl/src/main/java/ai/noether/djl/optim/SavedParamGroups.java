package ai.noether.djl.optim;

import ai.noether.api.ConfigException;
import ai.noether.api.Nullable;
import ai.noether.api.checkpoint.CheckpointKeys;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code param_groups} entry of an optimizer's state, as PyTorch writes it: one map per group
 * with its parameter paths ({@code params}), {@code lr}, {@code weight_decay} and the kind's
 * hyperparameters. It is written for a PyTorch user who rebuilds the groups to load the file, and
 * checked on resume; it is never loaded (hyperparameters come from the configuration).
 */
final class SavedParamGroups {
  private SavedParamGroups() {}

  /**
   * The groups of {@code groups} in order of their first parameter.
   *
   * @param lr the optimizer's base learning rate (a group's is this times its factor)
   * @param hyperparameters the kind's hyperparameters, written into every group
   */
  static List<Object> describe(
      ParameterGroups groups, double lr, Map<String, Object> hyperparameters) {
    Map<String, List<Object>> paramsByGroup = new LinkedHashMap<>();
    Map<String, Map<String, Object>> byGroup = new LinkedHashMap<>();
    for (ParameterGroups.Assignment a : groups.all()) {
      List<Object> params =
          paramsByGroup.computeIfAbsent(
              a.group(),
              name -> {
                List<Object> paths = new ArrayList<>();
                Map<String, Object> m = new LinkedHashMap<>();
                m.put(CheckpointKeys.PARAMS, paths);
                m.put(CheckpointKeys.LR, lr * a.lrFactor());
                m.put(CheckpointKeys.WEIGHT_DECAY, a.weightDecay());
                m.putAll(hyperparameters);
                byGroup.put(name, m);
                return paths;
              });
      params.add(a.path());
    }
    return new ArrayList<>(byGroup.values());
  }

  /**
   * Refuses saved groups that partition the parameters otherwise than the configuration: the
   * grouping is what a PyTorch user rebuilds to load the file, and a silent regrouping would change
   * which parameters decay or get which learning rate. Group order and hyper-parameters may differ.
   * A state without groups (written before groups were recorded) passes.
   *
   * @param kind the optimizer kind, for messages
   * @throws IllegalArgumentException if a saved group has no {@code params} list
   * @throws ConfigException if the partitions differ, showing both
   */
  static void check(String kind, @Nullable Object savedGroups, ParameterGroups groups) {
    if (!(savedGroups instanceof List<?> list)) {
      return;
    }
    Set<Set<String>> saved = new LinkedHashSet<>();
    List<String> savedText = new ArrayList<>();
    for (Object g : list) {
      if (!(g instanceof Map<?, ?> group)
          || !(group.get(CheckpointKeys.PARAMS) instanceof List<?> params)) {
        throw new IllegalArgumentException(
            "optimizer state: every param_groups entry needs a params list, found " + g);
      }
      Set<String> paths = new LinkedHashSet<>();
      params.forEach(p -> paths.add(String.valueOf(p)));
      if (!paths.isEmpty()) {
        saved.add(paths);
        savedText.add(paths.toString() + describeSettings(group));
      }
    }
    Map<String, Set<String>> configured = new LinkedHashMap<>();
    for (ParameterGroups.Assignment a : groups.all()) {
      configured.computeIfAbsent(a.group(), k -> new LinkedHashSet<>()).add(a.path());
    }
    if (!saved.equals(new LinkedHashSet<>(configured.values()))) {
      List<String> configuredText = new ArrayList<>();
      configured.forEach((name, paths) -> configuredText.add(name + " " + paths));
      throw new ConfigException(
          "the checkpoint's "
              + kind
              + " state groups the parameters otherwise than this"
              + " configuration's param_groups and no_weight_decay:\n  checkpoint: "
              + String.join("\n              ", savedText)
              + "\n  configured: "
              + String.join("\n              ", configuredText)
              + "\nConfigure the groups the checkpoint was trained with (their lr and weight_decay may change).");
    }
  }

  private static String describeSettings(Map<?, ?> group) {
    StringBuilder sb = new StringBuilder();
    for (String key : List.of(CheckpointKeys.LR, CheckpointKeys.WEIGHT_DECAY)) {
      if (group.get(key) != null) {
        sb.append(sb.length() == 0 ? " (" : ", ").append(key).append(' ').append(group.get(key));
      }
    }
    return sb.length() == 0 ? "" : sb.append(')').toString();
  }
}
