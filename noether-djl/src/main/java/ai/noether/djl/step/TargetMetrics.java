package ai.noether.djl.step;

import ai.noether.api.metric.Direction;
import ai.noether.api.metric.Metric;
import ai.noether.djl.step.SupervisedStepConfig.TargetSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The metrics evaluated on each target, in target order, and the directions they report. */
final class TargetMetrics {
  private final List<List<Metric>> perTarget;

  /**
   * @param metrics the metrics by target field name; targets not in the map get none
   * @throws IllegalArgumentException if {@code metrics} names a field that is not a target
   */
  TargetMetrics(List<TargetSpec> targets, Map<String, List<Metric>> metrics) {
    List<List<Metric>> lists = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (TargetSpec t : targets) {
      lists.add(List.copyOf(metrics.getOrDefault(t.field(), List.of())));
      names.add(t.field());
    }
    for (String name : metrics.keySet()) {
      if (!names.contains(name)) {
        throw new IllegalArgumentException(
            "metrics are given for '"
                + name
                + "', which is not a target; the targets are "
                + names);
      }
    }
    this.perTarget = List.copyOf(lists);
  }

  /** The metrics of the target at {@code index}. */
  List<Metric> of(int index) {
    return perTarget.get(index);
  }

  /** A fresh accumulator for every metric, per target in target order. */
  List<List<Metric.Accumulator>> newAccumulators() {
    List<List<Metric.Accumulator>> accumulators = new ArrayList<>();
    for (List<Metric> list : perTarget) {
      accumulators.add(list.stream().map(Metric::newAccumulator).toList());
    }
    return accumulators;
  }

  /**
   * {@code loss} (lower is better), {@code accuracy} (higher is better) when asked for, then every
   * metric's direction.
   *
   * @throws IllegalArgumentException if two metrics of one name disagree on their direction
   */
  Map<String, Direction> directions(boolean withAccuracy) {
    Map<String, Direction> directions = new LinkedHashMap<>();
    directions.put("loss", Direction.LOWER_IS_BETTER);
    if (withAccuracy) {
      directions.put("accuracy", Direction.HIGHER_IS_BETTER);
    }
    for (List<Metric> list : perTarget) {
      for (Metric m : list) {
        Direction before = directions.putIfAbsent(m.name(), m.direction());
        if (before != null && before != m.direction()) {
          throw new IllegalArgumentException(
              "two metrics named '" + m.name() + "' disagree on their direction");
        }
      }
    }
    return directions;
  }
}
