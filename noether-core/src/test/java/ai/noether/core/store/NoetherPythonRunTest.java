package ai.noether.core.store;

import static ai.noether.core.store.NoetherPythonRun.BEST;
import static ai.noether.core.store.NoetherPythonRun.BEST_TOLERANCE;
import static ai.noether.core.store.NoetherPythonRun.LATEST;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.noether.api.checkpoint.CheckpointFileKind;
import ai.noether.api.checkpoint.CheckpointNotFoundException;
import ai.noether.api.checkpoint.CheckpointSelector;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.CorruptCheckpointException;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.checkpoint.TrainingIteration;
import ai.noether.api.tensor.HostTensor;
import ai.noether.core.format.th.ThFormat;
import ai.noether.core.format.th.ThReader;
import ai.noether.core.store.NoetherPythonRun.Writer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Runs written by Noether in Python (no manifests) as this store lists and selects them. */
class NoetherPythonRunTest {
  private static final List<String> LISTING =
      List.of(
          "E1_U10_S320",
          "best_model.loss.online.total.tolerance=5 @ E1_U10_S320",
          "E2_U20_S640",
          "best_model.loss.online.total @ E2_U20_S640",
          "E3_U30_S960",
          "latest @ E3_U30_S960",
          "last @ E3_U35_S1120");

  @TempDir Path outputDir;

  private static List<String> describe(List<StoredCheckpoint> checkpoints) {
    return checkpoints.stream().map(StoredCheckpoint::describe).toList();
  }

  private static List<String> fileNames(StoredCheckpoint checkpoint) {
    return checkpoint.files().stream().map(f -> f.name().format()).toList();
  }

  @ParameterizedTest
  @EnumSource(Writer.class)
  void everyCheckpointOfANoetherPythonStageIsListedAtTheIterationItsFilesRecord(Writer writer)
      throws IOException {
    NoetherPythonRun.write(writer, outputDir, "py-run", "train");
    FileCheckpointStore store = FileCheckpointStore.open(outputDir);

    List<StoredCheckpoint> listed = store.list(new StageId("py-run", "train"));

    assertThat(describe(listed)).containsExactlyElementsOf(LISTING);
    assertThat(fileNames(listed.get(5)))
        .containsExactly(
            "ab_upt_cp=latest_model.th",
            "ab_upt_cp=latest_optim.th",
            "ab_upt_cp=latest_trainer.th",
            "ab_upt_ema=0.9999_cp=latest_model.th");
    assertThat(store.stages("py-run")).containsExactly("train");
  }

  @ParameterizedTest
  @EnumSource(Writer.class)
  void bestCheckpointsAreSelectedByNoethersTagByTheMetricKeyAndByOurOwnSpelling(Writer writer)
      throws IOException {
    NoetherPythonRun.write(writer, outputDir, "py-run", "train");
    FileCheckpointStore store = FileCheckpointStore.open(outputDir);
    StageId stage = new StageId("py-run", "train");

    for (String selector :
        List.of(
            "best_model.loss.online.total",
            "best_model.loss/online/total",
            "best.loss/online/total",
            "best.loss~online~total")) {
      StoredCheckpoint best = store.resolve(stage, CheckpointSelector.parse(selector));
      assertThat(best.iteration()).as(selector).isEqualTo(BEST);
      assertThat(fileNames(best))
          .as(selector)
          .containsExactly("ab_upt_cp=best_model.loss.online.total_model.th");
    }
    for (String selector :
        List.of(
            "best_model.loss.online.total.tolerance=5",
            "best_model.loss.online.total.tolerance5")) {
      StoredCheckpoint best = store.resolve(stage, CheckpointSelector.parse(selector));
      assertThat(best.iteration()).as(selector).isEqualTo(BEST_TOLERANCE);
      assertThat(fileNames(best))
          .as(selector)
          .containsExactly("ab_upt_cp=best_model.loss.online.total.tolerance=5_model.th");
    }
    assertThatThrownBy(
            () -> store.resolve(stage, CheckpointSelector.parse("best.loss/online total")))
        .isInstanceOf(CheckpointNotFoundException.class)
        .hasMessageStartingWith(
            "no checkpoint 'best.loss~online%20total' in run 'py-run' stage 'train'");
    assertThatThrownBy(
            () ->
                store.resolve(
                    stage, CheckpointSelector.parse("best_model.loss.online.total.tolerance=3")))
        .isInstanceOf(CheckpointNotFoundException.class)
        .hasMessageContaining(
            "no checkpoint 'best_model.loss.online.total.tolerance=3' in run 'py-run' stage 'train'")
        .hasMessageContaining(
            "best_model.loss.online.total @ E2_U20_S640, E3_U30_S960, latest @ E3_U30_S960");
  }

