package ai.noether.callbacks.metric;

import ai.noether.api.metric.Direction;
import ai.noether.api.metric.MetricDirections;
import ai.noether.api.spi.ComponentContext;
import ai.noether.api.train.TrainingStep;
import java.util.Map;

/** Where the callbacks' factories find the directions the run's training step declares. */
public final class Directions {
  private Directions() {}

  /**
   * The run's training step's {@link TrainingStep#metricDirections}; {@link
   * MetricDirections#DEFAULT} (the loss is minimised) when the context has no step, as when a
   * callback is built on its own.
   */
  public static Map<String, Direction> declaredBy(ComponentContext context) {
    return context
        .find(TrainingStep.class)
        .map(TrainingStep::metricDirections)
        .orElse(MetricDirections.DEFAULT);
  }
}
