package ai.noether.core.config;

import static ai.noether.core.config.ConfigKeys.*;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where each key the framework reads belongs, so that a key written at the wrong level gets a "did
 * you mean" for its place: {@code schedule:} at the root belongs under {@code optimizer}, {@code
 * seed:} under {@code trainer} belongs at the root.
 */
final class KeyPlacement {
  /** Key → the block it belongs in ("" for the root). */
  private static final Map<String, String> HOME = new LinkedHashMap<>();

  private static final List<String> FRAMEWORK_BLOCKS = List.of("", MODEL, OPTIMIZER, TRAINER);

  static {
    for (String key : ROOT) {
      HOME.put(key, "");
    }
    for (String key : List.of(NAME, INITIALIZERS)) {
      HOME.put(key, MODEL);
    }
    for (String key : List.of(LR, SCHEDULE)) {
      HOME.put(key, OPTIMIZER);
    }
    HOME.put(SCALER, DATASET);
    for (String key : TRAINER_KEYS) {
      if (!key.equals(KIND)) {
        HOME.put(key, TRAINER);
      }
    }
  }

  private KeyPlacement() {}

  /**
   * The full path where {@code key}, found unknown in the block at {@code blockPath}, belongs;
   * empty when it is not a framework key or belongs there already.
   */
  static Optional<String> belongsAt(String blockPath, String key) {
    String home = HOME.get(key);
    // Only the framework's own blocks: inside a component, a key such as 'name' is the component's.
    if (home == null || home.equals(blockPath) || !FRAMEWORK_BLOCKS.contains(blockPath)) {
      return Optional.empty();
    }
    return Optional.of(ConfigPath.key(home, key));
  }

  /** {@code " Did you mean 'optimizer.schedule'? (schedule belongs under optimizer)"}, or "". */
  static String didYouMean(String blockPath, String key) {
    return belongsAt(blockPath, key)
        .map(
            at -> {
              String parent = ConfigPath.parent(at);
              return " Did you mean '"
                  + at
                  + "'? ("
                  + key
                  + " belongs "
                  + (parent.isEmpty() ? "at the top level" : "under " + parent)
                  + ")";
            })
        .orElse("");
  }
}
