package ai.noether.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.api.ConfigException;
import ai.noether.api.callback.Interval;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

class ConfigBinderTest {
  static final String YAML =
      """
      dataset: {kind: synthetic-regression}
      model: {name: regressor, kind: mlp}
      optimizer: {kind: sgd, lr: 0.1}
      trainer:
        max_updates: 10
        batch_size: 4
        loss: mse
        callbacks:
          - kind: checkpoint
            %s
      """;

  static ComponentBlock callback(String settings) {
    RunConfig config =
        new RunConfigLoader(Path.of("/tmp"), () -> "id")
            .parse(YAML.formatted(settings.replace("\n", "\n      ")), "run.yaml", List.of());
    return config.trainer().callbacks().get(0);
  }

  static String error(ComponentBlock block, Class<?> type) {
    return Assertions.assertThrows(
            ConfigException.class, () -> ConfigBinder.bind(block, type, "callback 'checkpoint'"))
        .getMessage();
  }

  @Test
  void bindsSnakeCaseKeysToRecordComponentsAndLeavesAbsentOnesToTheConstructor() {
    CheckpointConfig config =
        ConfigBinder.bind(
            callback("every_n_epochs: 2\nsave_optim: false"),
            CheckpointConfig.class,
            "callback 'checkpoint'");

    assertThat(config).isEqualTo(new CheckpointConfig(2L, null, null, null, 1, false, null));
    assertThat(config.interval()).isEqualTo(Interval.epochs(2));
  }

  @Test
  void bindsNestedRecordsListsAndCaseInsensitiveEnums() {
    CheckpointConfig config =
        ConfigBinder.bind(
            callback(
                "every_n_updates: 5\nsave_optim: true\ntarget: {metric_key: loss/valid/total, mode: MAX}"),
            CheckpointConfig.class,
            "callback 'checkpoint'");

    assertThat(config.target()).isEqualTo(new Target("loss/valid/total", Mode.MAX));
  }

  @Test
  void everyUnknownAndEveryMissingKeyOfABlockIsReportedAtOnce() {
    assertThat(
            error(callback("every_n_epochs: 2\nkeep_lsat: 3\ncolour: red"), RequiredConfig.class))
        .isEqualTo(
            """
            the configuration has 4 problems:
            run.yaml line 11: unknown key 'trainer.callbacks[0].keep_lsat'. Did you mean 'keep_last'? Valid keys of \
            callback 'checkpoint': kind, every_n_epochs, keep_last, save_optim, name
            run.yaml line 12: unknown key 'trainer.callbacks[0].colour'. Valid keys of callback 'checkpoint': kind, \
            every_n_epochs, keep_last, save_optim, name
            run.yaml line 9: trainer.callbacks[0]: missing required key 'save_optim' (true or false) of callback \
            'checkpoint'
            run.yaml line 9: trainer.callbacks[0]: missing required key 'name' (a string) of callback 'checkpoint'""");
  }

  /**
   * keep_last is misspelt, so it is not reported missing as well; name is required by its
   * annotation.
   */
  record RequiredConfig(
      Long everyNEpochs,
      @com.fasterxml.jackson.annotation.JsonProperty(required = true) Integer keepLast,
      boolean saveOptim,
      @com.fasterxml.jackson.annotation.JsonProperty(required = true) String name) {}

  @Test
  void anUnknownKeyListsTheRecordsKeysWithASuggestion() {
    assertThat(
            error(
                callback("every_n_epochs: 2\nsave_optim: true\nkeep_lsat: 3"),
                CheckpointConfig.class))
        .isEqualTo(
            "run.yaml line 12: unknown key 'trainer.callbacks[0].keep_lsat'. Did you mean 'keep_last'? Valid"
                + " keys of callback 'checkpoint': kind, every_n_epochs, every_n_updates, every_n_samples,"
                + " every_n_minutes, keep_last, save_optim, target");
  }

  @Test
  void anUnknownKeyInANestedRecordNamesItsFullPath() {
    assertThat(
            error(
                callback("every_n_epochs: 2\nsave_optim: true\ntarget: {metric: x}"),
                CheckpointConfig.class))
        .startsWith(
            "run.yaml line 12: unknown key 'trainer.callbacks[0].target.metric'. Did you mean 'metric_key'?");
  }

  @Test
  void aMissingPrimitiveIsARequiredKey() {
    assertThat(error(callback("every_n_epochs: 2"), CheckpointConfig.class))
        .isEqualTo(
            "run.yaml line 9: trainer.callbacks[0]: missing required key 'save_optim' (true or false) of"
                + " callback 'checkpoint'");
  }

