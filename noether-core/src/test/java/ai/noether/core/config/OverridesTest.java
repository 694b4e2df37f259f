package ai.noether.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.api.ConfigException;
import ai.noether.api.callback.Interval;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OverridesTest {
  static final String FILE =
      """
      run_id: from-file
      dataset: {kind: synthetic-regression, samples: 100}
      model: {name: regressor, kind: mlp}
      optimizer: {kind: adamw, lr: 0.01}
      trainer:
        max_epochs: 3
        batch_size: 8
        eval_every_n_epochs: 1
        callbacks:
          - kind: checkpoint
            every_n_epochs: 1
          - kind: checkpoint
            every_n_epochs: 2
            keep_last: 1
      """;

  @TempDir Path workingDir;

  RunConfig parse(String... overrides) {
    return new RunConfigLoader(workingDir, () -> "generated")
        .parse(FILE, "run.yaml", List.of(overrides));
  }

  String error(String... overrides) {
    return Assertions.assertThrows(ConfigException.class, () -> parse(overrides)).getMessage();
  }

  @Test
  void overridesReplaceFileValuesWithValuesTypedAsYamlTypesThem() {
    RunConfig config =
        parse(
            "output_dir=/tmp/x",
            "run_id=abc",
            "trainer.max_updates=50",
            "trainer.callbacks[1].every_n_updates=5",
            "optimizer.lr=1e-3",
            "seed=7");

    assertThat(config.outputDir()).isEqualTo(Path.of("/tmp/x"));
    assertThat(config.runId()).isEqualTo("abc");
    assertThat(config.seed()).isEqualTo(7);
    assertThat(config.optimizer().lr()).isEqualTo(1e-3);
    assertThat(config.trainer().settings().maxUpdates()).isEqualTo(50);
    assertThat(config.trainer().callbacks().get(1).settings())
        .containsExactly(Map.entry("keep_last", 1L), Map.entry("every_n_updates", 5L));
  }

  @Test
  void settingOneTrainingLimitReplacesTheOneInTheFile() {
    RunConfig config = parse("trainer.max_updates=50");

    assertThat(config.trainer().settings().maxEpochs()).isZero();
    assertThat(config.trainer().settings().maxUpdates()).isEqualTo(50);
    assertThat(config.toYaml()).doesNotContain("max_epochs");
  }

  @Test
  void settingOneIntervalReplacesTheOtherUnitsOfTheSameFamilyOnly() {
    RunConfig config = parse("trainer.eval_every_n_updates=20", "trainer.log_every_n_samples=64");

    assertThat(config.trainer().settings().evaluation()).isEqualTo(Interval.updates(20));
    assertThat(config.trainer().settings().logging()).isEqualTo(Interval.samples(64));
  }

  @Test
  void twoExclusiveKeysOnOneCommandLineAreRejected() {
    assertThat(error("trainer.max_epochs=1", "trainer.max_updates=5"))
        .isEqualTo(
            "command-line arguments 'trainer.max_epochs=1' and 'trainer.max_updates=5' set trainer.max_epochs"
                + " and trainer.max_updates, which exclude each other; keep one");
  }

  @Test
  void theSameKeyTwiceTakesTheLastValue() {
    assertThat(parse("seed=1", "seed=2").seed()).isEqualTo(2);
  }

  @Test
  void anEmptyValueRemovesTheKeySoItsDefaultApplies() {
    RunConfig config = parse("run_id=", "trainer.eval_every_n_epochs=null");

    assertThat(config.runId()).isEqualTo("generated");
    assertThat(config.trainer().settings().evaluation()).isNull();
  }

  @Test
  void listEntriesCanBeReplacedAppendedAndRemoved() {
    RunConfig config =
        parse(
            "trainer.callbacks[2]={kind: ema, target_factors: [0.999, 0.9999]}",
            "trainer.callbacks[0]=null");

    assertThat(config.trainer().callbacks())
        .extracting(ComponentBlock::kind)
        .containsExactly("checkpoint", "ema");
    assertThat(config.trainer().callbacks().get(1).settings())
        .containsEntry("target_factors", List.of(0.999, 0.9999));
    assertThat(config.trainer().callbacks().get(1).where())
        .isEqualTo(
            "command-line argument 'trainer.callbacks[2]={kind: ema, target_factors: [0.999, 0.9999]}'");
  }

  @Test
  void missingMappingsOnThePathAreCreated() {
    RunConfig config =
        parse("optimizer.schedule.kind=warmup-cosine", "optimizer.schedule.warmup_updates=10");

    assertThat(config.optimizer().schedule().kind()).isEqualTo("warmup-cosine");
    assertThat(config.optimizer().schedule().settings())
        .containsExactly(Map.entry("warmup_updates", 10L));
  }

  @Test
  void anUnknownKeyFailsLikeOneInTheFileNamingTheArgument() {
    assertThat(error("trainr.max_updates=5"))
        .startsWith(
            "command-line argument 'trainr.max_updates=5': unknown key 'trainr'. Did you mean 'trainer'?"
                + " Valid keys at the top level: run_id, ");
  }

  @Test
  void aWrongTypeNamesTheArgument() {
    assertThat(error("trainer.batch_size=abc"))
        .isEqualTo(
            "command-line argument 'trainer.batch_size=abc': trainer.batch_size: expected an integer, got 'abc'");
  }

  @Test
  void anIndexPastTheEndOfAListSaysWhichIndicesExist() {
    assertThat(error("trainer.callbacks[5].every_n_updates=5"))
        .isEqualTo(
            "command-line argument 'trainer.callbacks[5].every_n_updates=5': trainer.callbacks has 2 entries,"
                + " so [5] does not exist (valid indices are 0 to 1)");
  }

  @Test
  void aKeyBelowAScalarIsRejected() {
    assertThat(error("run_id.value=1"))
        .isEqualTo(
            "command-line argument 'run_id.value=1': run_id is 'from-file', not a mapping, so it has no keys"
                + " to set");
  }

  @Test
  void anArgumentWithoutEqualsSignShowsTheForm() {
    assertThat(error("trainer.max_updates"))
        .isEqualTo(
            "command-line argument 'trainer.max_updates' is not key.path=value (for example"
                + " trainer.max_updates=50 or optimizer.lr=1e-3)");
  }

  @Test
  void aMalformedPathIsRejected() {
    assertThat(error("trainer..max_updates=5"))
        .startsWith(
            "command-line argument 'trainer..max_updates=5': 'trainer..max_updates' is not a key path");
  }

  @Test
  void errorsInsideABlockLaterPointAtTheFileLineOfTheUntouchedKeys() {
    assertThat(error("trainer.max_updates=5", "trainer.batch_size=0"))
        .isEqualTo(
            "command-line argument 'trainer.batch_size=0': trainer.batch_size: must be positive, was 0");
  }
}
