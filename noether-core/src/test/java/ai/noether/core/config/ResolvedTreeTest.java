package ai.noether.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.api.checkpoint.CheckpointSelector;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.StoreLocation;
import ai.noether.api.run.DeviceSpec;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResolvedTreeTest {
  private static final StoreLocation OUTPUT = StoreLocation.parse("runs", Path.of("/work"));

  @Test
  void aBlockCopyStartsWithItsKindAndKeepsTheOtherKeysInOrder() {
    Map<String, Object> block = new LinkedHashMap<>();
    block.put("b", 1L);
    block.put("kind", "written");
    block.put("a", 2L);

    assertThat(ResolvedTree.withKind(block, "chosen"))
        .containsExactly(Map.entry("kind", "chosen"), Map.entry("b", 1L), Map.entry("a", 2L));
    assertThat(ResolvedTree.withKind(null, "file")).containsExactly(Map.entry("kind", "file"));
  }

  @Test
  void aFreshRunGetsItsDefaultsAndNoResumeOrEngineKeys() {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("trainer", Map.of("max_updates", 10L));

    Map<String, Object> tree =
        ResolvedTree.of(
            root, "r1", "train", OUTPUT, 7, DeviceSpec.AUTO, null, false, "file", "supervised");

    assertThat(tree.keySet())
        .containsExactly(
            "run_id",
            "stage_name",
            "output_dir",
            "seed",
            "device",
            "store",
            "dataset",
            "model",
            "optimizer",
            "trainer");
    assertThat(tree.get("output_dir")).isEqualTo(OUTPUT.toString());
    assertThat(tree.get("store")).isEqualTo(Map.of("kind", "file"));
    assertThat(tree.get("trainer"))
        .isEqualTo(
            Map.of(
                "kind",
                "supervised",
                "max_updates",
                10L,
                "log_every_n_updates",
                RunConfigLoader.DEFAULT_LOGGING.every()));
  }

  @Test
  void aWrittenLogIntervalIsKeptAndTheResumeKeysFollowTheWrittenOnes() {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("engine", Map.of("threads", 2L));
    root.put("resume_checkpoint", "E3");
    root.put("trainer", Map.of("log_every_n_epochs", 1L));
    ResumeConfig resume =
        new ResumeConfig(new StageId("old", "pretrain"), CheckpointSelector.parse("E3"));

    Map<String, Object> tree =
        ResolvedTree.of(
            root, "r1", "pretrain", OUTPUT, 0, DeviceSpec.AUTO, resume, true, "file", "supervised");

    assertThat(tree)
        .containsEntry("engine", Map.of("threads", 2L))
        .containsEntry("resume_run_id", "old")
        .containsEntry("resume_stage_name", "pretrain")
        .containsEntry("resume_checkpoint", "E3")
        .containsEntry("resume_if_exists", true)
        .doesNotContainKey("resume_fallback");
    assertThat(tree.get("trainer"))
        .isEqualTo(Map.of("kind", "supervised", "log_every_n_epochs", 1L));
  }
}
