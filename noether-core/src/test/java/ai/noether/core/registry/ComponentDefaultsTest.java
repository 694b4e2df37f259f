package ai.noether.core.registry;

import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.api.callback.Callback;
import ai.noether.api.spi.CallbackFactory;
import ai.noether.api.spi.ComponentContext;
import ai.noether.core.config.RunConfig;
import ai.noether.core.config.RunConfigLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComponentDefaultsTest {
  static final ComponentRegistry REGISTRY = ComponentRegistry.load();

  @TempDir Path dir;

  RunConfig config(String callback) {
    RunConfig run =
        new RunConfigLoader(dir, () -> "run-1")
            .parse(
                ComponentRegistryTest.RUN, "run.yaml", List.of("trainer.callbacks[0]=" + callback));
    REGISTRY.validate(run);
    return run;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> callback(Map<String, Object> tree) {
    return (Map<String, Object>)
        ((List<?>) ((Map<String, Object>) tree.get("trainer")).get("callbacks")).get(0);
  }

  @Test
  void theKeysAComponentLeavesOutAreFilledInWithTheValuesItsConfigPutsIn() {
    RunConfig run = config("{kind: test-counting, every_n_epochs: 2}");

    Map<String, Object> resolved = ComponentDefaults.resolve(run, REGISTRY);

    assertThat(callback(resolved))
        .containsExactly(
            Map.entry("kind", "test-counting"),
            Map.entry("every_n_epochs", 2L),
            Map.entry("keep_last", 1));
    assertThat(callback(run.toPlainTree()))
        .as("the saved form is unchanged")
        .doesNotContainKey("keep_last");
  }

  @Test
  void aDefaultDerivedFromAnotherKeyIsLeftOutSoThatThePrintedConfigurationReadsBackAsTheSameRun() {
    RunConfig run = config("{kind: " + DerivedFactory.class.getName() + ", fraction: 0.25}");

    Map<String, Object> resolved = ComponentDefaults.resolve(run, REGISTRY);

    assertThat(callback(resolved))
        .as("steps (derived from fraction, exclusive with it) is not printed; label is")
        .containsExactly(
            Map.entry("kind", DerivedFactory.class.getName()),
            Map.entry("fraction", 0.25),
            Map.entry("label", "none"));
    RunConfig again =
        new RunConfigLoader(dir, () -> "run-1")
            .parse(RunConfig.toYaml(resolved), "printed.yaml", List.of());
    assertThat(REGISTRY.bind(ComponentCategory.CALLBACK, again.trainer().callbacks().get(0)))
        .isEqualTo(REGISTRY.bind(ComponentCategory.CALLBACK, run.trainer().callbacks().get(0)));
  }

  /**
   * A callback whose config derives {@code steps} from {@code fraction}; the two exclude each
   * other.
   */
  public static final class DerivedFactory implements CallbackFactory<DerivedFactory.Config> {
    public record Config(Double fraction, Long steps, String label) {
      public Config {
        if ((fraction == null) == (steps == null)) {
          throw new IllegalArgumentException("set one of fraction or steps");
        }
        steps = steps != null ? steps : Math.round(fraction * 100);
        label = label == null ? "none" : label;
      }
    }

    @Override
    public String kind() {
      return "test-derived";
    }

    @Override
    public Class<Config> configType() {
      return Config.class;
    }

    @Override
    public Callback create(Config config, ComponentContext context) {
      return new Callback() {};
    }
  }
}
