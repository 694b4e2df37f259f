package ai.noether.core.registry;

import ai.noether.api.callback.Callback;
import ai.noether.api.spi.CallbackFactory;
import ai.noether.api.spi.ComponentContext;

/**
 * A factory in no services file: reachable only as {@code kind:
 * ai.noether.core.registry.UnlistedCallbackFactory}.
 */
public final class UnlistedCallbackFactory
    implements CallbackFactory<UnlistedCallbackFactory.Config> {
  public record Config(String label) {}

  /** What this factory builds. */
  public record LabelCallback(String label) implements Callback {}

  @Override
  public String kind() {
    return "test-unlisted";
  }

  @Override
  public Class<Config> configType() {
    return Config.class;
  }

  @Override
  public Callback create(Config config, ComponentContext context) {
    return new LabelCallback(config.label());
  }
}
