package ai.noether.api.callback;

import ai.noether.api.Nullable;
import ai.noether.api.model.ModelSnapshot;
import java.util.List;
import java.util.Map;

/**
 * Code that runs at fixed points of training. Callbacks run in configuration order, on the training
 * thread. A callback with state to keep across a resume also implements {@link
 * ai.noether.api.state.Stateful}; its state is saved in {@code _trainer.th} under {@link
 * #stateKey()}.
 */
public interface Callback {

  /**
   * The key of this callback's state in checkpoints; stable across runs so that a resume finds it.
   * Null (the default) lets the trainer derive one from the kind and the position in the config.
   */
  default @Nullable String stateKey() {
    return null;
  }

  /** Before the first update (also after a resume, with the restored counters). */
  default void beforeTraining(TrainingContext context) {}

  /** After each optimizer update. */
  default void afterUpdate(TrainingContext context) {}

  /** After each completed epoch. */
  default void afterEpoch(TrainingContext context) {}

  /** After each evaluation, with the metrics it produced. */
  default void afterEvaluation(TrainingContext context, Map<String, Double> metrics) {}

  /**
   * Whenever metrics are logged (training loss at the log interval, evaluation results, learning
   * rate), with the values logged at this iteration.
   */
  default void onMetricsLogged(TrainingContext context, Map<String, Double> metrics) {}

  /** After the last update, before the final checkpoint. */
  default void afterTraining(TrainingContext context) {}

  /**
   * Extra model files to include in every checkpoint the trainer writes (periodic, latest, last,
   * emergency), e.g. EMA weights. Never null.
   */
  default List<ModelSnapshot> checkpointModels(TrainingContext context) {
    return List.of();
  }
}
