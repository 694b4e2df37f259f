package ai.noether.djl.optim;

import ai.noether.api.model.ParameterGlob;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides the learning-rate factor and weight decay of every trainable parameter from an
 * optimizer's settings:
 *
 * <ol>
 *   <li>the first {@code param_groups} entry with a pattern matching the path supplies {@code lr}
 *       and {@code weight_decay} (each falling back to the optimizer's own when absent);
 *   <li>unmatched parameters use the optimizer's {@code lr} and {@code weight_decay};
 *   <li>then, whatever the group, a parameter matching a {@code no_weight_decay} pattern gets
 *       weight decay 0 (the usual exemption of biases and normalisation weights).
 * </ol>
 *
 * <p>A group's {@code lr} is a base rate like the optimizer's: the schedule's value for an update
 * is multiplied by {@code group lr / optimizer lr}, as PyTorch schedulers scale every group.
 */
public final class ParameterGroups {
  private static final Logger LOG = LoggerFactory.getLogger(ParameterGroups.class);

  /** The resolved settings of one parameter. */
  public record Assignment(String path, String group, double lrFactor, double weightDecay) {}

  private final Map<String, Assignment> assignments;

  private ParameterGroups(Map<String, Assignment> assignments) {
    this.assignments = assignments;
  }

  /**
   * Resolves the settings of each path.
   *
   * @param kind the optimizer kind, for messages
   * @throws IllegalArgumentException if a {@code param_groups} pattern matches no parameter,
   *     listing the parameter paths
   */
  public static ParameterGroups resolve(
      String kind, List<String> trainablePaths, OptimizerSettings settings) {
    List<List<ParameterGlob>> groupGlobs = new ArrayList<>();
    for (int i = 0; i < settings.paramGroups().size(); i++) {
      groupGlobs.add(
          globs(settings.paramGroups().get(i).params(), "param_groups[" + i + "].params"));
    }
    List<ParameterGlob> noDecay = globs(settings.noWeightDecay(), "no_weight_decay");
    for (int i = 0; i < groupGlobs.size(); i++) {
      for (ParameterGlob glob : groupGlobs.get(i)) {
        if (trainablePaths.stream().noneMatch(glob::matches)) {
          throw new IllegalArgumentException(
              kind
                  + " param_groups["
                  + i
                  + "] pattern '"
                  + glob
                  + "' matches no trainable parameter; parameters are "
                  + trainablePaths);
        }
      }
    }
    for (ParameterGlob glob : noDecay) {
      if (trainablePaths.stream().noneMatch(glob::matches)) {
        LOG.info("{} no_weight_decay pattern '{}' matches no parameter of this model", kind, glob);
      }
    }
    Map<String, Assignment> out = new LinkedHashMap<>();
    for (String path : trainablePaths) {
      double lr = settings.lr();
      double decay = settings.weightDecay();
      String group = "default";
      for (int i = 0; i < groupGlobs.size(); i++) {
        if (groupGlobs.get(i).stream().anyMatch(g -> g.matches(path))) {
          ParamGroupConfig g = settings.paramGroups().get(i);
          lr = g.lr() != null ? g.lr() : lr;
          decay = g.weightDecay() != null ? g.weightDecay() : decay;
          group = "param_groups[" + i + "]";
          break;
        }
      }
      if (noDecay.stream().anyMatch(g -> g.matches(path))) {
        decay = 0;
        group = group + "+no_weight_decay";
      }
      out.put(path, new Assignment(path, group, lr / settings.lr(), decay));
    }
    return new ParameterGroups(out);
  }

  /** The settings of a trainable parameter. */
  public Assignment of(String path) {
    Assignment a = assignments.get(path);
    if (a == null) {
      throw new IllegalArgumentException("'" + path + "' is not a trainable parameter");
    }
    return a;
  }

  /** All assignments in parameter order. */
  public List<Assignment> all() {
    return List.copyOf(assignments.values());
  }

  private static List<ParameterGlob> globs(List<String> patterns, String key) {
    List<ParameterGlob> out = new ArrayList<>();
    for (int i = 0; i < patterns.size(); i++) {
      out.add(ParameterGlob.parse(patterns.get(i), key + "[" + i + "]"));
    }
    return out;
  }
}
