package ai.noether.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.noether.api.callback.Interval;
import ai.noether.core.training.NonFiniteLossPolicy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrainerSectionReaderTest {
  @Test
  void anIntervalTakesItsUnitFromTheKeyThatIsSet() {
    assertThat(TrainerSectionReader.interval(trainer(Map.of("eval_every_n_samples", 64L)), eval()))
        .isEqualTo(new Interval(Interval.Unit.SAMPLES, 64));
    assertThat(TrainerSectionReader.interval(trainer(Map.of("eval_every_n_epochs", 2L)), eval()))
        .isEqualTo(new Interval(Interval.Unit.EPOCHS, 2));
    assertThat(TrainerSectionReader.interval(trainer(Map.of()), eval())).isNull();
  }

  @Test
  void twoIntervalKeysAreRejectedNamingBoth() {
    MapReader t = trainer(Map.of("eval_every_n_epochs", 1L, "eval_every_n_updates", 5L));

    assertThatThrownBy(() -> TrainerSectionReader.interval(t, eval()))
        .hasMessageContaining(
            "trainer.eval_every_n_epochs and trainer.eval_every_n_updates are both set");
  }

  @Test
  void fillsInTheDefaultsOfEverythingOptional() {
    ConfigErrors errors = new ConfigErrors();
    TrainerConfig config =
        TrainerSectionReader.read(
            root(Map.of("max_samples", 100L, "batch_size", 10L)), BlockCheck.NONE, errors);

    assertThat(errors.isEmpty()).isTrue();
    assertThat(config).isNotNull();
    assertThat(config.settings().maxSamples()).isEqualTo(100);
    assertThat(config.settings().logging()).isEqualTo(RunConfigLoader.DEFAULT_LOGGING);
    assertThat(config.settings().evaluation()).isNull();
    assertThat(config.settings().accumulateGradBatches()).isEqualTo(1);
    assertThat(config.step().kind()).isEqualTo(RunConfigLoader.DEFAULT_TRAINING_STEP_KIND);
    assertThat(config.nonFiniteLoss()).isEqualTo(NonFiniteLossPolicy.ERROR);
    assertThat(config.stopTimeoutSeconds()).isEqualTo(RunConfigLoader.DEFAULT_STOP_TIMEOUT_SECONDS);
    assertThat(config.maxFailedSaves()).isEqualTo(RunConfigLoader.DEFAULT_MAX_FAILED_SAVES);
    assertThat(config.callbacks()).isEmpty();
    assertThat(config.loggers()).isEmpty();
  }

  @Test
  void givesNoTrainerOnlyAfterRecordingEveryProblem() {
    ConfigErrors errors = new ConfigErrors();
    TrainerConfig config =
        TrainerSectionReader.read(
            root(Map.of("batch_size", 3_000_000_000L, "non_finite_loss", "skip")),
            BlockCheck.NONE,
            errors);

    assertThat(config).isNull();
    assertThatThrownBy(errors::throwIfAny)
        .hasMessageContaining("the configuration has 3 problems")
        .hasMessageContaining(
            "trainer: missing how long to train; set one of max_epochs, max_updates or"
                + " max_samples")
        .hasMessageContaining("trainer.batch_size: must be at most 2147483647, was 3000000000")
        .hasMessageContaining("trainer.non_finite_loss: must be error or ignore, was 'skip'");
  }

  private static List<String> eval() {
    return TrainerSectionReader.EVAL_KEYS;
  }

  private static MapReader trainer(Map<String, Object> keys) {
    return MapReader.of("trainer", keys, new Origins("run.yaml"), "trainer");
  }

  private static MapReader root(Map<String, Object> trainer) {
    return MapReader.of("", Map.of("trainer", trainer), new Origins("run.yaml"), "root");
  }
}
