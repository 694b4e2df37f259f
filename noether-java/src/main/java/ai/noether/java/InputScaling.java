package ai.noether.java;

import ai.noether.api.ConfigException;
import ai.noether.api.Nullable;
import ai.noether.api.checkpoint.CheckpointKeys;
import ai.noether.api.data.DataSource;
import ai.noether.api.tensor.HostTensor;
import ai.noether.core.config.ConfigKeys;
import ai.noether.core.config.ScalerConfig;
import ai.noether.core.data.ScaledDataSource;
import ai.noether.core.data.Scaler;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How inference prepares inputs as training did: the scaler rebuilt from the {@code scaler_params}
 * a model file saved (never refitted on the data at hand), and the fields the model takes from the
 * training step's {@code inputs:}.
 */
final class InputScaling {
  /**
   * The field an in-memory {@code TensorDataset} feeds the model, and the default without {@code
   * inputs:}.
   */
  static final String DEFAULT_INPUT = "features";

  private InputScaling() {}

  /** The scaler of a model file's extras; null when it has none. */
  static @Nullable Scaler scalerOf(Map<String, Object> extras, String source) {
    Object params = extras.get(CheckpointKeys.SCALER_PARAMS);
    if (params == null) {
      return null;
    }
    try {
      return Scaler.fromParams(params);
    } catch (IllegalArgumentException | ClassCastException e) {
      throw new ConfigException(
          source + ": its " + CheckpointKeys.SCALER_PARAMS + " cannot be read: " + e.getMessage(),
          e);
    }
  }

  /** The training step's {@code inputs:} of a configuration tree, else {@code [features]}. */
  static List<String> inputFields(Map<String, Object> config) {
    if (config != null
        && config.get(ConfigKeys.TRAINER) instanceof Map<?, ?> trainer
        && trainer.get("inputs") instanceof List<?> inputs
        && !inputs.isEmpty()) {
      List<String> out = new ArrayList<>();
      inputs.forEach(i -> out.add(String.valueOf(i)));
      return List.copyOf(out);
    }
    return List.of(DEFAULT_INPUT);
  }

  /** {@code model.input_shape}, or {@code [model.input_size]}, of a configuration tree. */
  static Optional<long[]> inputShape(Map<String, Object> config) {
    if (config == null || !(config.get(ConfigKeys.MODEL) instanceof Map<?, ?> model)) {
      return Optional.empty();
    }
    if (model.get("input_shape") instanceof List<?> shape
        && shape.stream().allMatch(d -> d instanceof Number)) {
      return Optional.of(shape.stream().mapToLong(d -> ((Number) d).longValue()).toArray());
    }
    if (model.get("input_size") instanceof Number size) {
      return Optional.of(new long[] {size.longValue()});
    }
    return Optional.empty();
  }

  static Map<String, HostTensor> scale(
      @Nullable Scaler scaler,
      List<String> inputFields,
      Map<String, HostTensor> inputs,
      @Nullable HostTensor conditions) {
    if (scaler == null) {
      return inputs;
    }
    for (String field : inputFields) {
      if (scaler.scales(field) && !inputs.containsKey(field)) {
        throw new IllegalArgumentException(
            "the model takes the fields "
                + inputFields
                + " and the saved scaler"
                + " normalises '"
                + field
                + "', but the inputs given are "
                + inputs.keySet()
                + "; name them as the training step's inputs (or use predictAllRaw for inputs you scaled yourself)");
      }
    }
    boolean needsConditions =
        inputs.keySet().stream().anyMatch(scaler::scales) && scaler.conditionField() != null;
    if (needsConditions && conditions == null) {
      throw new IllegalArgumentException(
          "the saved scaler has parameters per operating condition (condition_field '"
              + scaler.conditionField()
              + "'): give each sample's condition, predict(input, conditions) or"
              + " predictAll(inputs, conditions), or scale the inputs yourself and use predictRaw / predictAllRaw");
    }
    Map<String, HostTensor> out = new LinkedHashMap<>();
    inputs.forEach(
        (field, values) ->
            out.put(field, scaler.apply(field, values, needsConditions ? conditions : null)));
    return out;
  }

  /**
   * The run's data as the model saw them in training: when the configuration has a {@code
   * dataset.scaler}, {@code data} scaled with the parameters the model file saved; otherwise {@code
   * data} as it is (an in-memory source is registered already prepared).
   *
   * @throws ConfigException when the run had a scaler but the model file holds no parameters
   */
  static DataSource prepared(
      DataSource data,
      Map<String, Object> configTree,
      Map<String, Object> modelFile,
      String source) {
    if (ScalerConfig.ofDataset(configTree.get(ConfigKeys.DATASET)).isEmpty()) {
      return data;
    }
    Object params =
        modelFile.get(CheckpointKeys.EXTRAS) instanceof Map<?, ?> extras
            ? extras.get(CheckpointKeys.SCALER_PARAMS)
            : null;
    if (params == null) {
      throw new ConfigException(
          source
              + " was trained with dataset.scaler, but its model file holds no "
              + CheckpointKeys.SCALER_PARAMS
              + " in its extras: the data cannot be scaled as in training (refitting would"
              + " not reproduce it)");
    }
    try {
      return ScaledDataSource.withParams(data, params);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(
          source
              + ": its "
              + CheckpointKeys.SCALER_PARAMS
              + " do not fit the run's dataset: "
              + e.getMessage(),
          e);
    }
  }
}
