package ai.noether.core.config;

import ai.noether.api.spi.ConfigBinding;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The api's {@link ConfigBinding}: {@link ConfigBinder}'s rules, for plugins that bind settings of
 * their own. Listed in core's {@code META-INF/services/ai.noether.api.spi.ConfigBinding} and bound
 * in the process injector. Stateless.
 */
public final class JacksonConfigBinding implements ConfigBinding {

  @Override
  public <C> C bind(String path, Map<String, ?> settings, Class<C> type, String what) {
    return ConfigBinder.bind(
        ComponentBlock.of(path, ConfigKeys.KIND, new LinkedHashMap<>(settings)), type, what);
  }

  @Override
  public Map<String, Object> toPlainTree(Object config) {
    return ConfigBinder.toTree(config);
  }
}
