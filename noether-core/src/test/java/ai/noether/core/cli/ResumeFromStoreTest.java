package ai.noether.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.api.checkpoint.CheckpointFileKind;
import ai.noether.api.checkpoint.CheckpointFileName;
import ai.noether.api.checkpoint.CheckpointKeys;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.TrainingIteration;
import ai.noether.core.checkpoint.CheckpointContents;
import ai.noether.core.config.RunConfig;
import ai.noether.core.config.RunConfigLoader;
import ai.noether.core.format.th.ThFormat;
import ai.noether.core.store.memory.MemoryCheckpointStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code resume --output-dir <uri>} on a machine that has never seen the run: no local {@code
 * config.yaml}, nothing under the working directory; the stage, the checkpoint and the
 * configuration all come from the store the URI names.
 */
class ResumeFromStoreTest {
  private static final String MEM = "mem://resume-test/runs";
  private static final String RUN =
      """
      run_id: run-1
      stage_name: train
      output_dir: mem://resume-test/runs
      seed: 3
      dataset: {kind: test-dataset, samples: 64}
      model: {name: net, kind: test-model}
      optimizer: {kind: test-optimizer, lr: 0.1}
      trainer: {kind: test-step, max_epochs: 2, batch_size: 4}
      """;

  @TempDir Path trainedOn;
  @TempDir Path otherMachine;
  final NoetherCliTest.RecordingLauncher launcher = new NoetherCliTest.RecordingLauncher();

  @BeforeEach
  void emptyMemory() {
    MemoryCheckpointStore.clearAll();
  }

  /**
   * What a trainer on the first machine leaves in the store: a checkpoint whose trainer file holds
   * the config.
   */
  private void trainOnTheFirstMachine() throws Exception {
    trainOnTheFirstMachine(null);
  }

  /**
   * @param formatVersion the trainer file's {@code noether_format_version}, or null for none
   */
  private void trainOnTheFirstMachine(Long formatVersion) throws Exception {
    RunConfig saved =
        new RunConfigLoader(trainedOn, () -> "unused").parse(RUN, "run.yaml", List.of());
    TrainingIteration iteration = new TrainingIteration(2, 20, 640);
    CheckpointTag tag = CheckpointTag.at(iteration);
    Map<String, Object> trainer = new LinkedHashMap<>();
    trainer.put(CheckpointKeys.CHECKPOINT_TAG, tag.token());
    trainer.put(CheckpointKeys.TRAINING_ITERATION, CheckpointContents.iterationTree(iteration));
    if (formatVersion != null) {
      trainer.put(CheckpointKeys.FORMAT_VERSION, formatVersion);
    }
    trainer.put(CheckpointKeys.CONFIG, saved.toPlainTree());
    try (var store = NoetherCliTest.REGISTRY.createStore(saved.output())) {
      store.commit(
          saved.stage(),
          tag,
          iteration,
          List.of(
              ThFormat.encoder()
                  .encode(CheckpointFileName.of("net", tag, CheckpointFileKind.TRAINER), trainer)),
          Set.of(CheckpointTag.LATEST));
    }
  }

  private String[] run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status =
        new NoetherCli(() -> NoetherCliTest.REGISTRY, launcher, otherMachine)
            .execute(new PrintWriter(out), new PrintWriter(err), args);
    return new String[] {Integer.toString(status), out.toString(), err.toString()};
  }

  @Test
  void resumeFindsStageCheckpointAndConfigurationInTheStoreAlone() throws Exception {
    trainOnTheFirstMachine();

    String[] r = run("resume", "run-1", "--output-dir", MEM, "trainer.max_epochs=3");

    assertThat(r[0]).as(r[2]).isEqualTo("0");
    assertThat(launcher.launched)
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.output()).hasToString(MEM);
              assertThat(c.store().kind()).isEqualTo("mem");
              assertThat(c.seed()).isEqualTo(3);
              assertThat(c.trainer().settings().maxEpochs()).isEqualTo(3);
              assertThat(c.optResume())
                  .hasValueSatisfying(
                      resume ->
                          assertThat(resume.stage()).isEqualTo(new StageId("run-1", "train")));
            });
    try (Stream<Path> files = Files.list(otherMachine)) {
      assertThat(files).as("nothing was needed, or written, on this machine").isEmpty();
    }
  }

  @Test
  void resumeOfACheckpointWrittenInANewerFormatSaysSoWithoutAStackTrace() throws Exception {
    trainOnTheFirstMachine(CheckpointContents.FORMAT_VERSION + 1);

    String[] r = run("resume", "run-1", "--output-dir", MEM);

    assertThat(r[0]).isEqualTo(Integer.toString(NoetherCli.FAILURE));
    assertThat(r[2])
        .contains(
            "run-1/train/net_cp=latest_trainer.th was written in checkpoint format version 3 by a newer"
                + " Noether for the JVM; this build reads versions 1 to 2. Resume it with a newer build.")
        .doesNotContain("unexpected failure")
        .doesNotContain("\tat ai.noether");
    assertThat(launcher.launched)
        .as("nothing is started from a file this build cannot read")
        .isEmpty();
  }

  @Test
  void resumeOfACheckpointOfTheCurrentFormatStarts() throws Exception {
    trainOnTheFirstMachine(CheckpointContents.FORMAT_VERSION);

    String[] r = run("resume", "run-1", "--output-dir", MEM);

    assertThat(r[0]).as(r[2]).isEqualTo("0");
    assertThat(launcher.launched).hasSize(1);
  }

  @Test
  void resumeOfARunTheStoreDoesNotHaveListsItsRuns() throws Exception {
    trainOnTheFirstMachine();

    String[] r = run("resume", "run-9", "--output-dir", MEM);

    assertThat(r[0]).isEqualTo(Integer.toString(NoetherCli.USAGE));
    assertThat(r[2]).contains("run 'run-9' does not exist in " + MEM).contains("runs there: run-1");
  }
}
