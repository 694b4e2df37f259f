package ai.noether.core.config;

import ai.noether.api.ConfigException;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One configured component as written in YAML, before it is bound: its kind and its own settings.
 * The component registry resolves the kind to a factory and binds the settings to the factory's
 * config type; until then they stay a plain tree, and every error about them names the block's path
 * and where it was written.
 *
 * <pre>{@code
 * callbacks:
 *   - kind: checkpoint      # kind: a registered short name or a factory class name
 *     every_n_epochs: 1     # settings: everything else
 *     keep_last: 2
 * }</pre>
 *
 * @param path the YAML path of the block, e.g. {@code trainer.callbacks[0]}; never null
 * @param kind the value of {@code kind:}; never null
 * @param settings the block's keys other than the framework keys, as a read-only plain tree (maps
 *     in file order, lists, strings, longs, doubles, booleans; a key written without a value maps
 *     to null); never null, possibly empty
 * @param frameworkKeys keys of the block the framework reads itself ({@code kind}, and e.g. {@code
 *     lr} for an optimizer); listed with the config type's keys when a key is unknown
 * @param origins where each value was written, for messages
 */
public record ComponentBlock(
    String path,
    String kind,
    Map<String, Object> settings,
    List<String> frameworkKeys,
    Origins origins) {

  @SuppressWarnings("unchecked")
  public ComponentBlock {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(kind, "kind");
    settings =
        (Map<String, Object>) PlainTrees.frozen(Objects.requireNonNull(settings, "settings"));
    frameworkKeys = List.copyOf(frameworkKeys);
    Objects.requireNonNull(origins, "origins");
  }

  /** A block built in code (by a run assembly, or a test): only {@code kind} is a framework key. */
  public static ComponentBlock of(String path, String kind, Map<String, Object> settings) {
    return new ComponentBlock(
        path, kind, settings, List.of(ConfigKeys.KIND), new Origins("(built in code)"));
  }

  /** Where the block was written: {@code run.yaml line 12}. */
  public String where() {
    return origins.where(path);
  }

  /** A configuration error about this block: {@code "<place>: <path>: <problem>"}. */
  public ConfigException error(String problem) {
    return origins.error(path, path + ": " + problem);
  }

  /** A configuration error about this block's kind, placed where {@code kind:} was written. */
  public ConfigException kindError(String problem) {
    return origins.error(ConfigPath.key(path, ConfigKeys.KIND), path + ": " + problem);
  }
}