  @ParameterizedTest
  @EnumSource(Writer.class)
  void aRunTrainedWithoutAStageHasOneStageWithoutName(Writer writer) throws IOException {
    NoetherPythonRun.write(writer, outputDir, "py-flat", null);
    // Noether links a resumed run to its ancestor inside the run directory
    Path ancestor = NoetherPythonRun.write(Writer.JAVA, outputDir, "py-older", null).getParent();
    Files.createSymbolicLink(outputDir.resolve("py-flat").resolve("ancestor"), ancestor);
    FileCheckpointStore store = FileCheckpointStore.open(outputDir);

    assertThat(store.stages("py-flat")).containsExactly(StageId.NO_STAGE);
    assertThat(describe(store.list(StageId.stageless("py-flat"))))
        .containsExactlyElementsOf(LISTING);
    assertThat(
            store
                .resolve(StageId.stageless("py-flat"), CheckpointSelector.parse("latest"))
                .iteration())
        .isEqualTo(LATEST);
    assertThat(store.resolve(StageId.stageless("py-flat"), CheckpointSelector.parse("U20")).files())
        .hasSize(4);
  }

  @Test
  void aRunMayHoldCheckpointsOutsideItsStagesAndInsideThem() throws IOException {
    NoetherPythonRun.write(Writer.JAVA, outputDir, "mixed", null);
    NoetherPythonRun.write(Writer.JAVA, outputDir, "mixed", "finetune");
    NoetherPythonRun.write(Writer.JAVA, outputDir, "staged", "train");
    FileCheckpointStore store = FileCheckpointStore.open(outputDir);

    assertThat(store.stages("mixed")).containsExactly(StageId.NO_STAGE, "finetune");
    assertThatThrownBy(
            () ->
                store.resolve(new StageId("mixed", "pretrain"), CheckpointSelector.parse("latest")))
        .hasMessageStartingWith(
            "run 'mixed' has no stage 'pretrain'; its stages: (no stage), finetune");
    assertThatThrownBy(
            () -> store.resolve(StageId.stageless("staged"), CheckpointSelector.parse("latest")))
        .isInstanceOf(CheckpointNotFoundException.class)
        .hasMessage(
            "run 'staged' has no checkpoints outside its stages ("
                + outputDir.resolve("staged/checkpoints")
                + " does not exist); its stages: train");
  }

  @Test
  void eachFileIsReadOnceUntilItChanges() throws IOException {
    Path checkpoints = NoetherPythonRun.write(Writer.JAVA, outputDir, "py-run", "train");
    ThIterationProbe probe = new ThIterationProbe();
    FileCheckpointStore store =
        FileCheckpointStore.builder().setOutputDir(outputDir).optIterationProbe(probe).build();
    StageId stage = new StageId("py-run", "train");

    store.list(stage);
    int firstListing = probe.reads();
    store.list(stage);
    store.resolve(stage, CheckpointSelector.parse("latest"));

    assertThat(firstListing)
        .as("one model file each of latest, last and two best tags")
        .isEqualTo(4);
    assertThat(probe.reads()).isEqualTo(firstListing);

    // Noether in Python rewrites latest in place on its next save
    Map<String, Object> next =
        new LinkedHashMap<>(ThReader.read(checkpoints.resolve("ab_upt_cp=latest_model.th")));
    next.put("training_iteration", Map.of("epoch", 4L, "update", 40L, "sample", 1280L));
    ThFormat.write(checkpoints.resolve("ab_upt_cp=latest_model.th"), next);

    assertThat(store.resolve(stage, CheckpointSelector.parse("latest")).iteration())
        .isEqualTo(new TrainingIteration(4, 40, 1280));
    assertThat(probe.reads()).isEqualTo(firstListing + 1);
  }

