package ai.noether.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.noether.api.checkpoint.CheckpointSelector;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.run.EngineConfig;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RootKeysTest {
  @Test
  void engineThreadCountsAreCappedAt4096() {
    assertThat(RootKeys.engine(root(Map.of("engine", Map.of("threads", 1_000_000L)))))
        .isEqualTo(new EngineConfig(4096, null));
    assertThat(RootKeys.engine(root(Map.of()))).isEqualTo(EngineConfig.DEFAULT);
  }

  @Test
  void resumingWithOnlyARunIdContinuesItsLatestCheckpointOfStageTrain() {
    ResumeConfig resume = RootKeys.resume(root(Map.of("resume_run_id", "old-run")));

    assertThat(resume)
        .isEqualTo(
            new ResumeConfig(
                new StageId("old-run", RunConfigLoader.DEFAULT_STAGE_NAME),
                CheckpointSelector.parse("latest"),
                true));
    assertThat(RootKeys.resume(root(Map.of()))).isNull();
  }

  @Test
  void resumeKeysWithoutTheRunToResumeNameTheKeyAndTheFix() {
    assertThatThrownBy(() -> RootKeys.resume(root(Map.of("resume_checkpoint", "E2"))))
        .hasMessage(
            "run.yaml: resume_checkpoint: is set but resume_run_id is not; set resume_run_id to the run to"
                + " resume, or remove resume_checkpoint");
  }

  @Test
  void theOutputDirectoryDefaultsToRunsUnderTheWorkingDirectory() {
    Path work = Path.of("/work/project");

    assertThat(RootKeys.output(root(Map.of()), work).workDir(work)).isEqualTo(work.resolve("runs"));
  }

  private static MapReader root(Map<String, Object> keys) {
    return MapReader.of("", keys, new Origins("run.yaml"), "root");
  }
}
