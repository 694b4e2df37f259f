package ai.noether.callbacks;

import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.api.ConfigException;
import ai.noether.api.spi.MetricLoggerFactory;
import ai.noether.core.config.RunConfig;
import ai.noether.core.config.RunConfigLoader;
import ai.noether.core.registry.ComponentCategory;
import ai.noether.core.registry.ComponentRegistry;
import ai.noether.core.registry.Registration;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * The logger kinds are found through their services file and configured under {@code
 * trainer.loggers}.
 */
class LoggerDiscoveryTest {

  @Test
  void theLoggerKindsAreFoundThroughTheServicesFileAndByTheRegistry() {
    List<MetricLoggerFactory<?>> factories = new ArrayList<>();
    ServiceLoader.load(MetricLoggerFactory.class)
        .forEach(f -> factories.add((MetricLoggerFactory<?>) f));
    assertThat(factories)
        .extracting(MetricLoggerFactory::kind)
        .containsExactlyInAnyOrder("csv", "html-report");
    for (MetricLoggerFactory<?> f : factories) {
      assertThat(f.description()).as(f.kind()).isNotBlank();
      assertThat(f.configType().isRecord()).as(f.kind()).isTrue();
    }
    assertThat(ComponentRegistry.load().registrations(ComponentCategory.LOGGER))
        .extracting(Registration::kind)
        .containsExactly("csv", "html-report");
  }

  @Test
  void badLoggerBlocksAreReportedTogetherWithTheirPathsAndTheKnownKinds() {
    RunConfig config =
        new RunConfigLoader(Path.of("/tmp"), () -> "id")
            .parse(
                """
        dataset: {kind: synthetic-regression}
        model: {name: regressor, kind: mlp}
        optimizer: {kind: sgd, lr: 0.1}
        trainer:
          max_updates: 10
          batch_size: 4
          loggers:
            - kind: cvs
            - kind: html-report
              file_name: ../elsewhere.html
        """,
                "run.yaml",
                List.of());
    assertThat(config.trainer().loggers()).hasSize(2);

    String message =
        Assertions.assertThrows(
                ConfigException.class, () -> ComponentRegistry.load().validate(config))
            .getMessage();

    assertThat(message)
        .contains("trainer.loggers[0]")
        .contains("unknown logger kind 'cvs'")
        .contains("'csv'")
        .contains("html-report")
        .contains("trainer.loggers[1]")
        .contains("file_name must be a plain file name ending in .html");
  }
}
