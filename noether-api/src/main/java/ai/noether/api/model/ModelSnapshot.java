package ai.noether.api.model;

import ai.noether.api.Nullable;
import ai.noether.api.checkpoint.Names;
import ai.noether.api.tensor.HostTensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A state dict to be written as a model file, e.g. EMA weights written as {@code
 * {model_name}_ema=0.9999_cp={checkpoint}_model.th}.
 *
 * @param modelName the model the weights belong to
 * @param modelInfo the variant ({@code ema=0.9999}); null for the model itself
 * @param stateDict parameter path to tensor, in order
 */
public record ModelSnapshot(
    String modelName, @Nullable String modelInfo, Map<String, HostTensor> stateDict) {
  public ModelSnapshot {
    Names.requireModelName(modelName);
    if (modelInfo != null) {
      Names.requireModelInfo(modelInfo);
    }
    stateDict = Collections.unmodifiableMap(new LinkedHashMap<>(stateDict));
  }
}
