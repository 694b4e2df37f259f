package ai.noether.core.run;

import ai.noether.api.callback.Callback;
import ai.noether.api.logger.MetricLogger;
import ai.noether.core.config.ComponentBlock;
import ai.noether.core.config.TrainerConfig;
import ai.noether.core.registry.ComponentCategory;
import ai.noether.core.registry.ComponentRegistry;
import ai.noether.core.registry.RunContext;
import ai.noether.core.training.Trainer;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Creates a stage's callbacks and metric loggers and adds them to its trainer: the configured
 * callbacks in configuration order, each under a state key that does not depend on its position,
 * then the loggers, then the extra callbacks of launch options.
 */
final class StageCallbacks {
  private StageCallbacks() {}

  /**
   * @param resources where every callback and logger that must be closed is pushed, in order of
   *     creation
   * @param extraCallbacks callbacks that are not part of the configuration; they run after the
   *     configured ones and keep no state in checkpoints
   */
  static void addTo(
      Trainer.Builder builder,
      TrainerConfig trainer,
      ComponentRegistry registry,
      RunContext context,
      Deque<AutoCloseable> resources,
      List<Callback> extraCallbacks) {
    Map<String, Integer> seen = new HashMap<>();
    for (ComponentBlock block : trainer.callbacks()) {
      Callback callback = registry.create(ComponentCategory.CALLBACK, block, context);
      if (callback instanceof AutoCloseable closeable) {
        resources.push(closeable);
      }
      builder.addCallback(stateKey(callback, block, seen), callback);
    }
    for (ComponentBlock block : trainer.loggers()) {
      MetricLogger logger = registry.create(ComponentCategory.LOGGER, block, context);
      resources.push(logger);
      builder.addLogger(block.path(), logger);
    }
    for (int i = 0; i < extraCallbacks.size(); i++) {
      builder.addCallback("launch-option#" + (i + 1), extraCallbacks.get(i));
    }
  }

  /**
   * The key a callback's state is saved under: its own {@link Callback#stateKey()}, else its kind,
   * with {@code #2}, {@code #3}... for further callbacks of the same kind. Keys do not depend on
   * the position in the list, so adding another kind of callback before a resume keeps every state
   * where it was.
   *
   * @param seen how many callbacks of each kind came before; updated
   */
  static String stateKey(Callback callback, ComponentBlock block, Map<String, Integer> seen) {
    String own = callback.stateKey();
    if (own != null) {
      return own;
    }
    int n = seen.merge(block.kind(), 1, Integer::sum);
    return n == 1 ? block.kind() : block.kind() + "#" + n;
  }
}
