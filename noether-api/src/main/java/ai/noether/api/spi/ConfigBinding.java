package ai.noether.api.spi;

import java.util.Map;

/**
 * Binds YAML settings to a config record the way the framework binds every block's settings to its
 * factory's config type, and turns a bound config back into the plain values it was written as.
 * Plugins that take nested settings of their own (the {@code block} model kind binds its {@code
 * arguments} to the user's record) use it, so that their keys follow the same rules and their
 * errors read the same as every other block's.
 *
 * <p>The rules: keys are the snake_case form of the record components ({@code keepLast} is {@code
 * keep_last}, {@code everyNEpochs} {@code every_n_epochs}); an unknown key fails listing the valid
 * ones with a "did you mean"; a component of primitive type is required, one of a reference type
 * optional (null when absent, so the constructor can put its default in); a value of the wrong type
 * fails; an {@link IllegalArgumentException} from the record's constructor becomes a {@link
 * ai.noether.api.ConfigException} naming the path.
 *
 * <p>Implemented by {@code noether-core}; inject it, or get it through {@link
 * FrameworkServices#get(Class)} where nothing is injected. Thread-safe.
 */
public interface ConfigBinding {

  /**
   * Binds {@code settings}, a block of YAML written at {@code path}, to {@code type}, strictly as
   * the framework binds a component block ({@code kind} counts as a framework key of the block).
   *
   * @param path the YAML path of the settings, e.g. {@code model.arguments}, for messages
   * @param settings the plain tree (maps, lists, strings, numbers, booleans); never null
   * @param what the settings as messages name them, e.g. {@code the arguments of model}
   * @return the bound config; never null for a record type
   * @throws ai.noether.api.ConfigException naming the path, the key and what would be valid
   */
  <C> C bind(String path, Map<String, ?> settings, Class<C> type, String what);

  /**
   * A bound config as the plain tree of its YAML keys (snake_case) in declaration order, leaving
   * out null values: what the config holds once its constructor filled in the defaults.
   *
   * @return a new ordered, modifiable map; empty for null
   */
  Map<String, Object> toPlainTree(Object config);
}
