package ai.noether.callbacks.ema;

import ai.noether.api.tensor.HostTensor;
import ai.noether.callbacks.internal.StateValues;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The EMA callback's entry in {@code _trainer.th} (state key {@value EmaCallback#STATE_KEY}):
 * {@code target_factors} (informational), {@code steps}, {@code last_update} and {@code shadows}:
 * model name → {@code ema=<factor>} → parameter path → tensor.
 */
final class EmaState {
  static final String FACTORS = "target_factors";
  static final String STEPS = "steps";
  static final String LAST_UPDATE = "last_update";
  static final String SHADOWS = "shadows";

  /**
   * What a checkpoint's state restores.
   *
   * @param steps the number of EMA steps taken
   * @param lastUpdate the update of the last step
   * @param shadows model → model info → state dict
   */
  record Saved(
      long steps, long lastUpdate, Map<String, Map<String, Map<String, HostTensor>>> shadows) {}

  private EmaState() {}

  static Map<String, Object> write(
      List<Double> targetFactors,
      long steps,
      long lastUpdate,
      Map<String, Map<String, Map<String, HostTensor>>> shadows) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put(FACTORS, new ArrayList<Object>(targetFactors));
    s.put(STEPS, steps);
    s.put(LAST_UPDATE, lastUpdate);
    Map<String, Object> byModel = new LinkedHashMap<>();
    shadows.forEach(
        (model, byInfo) -> {
          Map<String, Object> infoMap = new LinkedHashMap<>();
          byInfo.forEach(
              (info, dict) -> infoMap.put(info, new LinkedHashMap<String, Object>(dict)));
          byModel.put(model, infoMap);
        });
    s.put(SHADOWS, byModel);
    return s;
  }

  /**
   * @throws IllegalArgumentException naming the key that is missing or of the wrong type
   */
  static Saved read(Map<String, Object> state) {
    long steps = StateValues.requireLong(state, STEPS);
    long lastUpdate = StateValues.requireLong(state, LAST_UPDATE);
    Map<String, Map<String, Map<String, HostTensor>>> shadows = new LinkedHashMap<>();
    Map<String, Object> byModel = StateValues.requireMap(state, SHADOWS);
    for (String model : byModel.keySet()) {
      Map<String, Object> byInfo = StateValues.requireMap(byModel, model);
      Map<String, Map<String, HostTensor>> infoMap = new LinkedHashMap<>();
      for (String info : byInfo.keySet()) {
        Map<String, Object> dict = StateValues.requireMap(byInfo, info);
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        for (String path : dict.keySet()) {
          tensors.put(path, StateValues.requireTensor(dict, path));
        }
        infoMap.put(info, tensors);
      }
      shadows.put(model, infoMap);
    }
    return new Saved(steps, lastUpdate, shadows);
  }
}