  @Test
  void aValueOfTheWrongTypeNamesItsPathAndLine() {
    assertThat(
            error(
                callback("every_n_epochs: 2\nsave_optim: true\nkeep_last: two"),
                CheckpointConfig.class))
        .isEqualTo(
            "run.yaml line 12: trainer.callbacks[0].keep_last: expected an integer, got 'two'");
    assertThat(
            error(
                callback("every_n_epochs: 2\nsave_optim: true\nkeep_last: 1.5"),
                CheckpointConfig.class))
        .isEqualTo(
            "run.yaml line 12: trainer.callbacks[0].keep_last: expected an integer, got 1.5");
  }

  @Test
  void anUnknownEnumValueListsTheValidOnes() {
    assertThat(
            error(
                callback(
                    "every_n_epochs: 2\nsave_optim: true\ntarget: {metric_key: x, mode: maximum}"),
                CheckpointConfig.class))
        .isEqualTo(
            "run.yaml line 12: trainer.callbacks[0].target.mode: expected one of min, max, got 'maximum'");
  }

  @Test
  void theRecordsOwnValidationBecomesAConfigErrorWithThePath() {
    assertThat(
            error(
                callback("every_n_epochs: 2\nevery_n_updates: 5\nsave_optim: true"),
                CheckpointConfig.class))
        .isEqualTo(
            "run.yaml line 9: trainer.callbacks[0]: give only one of every_n_epochs and every_n_updates; an"
                + " interval has exactly one unit");
    assertThat(error(callback("save_optim: true"), CheckpointConfig.class))
        .isEqualTo(
            "run.yaml line 9: trainer.callbacks[0]: set one of every_n_epochs, every_n_updates, every_n_samples,"
                + " every_n_minutes");
    assertThat(error(callback("every_n_epochs: 0\nsave_optim: true"), CheckpointConfig.class))
        .isEqualTo("run.yaml line 9: trainer.callbacks[0]: every_n_epochs must be positive, was 0");
  }

  @Test
  void theTrainingStepsKeysAreListedWithTheTrainerKeys() {
    RunConfig config =
        new RunConfigLoader(Path.of("/tmp"), () -> "id")
            .parse(
                YAML.formatted("every_n_epochs: 1").replace("loss: mse", "los: mse"),
                "run.yaml",
                List.of());

    String message =
        Assertions.assertThrows(
                ConfigException.class,
                () ->
                    ConfigBinder.bind(
                        config.trainer().step(), StepConfig.class, "training step 'supervised'"))
            .getMessage();

    assertThat(message)
        .isEqualTo(
            "run.yaml line 7: unknown key 'trainer.los'. Did you mean 'loss'? Valid keys of"
                + " training step 'supervised': kind, max_epochs, max_updates, max_samples, batch_size,"
                + " eval_every_n_epochs, eval_every_n_updates, eval_every_n_samples, log_every_n_epochs,"
                + " log_every_n_updates, log_every_n_samples, callbacks, loggers, non_finite_loss, stop_timeout_seconds,"
                + " max_failed_saves, accumulate_grad_batches, loss");
  }

  @Test
  void aVoidConfigTakesNoKeys() {
    assertThat(error(callback("every_n_epochs: 1"), Void.class))
        .isEqualTo(
            "run.yaml line 10: unknown key 'trainer.callbacks[0].every_n_epochs'. Valid keys of callback"
                + " 'checkpoint' (it takes no settings of its own): kind");
    assertThat(ConfigBinder.bind(ComponentBlock.of("x", "k", Map.of()), Void.class, "x")).isNull();
  }

  @Test
  void aMapConfigTakesAnyKeys() {
    @SuppressWarnings("unchecked")
    Map<String, Object> config =
        ConfigBinder.bind(callback("anything: [1, 2]"), Map.class, "callback");

    assertThat(config).containsExactly(Map.entry("anything", List.of(1L, 2L)));
  }

  /** A config record the way plugins write them. */
  record CheckpointConfig(
      Long everyNEpochs,
      Long everyNUpdates,
      Long everyNSamples,
      Long everyNMinutes,
      Integer keepLast,
      boolean saveOptim,
      Target target) {
    CheckpointConfig {
      if (Interval.fromKeys(everyNEpochs, everyNUpdates, everyNSamples, everyNMinutes) == null) {
        throw new IllegalArgumentException(
            "set one of every_n_epochs, every_n_updates, every_n_samples, every_n_minutes");
      }
      keepLast = keepLast == null ? 1 : keepLast;
    }

    Interval interval() {
      return Interval.fromKeys(everyNEpochs, everyNUpdates, everyNSamples, everyNMinutes);
    }
  }

  record Target(String metricKey, Mode mode) {}

  enum Mode {
    MIN,
    MAX
  }

  record StepConfig(String loss) {}
}
