package ai.noether.api.metric;

import ai.noether.api.Nullable;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Which direction a component that selects by a metric (best checkpoints, early stopping, plateau
 * schedules) uses: the {@code mode: min|max} its configuration gives, otherwise what the training
 * step declares for the metric's name ({@link ai.noether.api.train.TrainingStep#metricDirections},
 * looked up by the first part of the key: {@code nasa_score} for {@code nasa_score/valid/rul}).
 * Nothing is guessed from the words of a key: a metric with neither is a configuration error.
 */
public final class MetricDirections {
  /** What a step declares when it declares nothing else: the loss is minimised. */
  public static final Map<String, Direction> DEFAULT = Map.of("loss", Direction.LOWER_IS_BETTER);

  private MetricDirections() {}

  /** The metric's name: the first part of its key ({@code rmse} for {@code rmse/valid/rul}). */
  public static String metricName(String metricKey) {
    int slash = metricKey.indexOf('/');
    return slash < 0 ? metricKey : metricKey.substring(0, slash);
  }

  /** The direction the step declares for the key's metric name, if it declares one. */
  public static Optional<Direction> declared(String metricKey, Map<String, Direction> declared) {
    return Optional.ofNullable(declared.get(metricName(metricKey)));
  }

  /**
   * The direction to use: {@code mode} when given, else the step's declaration.
   *
   * @param mode {@code min}, {@code max} or null
   * @param modeKey the YAML key of {@code mode}, for messages
   * @param metricKeyKey the YAML key that named the metric ({@code metric_key}), for messages
   * @throws IllegalArgumentException when {@code mode} is neither min nor max, or when it is absent
   *     and the step declares nothing for the metric; the message says how to fix it
   */
  public static Direction resolve(
      @Nullable String mode,
      String metricKey,
      Map<String, Direction> declared,
      String modeKey,
      String metricKeyKey) {
    if (mode != null) {
      return Direction.parse(mode, modeKey);
    }
    return declared(metricKey, declared)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    metricKeyKey + " " + undeclared(metricKey, declared, modeKey)));
  }

  /** The message for a metric whose direction nobody gave, starting with the quoted key. */
  public static String undeclared(
      String metricKey, Map<String, Direction> declared, String modeKey) {
    return "'"
        + metricKey
        + "': it is not known whether lower or higher is better for '"
        + metricName(metricKey)
        + "': the training step declares directions for "
        + describe(declared)
        + " only. Set "
        + modeKey
        + ": min (lower is better) or "
        + modeKey
        + ": max (higher is better), or watch a"
        + " metric the step reports";
  }

  /** {@code {accuracy: max, loss: min}}, sorted by name. */
  public static String describe(Map<String, Direction> declared) {
    return declared.isEmpty() ? "no metric" : new TreeMap<>(declared).toString().replace("=", ": ");
  }
}