  @Test
  void theIterationIsReadFromTheMetadataWithoutReadingTheTensors() throws IOException {
    Path checkpoints = NoetherPythonRun.write(Writer.JAVA, outputDir, "py-run", "train");
    Path latest = checkpoints.resolve("ab_upt_cp=latest_model.th");
    Map<String, Object> big = new LinkedHashMap<>(ThReader.read(latest));
    big.put(
        "state_dict",
        Map.of(
            "encoder.weight",
            HostTensor.allocateDirect(
                ai.noether.api.tensor.DType.FLOAT32, new long[] {1024, 1024})));
    ThFormat.write(latest, big);
    // damage the middle of the 4 MiB tensor: loading the weights fails, their metadata is intact
    try (FileChannel ch = FileChannel.open(latest, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(new byte[] {42}), Files.size(latest) / 2);
    }
    assertThatThrownBy(() -> ThReader.read(latest))
        .isInstanceOf(CorruptCheckpointException.class)
        .hasMessageContaining("is corrupt: CRC-32");

    assertThat(new ThIterationProbe().iterationOf(latest)).contains(LATEST);
  }

  @Test
  void aFileWithoutAUsableIterationIsListedAsOfUnknownIteration() throws IOException {
    Path checkpoints = NoetherPythonRun.write(Writer.JAVA, outputDir, "py-run", "train");
    Map<String, Object> withoutIteration =
        new LinkedHashMap<>(ThReader.read(checkpoints.resolve("ab_upt_cp=last_model.th")));
    withoutIteration.remove("training_iteration");
    ThFormat.write(checkpoints.resolve("ab_upt_cp=last_model.th"), withoutIteration);
    Files.writeString(checkpoints.resolve("ab_upt_cp=last_trainer.th"), "not a checkpoint");
    Files.delete(checkpoints.resolve("ab_upt_ema=0.9999_cp=last_model.th"));
    FileCheckpointStore store = FileCheckpointStore.open(outputDir);

    assertThatThrownBy(
            () ->
                store.resolve(
                    new StageId("py-run", "train"), CheckpointSelector.parse("best.accuracy")))
        .hasMessageContaining("Its checkpoints: last @ unknown iteration, E1_U10_S320, ");
  }

  @Test
  void trainingIterationIsReadInEveryFormItTakes() {
    assertThat(
            ThIterationProbe.iterationIn(
                Map.of("training_iteration", Map.of("epoch", 3L, "update", 30L, "sample", 960L))))
        .contains(new TrainingIteration(3, 30, 960));
    // Noether in Python may count epochs as a float; its E.. form shows the whole epochs
    assertThat(
            ThIterationProbe.iterationIn(
                Map.of("training_iteration", Map.of("epoch", 2.5, "update", 25L, "sample", 800L))))
        .contains(new TrainingIteration(2, 25, 800));
    assertThat(ThIterationProbe.iterationIn(Map.of("training_iteration", "E1_U10_S320")))
        .contains(new TrainingIteration(1, 10, 320));
    assertThat(
            ThIterationProbe.iterationIn(
                Map.of("training_iteration", Map.of("update", 30L, "sample", 960L))))
        .isEmpty();
    assertThat(
            ThIterationProbe.iterationIn(
                Map.of("training_iteration", Map.of("epoch", 1L, "update", -1L, "sample", 9L))))
        .isEmpty();
    assertThat(ThIterationProbe.iterationIn(Map.of("checkpoint_tag", "latest")))
        .isEqualTo(Optional.empty());
  }

  @Test
  void theModelFilesOwnIterationDecidesWhenTheEmaWeightsWereWrittenAtAnotherTime()
      throws IOException {
    Path checkpoints = NoetherPythonRun.write(Writer.JAVA, outputDir, "py-run", "train");
    Map<String, Object> ema =
        new LinkedHashMap<>(
            ThReader.read(checkpoints.resolve("ab_upt_ema=0.9999_cp=latest_model.th")));
    ema.put("training_iteration", Map.of("epoch", 3L, "update", 35L, "sample", 1120L));
    ThFormat.write(checkpoints.resolve("ab_upt_ema=0.9999_cp=latest_model.th"), ema);

    StoredCheckpoint latest =
        FileCheckpointStore.open(outputDir)
            .resolve(new StageId("py-run", "train"), CheckpointSelector.parse("latest"));

    assertThat(latest.iteration()).isEqualTo(LATEST);
    assertThat(latest.file(NoetherPythonRun.MODEL, "ema_factor=0.9999", CheckpointFileKind.MODEL))
        .isPresent();
    assertThat(latest.tag()).isEqualTo(CheckpointTag.LATEST);
  }
}
