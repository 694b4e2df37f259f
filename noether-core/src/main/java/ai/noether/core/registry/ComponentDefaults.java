package ai.noether.core.registry;

import ai.noether.api.Nullable;
import ai.noether.core.config.ComponentBlock;
import ai.noether.core.config.ConfigBinder;
import ai.noether.core.config.RunConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The resolved configuration with the defaults of every component filled in: each block is bound to
 * its factory's config, and every key the config holds a value for that the block does not write is
 * added with that value. This is what {@code noether config} prints, so that a user sees every
 * value a run uses (an {@code mlp}'s {@code activation: relu}, a checkpoint's {@code keep_last:
 * 1}).
 *
 * <p>A block is left as written when its filled-in form would not bind to the same config again (a
 * config that derives one key from another, such as a warm-up in updates from a fraction): printed
 * configurations always read back as the same run.
 */
public final class ComponentDefaults {
  private ComponentDefaults() {}

  /**
   * The resolved tree of {@code run} with component defaults; {@code run} must have been validated.
   */
  public static Map<String, Object> resolve(RunConfig run, ComponentRegistry registry) {
    Map<String, Object> tree = mutableCopy(run.toPlainTree());
    fill(tree, ComponentCategory.STORE, run.store(), registry);
    fill(tree, ComponentCategory.DATASET, run.dataset(), registry);
    fill(tree, ComponentCategory.MODEL, run.model().block(), registry);
    run.model().initializers().forEach(b -> fill(tree, ComponentCategory.INITIALIZER, b, registry));
    fill(tree, ComponentCategory.OPTIMIZER, run.optimizer().block(), registry);
    run.optimizer()
        .optSchedule()
        .ifPresent(b -> fill(tree, ComponentCategory.SCHEDULE, b, registry));
    fill(tree, ComponentCategory.TRAINING_STEP, run.trainer().step(), registry);
    run.trainer().callbacks().forEach(b -> fill(tree, ComponentCategory.CALLBACK, b, registry));
    run.trainer().loggers().forEach(b -> fill(tree, ComponentCategory.LOGGER, b, registry));
    return tree;
  }

  @SuppressWarnings("unchecked")
  private static void fill(
      Map<String, Object> tree,
      ComponentCategory<?, ?> category,
      ComponentBlock block,
      ComponentRegistry registry) {
    Object config = registry.bind(category, block);
    if (config == null || !config.getClass().isRecord()) {
      return;
    }
    Map<String, Object> target = (Map<String, Object>) at(tree, block.path());
    if (target == null) {
      return;
    }
    // One key at a time, so that a key derived from another (warmup_updates from warmup_fraction)
    // is left out while the independent defaults of the same block are shown.
    Map<String, Object> settings = new LinkedHashMap<>(block.settings());
    ConfigBinder.toTree(config)
        .forEach(
            (key, value) -> {
              if (settings.containsKey(key) || target.containsKey(key)) {
                return;
              }
              Map<String, Object> more = new LinkedHashMap<>(settings);
              more.put(key, value);
              if (bindsTo(registry, category, block, more, config)) {
                settings.put(key, value);
                target.put(key, value);
              }
            });
  }

  private static boolean bindsTo(
      ComponentRegistry registry,
      ComponentCategory<?, ?> category,
      ComponentBlock block,
      Map<String, Object> settings,
      Object config) {
    try {
      ComponentBlock filled =
          new ComponentBlock(
              block.path(), block.kind(), settings, block.frameworkKeys(), block.origins());
      return Objects.equals(registry.bind(category, filled), config);
    } catch (RuntimeException e) {
      return false;
    }
  }

  /**
   * The value at a YAML path such as {@code trainer.callbacks[1]} or {@code optimizer.schedule};
   * null if absent.
   */
  @Nullable
  private static Object at(Object tree, String path) {
    Object v = tree;
    for (String segment : path.split("\\.")) {
      int bracket = segment.indexOf('[');
      String key = bracket < 0 ? segment : segment.substring(0, bracket);
      v = v instanceof Map<?, ?> m ? m.get(key) : null;
      while (bracket >= 0 && v != null) {
        int close = segment.indexOf(']', bracket);
        int index = Integer.parseInt(segment.substring(bracket + 1, close));
        v = v instanceof List<?> l && index < l.size() ? l.get(index) : null;
        bracket = segment.indexOf('[', close);
      }
    }
    return v;
  }

  @SuppressWarnings("unchecked")
  private static <T> T mutableCopy(T tree) {
    if (tree instanceof Map<?, ?> m) {
      Map<String, Object> copy = new LinkedHashMap<>();
      m.forEach((k, v) -> copy.put((String) k, mutableCopy(v)));
      return (T) copy;
    }
    if (tree instanceof List<?> l) {
      List<Object> copy = new ArrayList<>();
      l.forEach(v -> copy.add(mutableCopy(v)));
      return (T) copy;
    }
    return tree;
  }
}
