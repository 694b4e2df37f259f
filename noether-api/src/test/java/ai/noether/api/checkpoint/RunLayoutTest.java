package ai.noether.api.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class RunLayoutTest {
  private final Path out = Path.of("/data/runs");

  @Test
  void aStageKeepsItsFilesInItsOwnDirectory() {
    RunLayout layout = RunLayout.of(out, "run-1", "train");

    assertThat(layout.runDir()).isEqualTo(Path.of("/data/runs/run-1"));
    assertThat(layout.stageDir()).isEqualTo(Path.of("/data/runs/run-1/train"));
    assertThat(layout.checkpointDir()).isEqualTo(Path.of("/data/runs/run-1/train/checkpoints"));
    assertThat(layout.historyFile()).isEqualTo(Path.of("/data/runs/run-1/train/history.jsonl"));
    assertThat(layout.resolvedConfigFile())
        .isEqualTo(Path.of("/data/runs/run-1/train/config.yaml"));
    assertThat(layout.plotsDir()).isEqualTo(Path.of("/data/runs/run-1/train/plots"));
    assertThat(layout.startedFile()).isEqualTo(Path.of("/data/runs/run-1/train/.started"));
    assertThat(layout.checkpointFile(CheckpointFileName.parse("mlp_cp=latest_model.th")))
        .isEqualTo(Path.of("/data/runs/run-1/train/checkpoints/mlp_cp=latest_model.th"));
  }

  @Test
  void aRunWithoutStagesKeepsThemInTheRunDirectory() {
    RunLayout layout = new RunLayout(out, StageId.stageless("py-run"));

    assertThat(layout.stageDir()).isEqualTo(Path.of("/data/runs/py-run"));
    assertThat(layout.checkpointDir()).isEqualTo(Path.of("/data/runs/py-run/checkpoints"));
    assertThat(RunLayout.checkpointPrefix(layout.stage())).isEqualTo("py-run/checkpoints/");
    assertThat(RunLayout.checkpointPrefix(new StageId("run-1", "train")))
        .isEqualTo("run-1/train/checkpoints/");
  }

  @Test
  void pathsOfAStageDirectoryLeadBackToTheOutputDirectory() {
    Path stageDir = RunLayout.of(out, "run-1", "train").stageDir();

    assertThat(RunLayout.outputDirOfStageDir(stageDir)).isEqualTo(out);
    assertThat(
            RunLayout.stageDirOfCheckpointFile(
                Path.of("/data/runs/run-1/train/checkpoints/mlp_cp=latest_model.th")))
        .isEqualTo(stageDir);
    assertThat(RunLayout.historyFileIn(stageDir))
        .isEqualTo(RunLayout.of(out, "run-1", "train").historyFile());
  }
}
