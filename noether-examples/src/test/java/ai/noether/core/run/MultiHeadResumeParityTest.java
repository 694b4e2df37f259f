package ai.noether.core.run;

import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.api.checkpoint.CheckpointKeys;
import ai.noether.api.checkpoint.TrainingIteration;
import ai.noether.core.format.th.ThReader;
import ai.noether.core.run.StageRuns.Outcome;
import ai.noether.examples.pipeline.NamedFieldsDatasetFactory;
import ai.noether.examples.pipeline.TwoHeadStage;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exact resume of a two-head model with dropout on named fields, with a scaler per operating
 * condition, a metric evaluated per batch and background prefetching: a stage interrupted in the
 * middle of an epoch and resumed ends bit for bit as the same stage trained without a break, and as
 * the same stage trained without prefetching. The scaler's parameters come from the training split
 * of the first start and are reused on resume even when the training data changed; a model file
 * holds them where PyTorch reads them.
 */
class MultiHeadResumeParityTest {
  /** Update 17 is batch 7 of epoch 1, between evaluations, with a partly filled logging window. */
  static final String INTERRUPT = "trainer.callbacks[1]={kind: test-interrupt, at_update: 17}";

  @TempDir Path dir;

  @Test
  void
      aTwoHeadStageWithPrefetchingResumedMidEpochEndsBitIdenticalToUninterruptedAndUnprefetchedRuns()
          throws Exception {
    String yaml = TwoHeadStage.yaml(dir.resolve("no-shift"));
    String out = "output_dir=" + dir;
    NamedFieldsDatasetFactory.GATHERS_BY_THREAD.clear();
    Outcome uninterrupted = StageRuns.train(yaml, out, "run_id=full");
    // The trainer announced the coming batches, and the step gathered them in the background:
    // all 29 updates after the first, 3 fields each (the scaler reads x and op on the same thread).
    assertThat(NamedFieldsDatasetFactory.GATHERS_BY_THREAD.get("noether-prefetch"))
        .as("%s", NamedFieldsDatasetFactory.GATHERS_BY_THREAD)
        .isNotNull()
        .hasValueGreaterThanOrEqualTo(29 * 3);
    Outcome unprefetched = StageRuns.train(yaml, out, "run_id=plain", "trainer.prefetch=false");

    Outcome interrupted = StageRuns.train(yaml, out, "run_id=cut", INTERRUPT);
    assertThat(interrupted.result().interrupted()).isTrue();
    assertThat(interrupted.result().iteration())
        .isEqualTo(new TrainingIteration(1, 17, 160 + 7 * 16));
    Outcome resumed =
        StageRuns.train(yaml, out, "run_id=cut", "resume_run_id=cut", "resume_stage_name=train");

    assertThat(resumed.result().iteration()).isEqualTo(new TrainingIteration(3, 30, 480));
    for (Outcome other : List.of(resumed, unprefetched)) {
      StageRuns.assertSameEnd(other, uninterrupted);
    }
    assertThat(uninterrupted.result().metrics())
        .containsKeys(
            "loss/train/rul",
            "loss/train/health",
            "loss/train/total",
            "loss/valid/rul",
            "loss/valid/health",
            "loss/valid/total",
            "test-rmse/valid/rul");
    assertThat(uninterrupted.trainer()).containsKey(CheckpointKeys.SCALER_PARAMS + ".kind");
  }

  @Test
  void aResumeWithChangedTrainingDataKeepsTheSavedScalerAndPyTorchReadsIt() throws Exception {
    Path shift = dir.resolve("shift.txt");
    String yaml = TwoHeadStage.yaml(shift);
    String out = "output_dir=" + dir;
    StageRuns.train(yaml, out, "run_id=cut", INTERRUPT);
    Object fitted = extras(dir, "cut", "latest").get(CheckpointKeys.SCALER_PARAMS);

    Files.writeString(shift, "5.0");
    StageRuns.train(yaml, out, "run_id=cut", "resume_run_id=cut", "resume_stage_name=train");
    StageRuns.train(yaml, out, "run_id=refit");

    assertThat(extras(dir, "cut", "last").get(CheckpointKeys.SCALER_PARAMS))
        .as("the resumed stage's last model file")
        .isEqualTo(fitted);
    assertThat(extras(dir, "refit", "last").get(CheckpointKeys.SCALER_PARAMS))
        .as("a fresh start fits the changed data")
        .isNotEqualTo(fitted);
    assertPyTorchReads(modelFile(dir, "cut", "last"), fitted);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> extras(Path dir, String runId, String tag) throws IOException {
    try (FileChannel channel = FileChannel.open(modelFile(dir, runId, tag))) {
      return (Map<String, Object>) ThReader.read(channel, "model file").get(CheckpointKeys.EXTRAS);
    }
  }

  private static Path modelFile(Path dir, String runId, String tag) throws IOException {
    try (Stream<Path> files = Files.list(dir.resolve(runId).resolve("train/checkpoints"))) {
      return files
          .filter(p -> p.getFileName().toString().endsWith("_cp=" + tag + "_model.th"))
          .findFirst()
          .orElseThrow(() -> new AssertionError("no " + tag + " model file of " + runId));
    }
  }

  /** {@code torch.load(weights_only=True)} of the model file gives the same scaler_params. */
  @SuppressWarnings("unchecked")
  private static void assertPyTorchReads(Path modelFile, Object expected) throws Exception {
    Path python = Path.of("/usr/bin/python3");
    Assumptions.assumeTrue(Files.isExecutable(python), "no /usr/bin/python3");
    Process check =
        new ProcessBuilder(python.toString(), "-c", "import torch", "")
            .redirectErrorStream(true)
            .start();
    Assumptions.assumeTrue(
        check.waitFor(60, TimeUnit.SECONDS) && check.exitValue() == 0,
        "no torch in /usr/bin/python3");
    String script =
        "import json, sys, torch\n"
            // torch 1.13's weights_only reader lacks floats; 2.0 and later read the file with it.
            + "d = torch.load(sys.argv[1], weights_only=int(torch.__version__.split('.')[0]) >= 2)\n"
            + "print(json.dumps(d['extras']['scaler_params']))\n";
    Process p =
        new ProcessBuilder(python.toString(), "-c", script, modelFile.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(output).isZero();
    Map<String, Object> read = new ObjectMapper().readValue(output, Map.class);
    Map<String, Object> x =
        (Map<String, Object>) ((Map<String, Object>) read.get("fields")).get("x");
    Map<String, Object> expectedX =
        (Map<String, Object>)
            ((Map<String, Object>) ((Map<String, Object>) expected).get("fields")).get("x");
    assertThat(read.get("kind")).isEqualTo("standard");
    assertThat(read.get("condition_field")).isEqualTo("op");
    assertThat(doubles(x.get("mean"))).isEqualTo(doubles(expectedX.get("mean")));
    assertThat(doubles(x.get("std"))).isEqualTo(doubles(expectedX.get("std")));
    assertThat(doubles(x.get("conditions"))).containsExactly(0.0, 1.0, 2.0);
  }

  /**
   * Every number of a tree of lists, in order, as doubles (JSON and the .th reader type them
   * differently).
   */
  private static List<Double> doubles(Object tree) {
    List<Double> out = new java.util.ArrayList<>();
    if (tree instanceof List<?> list) {
      list.forEach(o -> out.addAll(doubles(o)));
    } else {
      out.add(((Number) tree).doubleValue());
    }
    return out;
  }
}
