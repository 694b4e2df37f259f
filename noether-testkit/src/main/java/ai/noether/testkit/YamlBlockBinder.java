package ai.noether.testkit;

import ai.noether.api.ConfigException;
import ai.noether.api.Nullable;
import ai.noether.core.config.ComponentBlock;
import ai.noether.core.config.RunConfig;
import ai.noether.core.config.RunConfigLoader;
import ai.noether.core.registry.ComponentCategory;
import ai.noether.core.registry.ComponentRegistry;
import java.nio.file.Path;
import java.util.List;

/**
 * Binds a callback's or logger's YAML block to its config record the way a run does: the text goes
 * through the framework's configuration loader (snake_case keys, line numbers, unknown keys with a
 * suggestion) and the registry's binder, which finds the kind through the services files on the
 * class path, so a plugin's tests see exactly what its users will. Errors are the {@link
 * ConfigException}s a run throws; {@link #callbackError} returns the message as {@code noether
 * train} prints it (it then exits with status 2).
 *
 * <p>The block sits in a small configuration file {@code callbacks.yaml} (or {@code loggers.yaml})
 * whose block starts with {@code - kind: <kind>} on line 8: the first key given is on line 9, so
 * messages read {@code callbacks.yaml line 9: unknown key 'trainer.callbacks[0].max_minute'...}.
 *
 * <pre>{@code
 * TimeBudgetCallbackConfig c = YamlBlockBinder.callback(TimeBudgetCallbackConfig.class, "time-budget", "max_minutes: 235");
 * assertThat(YamlBlockBinder.callbackError("time-budget", "max_minute: 60")).contains("Did you mean 'max_minutes'?");
 * }</pre>
 */
public final class YamlBlockBinder {
  private static final String HEAD =
      """
      dataset: {kind: synthetic-regression}
      model: {name: mlp, kind: mlp}
      optimizer: {kind: adamw, lr: 1.0e-3}
      trainer:
        max_epochs: 1
        batch_size: 8
      """;

  private static @Nullable ComponentRegistry registry;

  private YamlBlockBinder() {}

  /**
   * Binds {@code trainer.callbacks[0]}, a block of kind {@code kind} with the given YAML lines
   * ({@code "max_minutes: 235"}, nested keys indented further), to the config record of its
   * factory.
   *
   * @return the bound config (null for a factory whose config type is {@code Void})
   * @throws ConfigException as a run would throw it
   */
  public static Object callback(String kind, String... lines) {
    return bind("callbacks", ComponentCategory.CALLBACK, kind, lines);
  }

  /** As {@link #callback(String, String...)}, checking the record's type. */
  public static <T> T callback(Class<T> type, String kind, String... lines) {
    return type.cast(callback(kind, lines));
  }

  /** Binds {@code trainer.loggers[0]} the same way. */
  public static Object logger(String kind, String... lines) {
    return bind("loggers", ComponentCategory.LOGGER, kind, lines);
  }

  /** As {@link #logger(String, String...)}, checking the record's type. */
  public static <T> T logger(Class<T> type, String kind, String... lines) {
    return type.cast(logger(kind, lines));
  }

  /**
   * The message {@code noether train} prints for this callback block, which must not bind.
   *
   * @throws AssertionError when the block binds
   */
  public static String callbackError(String kind, String... lines) {
    return error(() -> callback(kind, lines), kind, lines);
  }

  /** The message {@code noether train} prints for this logger block, which must not bind. */
  public static String loggerError(String kind, String... lines) {
    return error(() -> logger(kind, lines), kind, lines);
  }

  private static String error(Runnable bind, String kind, String... lines) {
    try {
      bind.run();
    } catch (ConfigException e) {
      return e.getMessage();
    }
    throw new AssertionError(
        "the block 'kind: " + kind + "' " + List.of(lines) + " binds without an error");
  }

  private static Object bind(
      String list, ComponentCategory category, String kind, String... lines) {
    StringBuilder yaml = new StringBuilder(HEAD);
    yaml.append("  ").append(list).append(":\n");
    yaml.append("    - kind: ").append(kind).append('\n');
    for (String line : lines) {
      yaml.append("      ").append(line.replace("\n", "\n      ")).append('\n');
    }
    RunConfig config =
        new RunConfigLoader(Path.of("").toAbsolutePath(), () -> "run1")
            .parse(yaml.toString(), list + ".yaml", List.of());
    List<ComponentBlock> blocks =
        category == ComponentCategory.CALLBACK
            ? config.trainer().callbacks()
            : config.trainer().loggers();
    return registry().bind(category, blocks.get(0));
  }

  private static synchronized ComponentRegistry registry() {
    ComponentRegistry loaded = registry;
    if (loaded == null) {
      loaded = ComponentRegistry.load();
      registry = loaded;
    }
    return loaded;
  }
}
