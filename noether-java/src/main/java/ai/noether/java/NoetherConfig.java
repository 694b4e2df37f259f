package ai.noether.java;

import ai.noether.api.ConfigException;
import ai.noether.api.Nullable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A run configuration as code: the same tree of keys a YAML file holds ({@code
 * docs/configuration.md}), built from a file, from YAML text or key by key, plus {@code
 * key.path=value} overrides applied in order after it, as on the command line. Nothing is checked
 * until {@link Noether#train} binds it: then every problem is reported at once, with the key and
 * what would be valid.
 *
 * <pre>{@code
 * NoetherConfig config = NoetherConfig.create()
 *     .set("run_id", "from-java")
 *     .set("dataset", Map.of("kind", "synthetic-regression", "input_size", 8))
 *     .set("model.kind", "mlp").set("model.input_size", 8).set("model.output_size", 1)
 *     .set("optimizer.kind", "adamw").set("optimizer.lr", 1e-3)
 *     .set("trainer.max_updates", 50).set("trainer.batch_size", 32);
 * }</pre>
 *
 * <p>Not thread-safe; each method returns this object for chaining.
 */
public final class NoetherConfig {
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();
  // exactly one of the three is set
  private final @Nullable Path file;
  private final @Nullable String yaml;
  private final @Nullable Map<String, Object> tree;
  private final List<String> overrides = new ArrayList<>();

  private NoetherConfig(
      @Nullable Path file, @Nullable String yaml, @Nullable Map<String, Object> tree) {
    this.file = file;
    this.yaml = yaml;
    this.tree = tree;
  }

  /** An empty configuration to fill with {@link #set}. */
  public static NoetherConfig create() {
    return new NoetherConfig(null, null, new LinkedHashMap<>());
  }

  /** The configuration in {@code file} (resolved against the working directory when relative). */
  public static NoetherConfig fromFile(Path file) {
    return new NoetherConfig(Objects.requireNonNull(file, "file"), null, null);
  }

  /** The configuration written as YAML text. */
  public static NoetherConfig fromYaml(String yaml) {
    return new NoetherConfig(null, Objects.requireNonNull(yaml, "yaml"), null);
  }

  /**
   * Sets the key at a dotted path ({@code trainer.max_updates}), creating the mappings on the way.
   * Values are what YAML would hold: strings, numbers, booleans, lists and maps of those. On a
   * configuration read from a file or text, {@code set} becomes an override of that key.
   *
   * @throws IllegalArgumentException if a part of the path holds a value that is not a mapping
   */
  public NoetherConfig set(String path, Object value) {
    Objects.requireNonNull(path, "path");
    if (tree == null) {
      // YAML reads JSON, so a value of any shape travels as one override.
      try {
        return override(path + "=" + JSON.writeValueAsString(value));
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalArgumentException(
            "cannot set " + path + " to " + value + ": " + e.getOriginalMessage(), e);
      }
    }
    String[] parts = path.split("\\.");
    Map<String, Object> node = tree;
    for (int i = 0; i < parts.length - 1; i++) {
      Object child = node.computeIfAbsent(parts[i], k -> new LinkedHashMap<String, Object>());
      if (!(child instanceof Map<?, ?>)) {
        throw new IllegalArgumentException(
            "cannot set "
                + path
                + ": "
                + String.join(".", List.of(parts).subList(0, i + 1))
                + " holds "
                + child
                + ", not a mapping");
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> next = (Map<String, Object>) child;
      node = next;
    }
    node.put(parts[parts.length - 1], value);
    return this;
  }

  /**
   * Trains on data built in code: sets {@code dataset} to the {@code in-memory} kind under {@code
   * name} and registers {@code source} under that name in this JVM (a later registration of the
   * name replaces it). Resuming such a run works from Java with the same name and data; the command
   * line, another process, cannot see them.
   */
  public NoetherConfig dataset(String name, ai.noether.api.data.DataSource source) {
    ai.noether.java.data.InMemoryDatasets.register(name, source);
    return set(
        "dataset", Map.of("kind", ai.noether.java.data.InMemoryDatasetFactory.KIND, "name", name));
  }

  /**
   * Adds an override in the command line's form, {@code key.path=value} ({@code
   * trainer.callbacks[0].every_n_epochs=2}); overrides apply in the order given, after everything
   * else.
   */
  public NoetherConfig override(String keyEqualsValue) {
    if (!Objects.requireNonNull(keyEqualsValue, "keyEqualsValue").contains("=")) {
      throw new ConfigException(
          "override '" + keyEqualsValue + "' has no '='; write key.path=value");
    }
    overrides.add(keyEqualsValue);
    return this;
  }

  @Nullable
  Path file() {
    return file;
  }

  @Nullable
  String yaml() {
    return yaml;
  }

  @Nullable
  Map<String, Object> tree() {
    return tree;
  }

  List<String> overrides() {
    return List.copyOf(overrides);
  }
}
