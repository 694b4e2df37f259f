package ai.noether.callbacks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.noether.api.ConfigException;
import ai.noether.api.callback.Interval;
import ai.noether.api.metric.Direction;
import ai.noether.callbacks.best.BestCheckpointCallbackConfig;
import ai.noether.callbacks.checkpoint.CheckpointCallbackConfig;
import ai.noether.callbacks.ema.EmaCallbackConfig;
import ai.noether.callbacks.logging.LrMonitorCallbackConfig;
import ai.noether.callbacks.stopping.EarlyStoppingCallbackConfig;
import ai.noether.callbacks.stopping.FixedStopCallbackConfig;
import ai.noether.testkit.YamlBlockBinder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Binds YAML blocks to the config records with the framework's own loader and binder (through the
 * testkit's {@link YamlBlockBinder}: snake_case keys, unknown keys rejected), so the keys
 * documented for users are the keys that work.
 */
class ConfigBindingTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /**
   * Binds one block ({@code kind: ...} first, then its keys) as {@code trainer.callbacks[0]} of a
   * configuration file, through the loader and the registry, as a run binds it.
   */
  private static Object bind(String yaml) {
    List<String> lines =
        new ArrayList<>(List.of(yaml.replaceFirst("^---\\s*\n", "").strip().split("\n")));
    String kind = lines.remove(0);
    assertThat(kind).startsWith("kind: ");
    return YamlBlockBinder.callback(
        kind.substring("kind: ".length()), lines.toArray(String[]::new));
  }

  @Test
  void theDocumentedTrainerBlockBindsEveryCallback() throws Exception {
    JsonNode callbacks =
        YAML.readTree(
                """
        trainer:
          callbacks:
            - kind: checkpoint
              every_n_epochs: 5
              keep_last: 2
            - kind: ema
              target_factors: [0.999, 0.9999]
              evaluate: true
            - kind: best-checkpoint
              metric_key: loss/valid/total
              tolerances: [3]
            - kind: best-metric
              source_key: loss/valid/total
            - kind: early-stopping
              metric_key: loss/valid/total
              patience: 5
              min_delta: 0.001
            - kind: fixed-stop
              at_update: 1000
            - kind: history
              every_n_minutes: 10
            - kind: lr-monitor
              every_n_updates: 10
            - kind: progress
        """)
            .get("trainer")
            .get("callbacks");

    for (JsonNode block : callbacks) {
      assertThat(bind(YAML.writeValueAsString(block))).as(block.get("kind").asText()).isNotNull();
    }
  }

  @Test
  void everyNKeysWithConsecutiveCapitalsBind() throws Exception {
    CheckpointCallbackConfig checkpoint =
        (CheckpointCallbackConfig)
            bind("kind: checkpoint\nevery_n_updates: 100\nsave_optim: false\n");
    assertThat(checkpoint.interval()).isEqualTo(Interval.updates(100));
    assertThat(checkpoint.saveOptim()).isFalse();
    assertThat(checkpoint.saveLatest()).isTrue();

    EmaCallbackConfig ema =
        (EmaCallbackConfig) bind("kind: ema\ntarget_factors: [0.9999]\nevery_n_updates: 4\n");
    assertThat(ema.everyNUpdates()).isEqualTo(4L);
    assertThat(ema.targetFactors()).containsExactly(0.9999);

    LrMonitorCallbackConfig lr =
        (LrMonitorCallbackConfig) bind("kind: lr-monitor\nevery_n_samples: 640\n");
    assertThat(lr.interval()).isEqualTo(Interval.samples(640));
  }

  @Test
  void snakeCaseKeysFillTheRecords() throws Exception {
    BestCheckpointCallbackConfig best =
        (BestCheckpointCallbackConfig)
            bind(
                "kind: best-checkpoint\nmetric_key: accuracy/valid\ntolerances: [10, 3]\nsave_top_k: 3\n");
    assertThat(best.direction(Map.of("accuracy", Direction.HIGHER_IS_BETTER)))
        .isEqualTo(Direction.HIGHER_IS_BETTER);
    assertThat(best.saveTopK()).isEqualTo(3);
    assertThat(best.tolerances()).isEqualTo(List.of(3, 10));

    EarlyStoppingCallbackConfig stopping =
        (EarlyStoppingCallbackConfig)
            bind("kind: early-stopping\nmetric_key: loss/valid/total\npatience: 5\nmode: MAX\n");
    assertThat(stopping.direction(Map.of("loss", Direction.LOWER_IS_BETTER)))
        .isEqualTo(Direction.HIGHER_IS_BETTER);
    assertThat(stopping.minDelta()).isZero();

    FixedStopCallbackConfig fixed =
        (FixedStopCallbackConfig) bind("kind: fixed-stop\nat_sample: 5000\n");
    assertThat(fixed.atSample()).isEqualTo(5000L);
  }

  @Test
  void aValidationErrorReachesTheUserWithTheKeyName() {
    assertThatThrownBy(() -> bind("kind: checkpoint\nevery_n_epochs: 1\nkeep_last: 0\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("trainer.callbacks[0]")
        .hasMessageContaining(
            "keep_last must be at least 1 (or left out to keep every checkpoint), was 0");
    assertThatThrownBy(() -> bind("kind: checkpoint\nevery_n_epoch: 1\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("every_n_epochs");
    assertThatThrownBy(() -> bind("kind: ema\ntarget_factors: [0.9, 1.5]\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("target_factors must be numbers in [0, 1)");
  }
}
