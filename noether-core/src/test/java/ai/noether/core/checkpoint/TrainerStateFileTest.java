package ai.noether.core.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.noether.api.NoetherException;
import ai.noether.api.checkpoint.CheckpointFile;
import ai.noether.api.checkpoint.CheckpointFileKind;
import ai.noether.api.checkpoint.CheckpointKeys;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.CorruptCheckpointException;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.TrainingIteration;
import ai.noether.api.checkpoint.UnsupportedCheckpointFormatException;
import ai.noether.api.tensor.DType;
import ai.noether.api.tensor.HostTensor;
import ai.noether.core.format.th.ThFormat;
import ai.noether.core.format.th.ThReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerStateFileTest {
  private static final StageId STAGE = new StageId("run-1", "train");
  private static final TrainingIteration AT = new TrainingIteration(1, 12, 96);
  private static final String FILE = "run-1/train/mlp_cp=E1_U12_S96_trainer.th";

  @TempDir Path dir;

  @Test
  void aFileOfANewerFormatFailsNamingTheFileTheVersionFoundAndTheVersionsThisBuildReads()
      throws IOException {
    Map<String, Object> tree = written(2);
    tree.put(CheckpointKeys.FORMAT_VERSION, CheckpointContents.FORMAT_VERSION + 1);
    Path file = onDisk(tree);

    assertThatThrownBy(() -> TrainerStateFile.read(ThReader.read(file), file.toString()))
        .isInstanceOf(UnsupportedCheckpointFormatException.class)
        .hasMessage(
            file
                + " was written in checkpoint format version 3 by a newer Noether for the JVM; this build reads"
                + " versions 1 to 2. Resume it with a newer build.");
  }

  @Test
  void aFileOfTheCurrentFormatLoadsWhatWasWritten() throws IOException {
    Map<String, Object> read = ThReader.read(onDisk(written(CheckpointContents.FORMAT_VERSION)));
    TrainerStateFile saved = TrainerStateFile.read(read, FILE);

    assertThat(read.get(CheckpointKeys.FORMAT_VERSION))
        .isEqualTo(CheckpointContents.FORMAT_VERSION);
    assertThat(saved.writtenByPython()).isFalse();
    assertThat(saved.batchInEpoch()).isEqualTo(5);
    assertThat(saved.accumulatedBatches()).isEqualTo(1);
    assertThat(saved.accumulateGradBatches()).contains(2L);
    assertThat(saved.accumulatedGradients().get("w").toFloatArray()).containsExactly(0.5f, -1f);
    assertThat(saved.callbackStates())
        .containsOnlyKeys("ema")
        .extractingByKey("ema")
        .isEqualTo(Map.of("updates", 3L));
    assertThat(saved.metrics())
        .containsExactly(Map.entry("loss/train/total", 0.25), Map.entry("lr", 0.01));
    assertThat(saved.lastEvaluated()).contains(new TrainingIteration(1, 10, 80));
    TrainerState.WindowSums window = saved.logWindow();
    assertThat(window.lossSum()).isEqualTo(1.5);
    assertThat(window.count()).isEqualTo(3);
    assertThat(window.samples()).isEqualTo(24);
    assertThat(window.metricSums().get("acc")).containsExactly(2.0, 3.0);
    assertThat(saved.lastLearningRate()).hasValue(0.01);
    assertThat(saved.history()).contains(Map.of("resumes", List.of()));
    assertThat(saved.lineage()).singleElement().isEqualTo(lineageEntry());
    assertThat(saved.config()).contains(Map.of("seed", 3L));
    assertThat(saved.scalerParams()).isEqualTo(Map.of("kind", "standard"));
    assertThat(saved.checkpointTag()).contains(CheckpointTag.at(AT).token());
    assertThat(saved.foreignIteration()).as("our files' iteration is the store's").isEmpty();
  }

  @Test
  void aFileWithoutAVersionLoadsWithDefaults() throws IOException {
    // Noether (Python) writes no version, no position in the epoch and its callbacks as a list.
    Map<String, Object> python = new LinkedHashMap<>();
    python.put(CheckpointKeys.TRAINING_ITERATION, CheckpointContents.iterationTree(AT));
    python.put(CheckpointKeys.CALLBACK_STATE_DICTS, List.of());
    TrainerStateFile saved = TrainerStateFile.read(ThReader.read(onDisk(python)), FILE);

    assertThat(saved.writtenByPython()).isTrue();
    assertThat(saved.foreignIteration()).contains(AT);
    assertThat(saved.batchInEpoch()).isZero();
    assertThat(saved.accumulatedBatches()).isZero();
    assertThat(saved.callbackStates()).isEmpty();
    assertThat(saved.metrics()).isEmpty();
    assertThat(saved.lastEvaluated()).isEmpty();
    assertThat(saved.logWindow()).isEqualTo(new TrainerState.WindowSums(0, 0, 0, Map.of()));
    assertThat(saved.history()).isEmpty();
    assertThat(saved.lineage()).isEmpty();
    assertThat(saved.lastLearningRate()).isEmpty();
    assertThat(saved.config()).isEmpty();
    assertThat(saved.scalerParams()).isNull();
    assertThatThrownBy(saved::accumulatedGradients)
        .isInstanceOf(NoetherException.class)
        .hasMessageContaining("holds no 'accumulated_gradients'");

    // A file of ours from before the version existed: a position, but no version.
    Map<String, Object> old = written(2);
    old.remove(CheckpointKeys.FORMAT_VERSION);
    TrainerStateFile older = TrainerStateFile.read(ThReader.read(onDisk(old)), FILE);
    assertThat(older.writtenByPython()).isFalse();
    assertThat(older.batchInEpoch()).isEqualTo(5);
  }

  @Test
  void theFileKeepsItsLayoutKeyByKey() {
    // The order of the keys is the order in the file, which PyTorch users see: it must not drift.
    assertThat(written(2).keySet())
        .containsExactly(
            "checkpoint_tag",
            "training_iteration",
            "run_id",
            "stage_name",
            "noether_format_version",
            "batch_in_epoch",
            "accumulated_batches",
            "accumulate_grad_batches",
            "accumulated_gradients",
            "seed",
            "callbacks",
            "metrics",
            "last_evaluated",
            "log_window",
            "last_learning_rate",
            "history",
            "lineage",
            "config",
            "scaler_params",
            "callback_state_dicts");
    @SuppressWarnings("unchecked")
    Map<String, Object> window = (Map<String, Object>) written(2).get("log_window");
    assertThat(window.keySet()).containsExactly("loss_sum", "count", "samples", "metric_sums");
    assertThat(written(1))
        .as("format 1 has no list of callback states")
        .doesNotContainKey("callback_state_dicts");
  }

  @Test
  void aNoetherPythonTrainerFileGivesItsIterationOursDoNot() {
    Map<String, Object> python =
        Map.of(
            "callback_state_dicts",
            List.of(),
            "training_iteration",
            Map.of("epoch", 2L, "update", 20L, "sample", 640L));
    assertThat(TrainerStateFile.read(python, FILE).foreignIteration())
        .contains(new TrainingIteration(2, 20, 640));
    Map<String, Object> ours = new HashMap<>(python);
    ours.put(CheckpointKeys.FORMAT_VERSION, 2L);
    assertThat(TrainerStateFile.read(ours, FILE).foreignIteration()).isEmpty();
    assertThatThrownBy(
            () ->
                TrainerStateFile.read(Map.of("training_iteration", "E2"), FILE).foreignIteration())
        .isInstanceOf(CorruptCheckpointException.class)
        .hasMessageContaining(FILE + ": 'training_iteration' should hold");
  }

  /**
   * The trainer file {@link CheckpointContents} lays out for a state inside an accumulation window.
   */
  private static Map<String, Object> written(long version) {
    Map<String, double[]> metricSums = new LinkedHashMap<>();
    metricSums.put("acc", new double[] {2, 3});
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("loss/train/total", 0.25);
    metrics.put("lr", 0.01);
    TrainerState state =
        new TrainerState(
            5,
            new TrainerState.Accumulation(1, 2, Map.of("w", tensor(0.5f, -1f))),
            3,
            Map.of("ema", Map.of("updates", 3L)),
            metrics,
            new TrainingIteration(1, 10, 80),
            new TrainerState.WindowSums(1.5, 3, 24, metricSums),
            0.01,
            Map.of("resumes", List.of()),
            List.of(lineageEntry()),
            Map.of("seed", 3L),
            Map.of("kind", "standard"));
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put(CheckpointKeys.CHECKPOINT_TAG, CheckpointTag.at(AT).token());
    metadata.put(CheckpointKeys.TRAINING_ITERATION, CheckpointContents.iterationTree(AT));
    metadata.put(CheckpointKeys.RUN_ID, STAGE.runId());
    metadata.put(CheckpointKeys.STAGE_NAME, STAGE.stageName());
    metadata.put(CheckpointKeys.FORMAT_VERSION, version);
    return TrainerStateFile.fileTree(metadata, TrainerStateFile.tree(state), version);
  }

  private static Map<String, Object> lineageEntry() {
    return TrainerStateFile.lineageEntry(
        new StageId("run-0", "train"),
        "E1_U8_S64",
        new TrainingIteration(1, 8, 64),
        "crc32c:model=00000001",
        Instant.parse("2026-12-02T11:00:00Z"));
  }

  private Path onDisk(Map<String, Object> tree) throws IOException {
    CheckpointFile encoded =
        ThFormat.encoder()
            .encode(
                new ai.noether.api.checkpoint.CheckpointFileName(
                    "mlp", null, CheckpointTag.at(AT), CheckpointFileKind.TRAINER),
                tree);
    // One file per call: a test may write several.
    Path file = Files.createTempFile(dir, "", "_" + encoded.name().format());
    try (WritableByteChannel out =
        Files.newByteChannel(file, java.nio.file.StandardOpenOption.WRITE)) {
      encoded.writeTo(out);
    }
    return file;
  }

  private static HostTensor tensor(float... values) {
    ByteBuffer b =
        ByteBuffer.allocateDirect(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      b.putFloat(v);
    }
    return HostTensor.wrap(DType.FLOAT32, new long[] {values.length}, b.flip());
  }
}
