package ai.noether.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.noether.api.ConfigException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OptimizerSectionReaderTest {
  @TempDir Path workingDir;

  RunConfig parse(String yaml, String... overrides) {
    return new RunConfigLoader(workingDir, () -> "id").parse(yaml, "run.yaml", List.of(overrides));
  }

  @Test
  void aLearningRateThatIsNotANumberIsAClearErrorNotACrash() {
    // NaN passed every check before and left the optimizer unbuilt: a NullPointerException
    // "optimizer" from the RunConfig constructor.
    assertThatThrownBy(() -> parse(RunConfigLoaderTest.MINIMAL.replace("lr: 0.1", "lr: NaN")))
        .isExactlyInstanceOf(ConfigException.class)
        .hasMessage("run.yaml line 3: optimizer.lr: must be a positive number, was NaN");
    assertThatThrownBy(() -> parse(RunConfigLoaderTest.MINIMAL, "optimizer.lr=NaN"))
        .isExactlyInstanceOf(ConfigException.class)
        .hasMessage(
            "command-line argument 'optimizer.lr=NaN': optimizer.lr: must be a positive number,"
                + " was NaN");
  }

  @Test
  void anInfiniteLearningRateIsRejected() {
    assertThatThrownBy(() -> parse(RunConfigLoaderTest.MINIMAL.replace("lr: 0.1", "lr: '1e400'")))
        .hasMessage("run.yaml line 3: optimizer.lr: must be a positive number, was Infinity");
  }

  @Test
  void readsTheLearningRateTheBlockAndTheSchedule() {
    ConfigErrors errors = new ConfigErrors();
    OptimizerConfig optimizer =
        OptimizerSectionReader.read(
            root(Map.of("kind", "adamw", "lr", 0.5, "schedule", Map.of("kind", "cosine"))),
            BlockCheck.NONE,
            errors);

    assertThat(errors.isEmpty()).isTrue();
    assertThat(optimizer).isNotNull();
    assertThat(optimizer.lr()).isEqualTo(0.5);
    assertThat(optimizer.block().kind()).isEqualTo("adamw");
    assertThat(optimizer.block().settings()).containsOnlyKeys("lr");
    assertThat(optimizer.optSchedule().map(ComponentBlock::kind)).contains("cosine");
  }

  @Test
  void givesNoOptimizerOnlyAfterRecordingEveryProblem() {
    ConfigErrors errors = new ConfigErrors();
    List<String> checked = new java.util.ArrayList<>();

    OptimizerConfig optimizer =
        OptimizerSectionReader.read(
            root(Map.of("lr", "fast", "schedule", Map.of("kind", "cosine"))),
            (role, block) -> checked.add(role + " " + block.kind()),
            errors);

    assertThat(optimizer).isNull();
    assertThat(checked).containsExactly("schedule cosine");
    assertThatThrownBy(errors::throwIfAny)
        .hasMessageContaining("optimizer.lr: expected a number, got 'fast'")
        .hasMessageContaining("optimizer: missing required key 'kind'");
  }

  private static MapReader root(Map<String, Object> optimizer) {
    return MapReader.of("", Map.of("optimizer", optimizer), new Origins("run.yaml"), "root");
  }
}
