package ai.noether.core.run;

import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.api.checkpoint.CheckpointKeys;
import ai.noether.core.config.RunConfig;
import ai.noether.core.config.RunConfigLoader;
import ai.noether.core.registry.ComponentRegistry;
import ai.noether.core.resume.CheckpointReader;
import ai.noether.core.resume.LoadedCheckpoint;
import ai.noether.core.training.StopRequest;
import ai.noether.core.training.TrainingResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs stages in this JVM the way {@code noether train} and {@code noether resume} do, each built
 * anew from its configuration (and, for a resume, its checkpoint) through the real registry, store,
 * model, optimizer and trainer, and captures what a bitwise comparison needs.
 */
final class StageRuns {
  static final ComponentRegistry REGISTRY = ComponentRegistry.load();

  private StageRuns() {}

  /**
   * What a stage ended with.
   *
   * @param result how training ended
   * @param weights the model's weights at the end, read from the live model
   * @param optimizer the optimizer and schedule state in the final checkpoint
   * @param trainer the trainer file of the final checkpoint, minus what legitimately differs
   *     between runs (the run id, the configuration, the lineage and the history's resume markers)
   * @param history the metric history's events
   * @param checkpoint the final checkpoint as read back
   */
  record Outcome(
      TrainingResult result,
      Map<String, String> weights,
      Map<String, String> optimizer,
      Map<String, String> trainer,
      List<String> history,
      LoadedCheckpoint checkpoint) {}

  /** Loads {@code yaml} with {@code overrides} applied, as the command line loads a file. */
  static RunConfig config(String yaml, List<String> overrides) {
    return new RunConfigLoader(Path.of("").toAbsolutePath(), () -> "generated-run-id")
        .parse(yaml, "test.yaml", overrides);
  }

  /** Builds the stage {@code yaml} and {@code overrides} describe and trains it. */
  static Outcome train(String yaml, String... overrides) throws IOException {
    RunConfig config = config(yaml, List.of(overrides));
    REGISTRY.validate(config);
    try (StageAssembly stage = StageAssembly.assemble(config, REGISTRY, new StopRequest())) {
      TrainingResult result = stage.trainer().run();
      LoadedCheckpoint last =
          CheckpointReader.forResume(
              stage.store(), result.finalCheckpoint(), config.model().name());
      Map<String, Object> optimizer = new LinkedHashMap<>();
      optimizer.put(CheckpointKeys.OPTIMIZER, last.optimizer());
      optimizer.put(CheckpointKeys.SCHEDULE, last.schedule());
      return new Outcome(
          result,
          StateTrees.fingerprint(stage.model().stateDict()),
          StateTrees.fingerprint(optimizer),
          StateTrees.fingerprint(StateTrees.comparableTrainerState(last.trainer())),
          StateTrees.events(stage.trainer().history()),
          last);
    }
  }

  /**
   * Checks that {@code other} ended where {@code uninterrupted} did, with the same weights,
   * optimizer and schedule state, trainer state and metric history, bit for bit.
   */
  static void assertSameEnd(Outcome other, Outcome uninterrupted) {
    assertThat(other.result().iteration()).isEqualTo(uninterrupted.result().iteration());
    assertThat(StateTrees.differences(other.weights(), uninterrupted.weights()))
        .as("weights")
        .isEmpty();
    assertThat(StateTrees.differences(other.optimizer(), uninterrupted.optimizer()))
        .as("optimizer")
        .isEmpty();
    assertThat(StateTrees.differences(other.trainer(), uninterrupted.trainer()))
        .as("trainer state")
        .isEmpty();
    assertThat(other.history()).isEqualTo(uninterrupted.history());
  }
}
