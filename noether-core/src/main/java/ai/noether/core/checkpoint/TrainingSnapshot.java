package ai.noether.core.checkpoint;

import ai.noether.api.checkpoint.TrainingIteration;
import ai.noether.api.model.ModelSnapshot;
import java.util.List;
import java.util.Map;

/**
 * Everything a resumable checkpoint holds, captured in host memory at one iteration. Taking it is
 * the only moment training waits for a save; writing happens afterwards in the background.
 *
 * @param iteration the counters
 * @param models the models' state dicts, then extra variants (EMA), in order
 * @param modelConfigs the architecture of each model by model name
 * @param optimizers optimizer state by model name (empty when the optimizer is not saved)
 * @param schedules LR schedule state by model name
 * @param trainer the trainer's own state: counters, data position, callback states, config
 * @param extras user extras (normalisation parameters), stored in every model file
 * @param lrScales by model name, the factor the schedule applied to the base learning rates in the
 *     most recent update (1 when absent); PyTorch's layout of the optimizer file records it
 */
public record TrainingSnapshot(
    TrainingIteration iteration,
    List<ModelSnapshot> models,
    Map<String, Map<String, Object>> modelConfigs,
    Map<String, Map<String, Object>> optimizers,
    Map<String, Map<String, Object>> schedules,
    Map<String, Object> trainer,
    Map<String, Object> extras,
    Map<String, Double> lrScales) {

  /** A snapshot whose learning rates are the base rates. */
  public TrainingSnapshot(
      TrainingIteration iteration,
      List<ModelSnapshot> models,
      Map<String, Map<String, Object>> modelConfigs,
      Map<String, Map<String, Object>> optimizers,
      Map<String, Map<String, Object>> schedules,
      Map<String, Object> trainer,
      Map<String, Object> extras) {
    this(iteration, models, modelConfigs, optimizers, schedules, trainer, extras, Map.of());
  }

  public TrainingSnapshot {
    models = List.copyOf(models);
    modelConfigs = ordered(modelConfigs);
    optimizers = ordered(optimizers);
    schedules = ordered(schedules);
    trainer = ordered(trainer);
    extras = ordered(extras);
    lrScales = ordered(lrScales);
  }

  /** An unmodifiable copy that keeps the key order, which becomes the order in the files. */
  private static <V> Map<String, V> ordered(Map<String, V> map) {
    return java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(map));
  }

  /** The name of the first model, which also names the trainer file. */
  public String primaryModelName() {
    return models.get(0).modelName();
  }
}
