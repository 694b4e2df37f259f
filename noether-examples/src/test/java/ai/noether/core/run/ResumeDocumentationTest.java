package ai.noether.core.run;

import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.api.checkpoint.CheckpointKeys;
import ai.noether.api.checkpoint.TrainingIteration;
import ai.noether.core.config.RunConfig;
import ai.noether.core.resume.CheckpointReader;
import ai.noether.core.resume.ConfigDiff;
import ai.noether.core.training.StopRequest;
import ai.noether.core.training.TrainingResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The YAML example of {@code docs/resume.md} does what the page says: after the quickstart run
 * {@code quickstart-1}, it continues that run from epoch 8 in a new stage {@code longer} and trains
 * it to 16 epochs, reporting the longer training as an allowed change.
 */
class ResumeDocumentationTest {
  static final Path DOC = Path.of("..", "docs", "resume.md");
  static final Path QUICKSTART = Path.of("configs", "quickstart.yaml");

  @TempDir Path dir;

  @Test
  void theDocumentedResumeConfigurationContinuesTheQuickstartFromEpochEightInANewStage()
      throws Exception {
    Matcher yaml =
        Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL).matcher(Files.readString(DOC));
    assertThat(yaml.find()).as("a yaml block in %s", DOC).isTrue();
    String out = "output_dir=" + dir;
    StageRuns.train(Files.readString(QUICKSTART), out, "run_id=quickstart-1");

    RunConfig config = StageRuns.config(yaml.group(1), List.of(out));
    StageRuns.REGISTRY.validate(config);
    try (StageAssembly stage =
        StageAssembly.assemble(config, StageRuns.REGISTRY, new StopRequest())) {
      assertThat(stage.resumedFrom().orElseThrow().source())
          .isEqualTo("quickstart-1/train@E8_U512_S16384");
      assertThat(stage.configChanges())
          .extracting(ConfigDiff.Change::describe)
          .containsExactly("trainer.max_epochs: 12 -> 16");
      TrainingResult result = stage.trainer().run();

      assertThat(result.iteration()).isEqualTo(new TrainingIteration(16, 1024, 32768));
      List<?> lineage =
          (List<?>)
              CheckpointReader.forResume(stage.store(), result.finalCheckpoint(), "mlp")
                  .trainer()
                  .get(CheckpointKeys.LINEAGE);
      assertThat(lineage).hasSize(1);
      Map<?, ?> entry = (Map<?, ?>) lineage.get(0);
      assertThat(entry.get(CheckpointKeys.RUN_ID)).isEqualTo("quickstart-1");
      assertThat(entry.get(CheckpointKeys.STAGE_NAME)).isEqualTo("train");
      assertThat(entry.get(CheckpointKeys.CHECKPOINT_TAG)).isEqualTo("E8_U512_S16384");
    }
    assertThat(dir.resolve("quickstart-1/longer/checkpoints/mlp_cp=last_model.th")).isRegularFile();
  }
}
