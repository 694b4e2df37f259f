package ai.noether.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.api.checkpoint.CheckpointFile;
import ai.noether.api.checkpoint.CheckpointFileKind;
import ai.noether.api.checkpoint.CheckpointFileName;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.TrainingIteration;
import ai.noether.core.format.th.ThFormat;
import ai.noether.core.store.FileCheckpointStore;
import ai.noether.core.store.NoetherPythonRun;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RunsCommandTest {
  @TempDir Path dir;

  private String[] run(String... args) {
    return NoetherCliTest.runIn(dir, args);
  }

  private void commit(String run, String stage, TrainingIteration at, Set<CheckpointTag> aliases)
      throws Exception {
    try (FileCheckpointStore store = FileCheckpointStore.open(dir.resolve("runs"))) {
      CheckpointTag tag = CheckpointTag.at(at);
      List<CheckpointFile> files =
          List.of(
              ThFormat.encoder()
                  .encode(
                      CheckpointFileName.of("mlp", tag, CheckpointFileKind.MODEL),
                      Map.of("update", at.update())));
      store.commit(new StageId(run, stage), tag, at, files, aliases);
    }
  }

  @Test
  void listsRunsWithTheirStages() throws Exception {
    commit("run-a", "train", new TrainingIteration(1, 10, 320), Set.of(CheckpointTag.LATEST));
    commit("run-b", "train", new TrainingIteration(1, 10, 320), Set.of());
    commit("run-b", "finetune", new TrainingIteration(1, 10, 320), Set.of());

    String[] r = run("runs");

    assertThat(r[0]).isEqualTo("0");
    assertThat(r[1])
        .contains("run-a  (stages: train)")
        .contains("run-b  (stages: finetune, train)");
  }

  @Test
  void showsTheCheckpointsOfOneRunWithTagsAndIterations() throws Exception {
    commit("run-a", "train", new TrainingIteration(1, 10, 320), Set.of());
    commit("run-a", "train", new TrainingIteration(2, 20, 640), Set.of(CheckpointTag.LATEST));

    String[] r = run("runs", "run-a");

    assertThat(r[0]).isEqualTo("0");
    assertThat(r[1])
        .contains("run-a/train")
        .containsPattern("E1_U10_S320 +E1_U10_S320")
        .containsPattern("latest +E2_U20_S640");
  }

  @ParameterizedTest
  @EnumSource(NoetherPythonRun.Writer.class)
  void listsRunsWrittenByNoetherInPythonWithTheirStagesAndEveryCheckpointAtItsIteration(
      NoetherPythonRun.Writer writer) throws Exception {
    NoetherPythonRun.write(writer, dir.resolve("runs"), "py-flat", null);
    NoetherPythonRun.write(writer, dir.resolve("runs"), "py-staged", "pretrain");

    String[] overview = run("runs");
    String[] flat = run("runs", "py-flat");

    assertThat(overview[0]).isEqualTo("0");
    assertThat(overview[1])
        .contains("py-flat  (stages: (no stage))")
        .contains("py-staged  (stages: pretrain)");
    assertThat(flat[0]).isEqualTo("0");
    assertThat(flat[1])
        .contains("py-flat  (no stage): checkpoints directly in py-flat/checkpoints")
        .containsPattern("\\n  E1_U10_S320 +E1_U10_S320 ")
        .containsPattern("\\n  best_model.loss.online.total.tolerance=5 +E1_U10_S320 ")
        .containsPattern("\\n  best_model.loss.online.total +E2_U20_S640 ")
        .containsPattern("\\n  latest +E3_U30_S960 ")
        .containsPattern("\\n  last +E3_U35_S1120 ")
        .doesNotContain("E0_U0_S0")
        .doesNotContain("tracker");
    assertThat(run("runs", "py-staged")[1])
        .contains("py-staged/pretrain\n")
        .containsPattern("\\n  latest +E3_U30_S960 ");
  }

  @Test
  void anUnknownRunListsTheRunsThatExist() throws Exception {
    commit("run-a", "train", new TrainingIteration(1, 10, 320), Set.of());

    String[] r = run("runs", "run-x");

    assertThat(r[0]).as("a usage error, as in resume, verify and plot").isEqualTo("2");
    assertThat(r[2]).contains("run 'run-x' does not exist").contains("runs there: run-a");
  }
}
