package ai.noether.core.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.noether.api.ConfigException;
import ai.noether.api.checkpoint.CheckpointKeys;
import ai.noether.api.checkpoint.TrainingIteration;
import ai.noether.api.data.DataSource;
import ai.noether.api.data.TensorDataset;
import ai.noether.api.tensor.HostTensor;
import ai.noether.core.config.RunConfig;
import ai.noether.core.format.th.ThFormat;
import ai.noether.core.format.th.ThReader;
import ai.noether.core.registry.ComponentCategory;
import ai.noether.core.registry.RunContext;
import ai.noether.core.run.StageRuns.Outcome;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training continues across frameworks with real PyTorch ({@code /usr/bin/python3}, skipped without
 * it): a checkpoint of ours goes on in a plain PyTorch script ({@code nn.Module.load_state_dict},
 * {@code torch.optim.AdamW.load_state_dict} on our optimizer file), and a run checkpointed by
 * PyTorch in Noether (Python)'s layout goes on in Java through the ordinary resume path. Each
 * side's continuation of 50 updates is compared with the other's.
 *
 * <p>Both sides train full-batch on the same 64 samples (the Java dataset, written to a file the
 * script reads), without dropout, with AdamW in two parameter groups (biases without weight decay).
 * They differ only in floating-point summation order, so they agree within a float tolerance, not
 * bitwise: {@link #TOLERANCE} on every weight.
 */
class CrossFrameworkResumeTest {
  /**
   * Absolute tolerance on every weight after the 50 updates of each continuation (weights are of
   * order 0.1 to 1). Observed on the CPU with torch 1.13: 3.6e-7 (Java checkpoint) and 9.1e-7
   * (Noether (Python) checkpoint); the test prints the difference of each run.
   */
  static final double TOLERANCE = 1e-5;

  static final int FIRST = 20;
  static final int MORE = 50;
  static final String STAGE =
      """
      seed: 11
      store: {kind: file, fsync: false}
      dataset: {kind: synthetic-regression, train_samples: 64, valid_samples: 16, input_size: 6, noise: 0.05, data_seed: 3}
      model: {name: mlp, kind: mlp, input_size: 6, hidden_sizes: [16, 8], output_size: 1, activation: tanh, dropout: 0}
      optimizer: {kind: adamw, lr: 1.0e-2, betas: [0.9, 0.99], eps: 1.0e-7, weight_decay: 0.05, no_weight_decay: ['*.bias']}
      trainer: {max_epochs: %d, batch_size: 64, loss: mse}
      """;

  @TempDir Path dir;
  Path data;

  @BeforeEach
  void writeTheTrainingData() throws IOException {
    Assumptions.assumeTrue(torchAvailable(), "/usr/bin/python3 with torch is not installed");
    RunConfig config = StageRuns.config(stage(FIRST), List.of("output_dir=" + dir));
    DataSource source =
        StageRuns.REGISTRY.create(
            ComponentCategory.DATASET, config.dataset(), config.seed(), RunContext.forRun(config));
    TensorDataset train = (TensorDataset) source.train();
    data = dir.resolve("data.th");
    Map<String, Object> tree = new LinkedHashMap<>();
    tree.put("x", train.features());
    tree.put("y", train.targets());
    ThFormat.write(data, tree);
  }

  @Test
  @SuppressWarnings("unchecked")
  void aJavaCheckpointContinuesInPyTorchLikeInJava() throws Exception {
    String out = "output_dir=" + dir;
    StageRuns.train(stage(FIRST), out, "run_id=java");
    Path checkpoints = dir.resolve("java/train/checkpoints");
    Outcome javaContinued =
        StageRuns.train(
            stage(FIRST + MORE),
            out,
            "run_id=java",
            "stage_name=more",
            "resume_run_id=java",
            "resume_stage_name=train");
    assertThat(javaContinued.checkpoint().stored().iteration())
        .isEqualTo(new TrainingIteration(FIRST + MORE, FIRST + MORE, (FIRST + MORE) * 64L));

    Path pytorchWeights = dir.resolve("pytorch.th");
    String log =
        python(
            script("continue_in_pytorch.py"),
            checkpoints.resolve("mlp_cp=latest_model.th").toString(),
            checkpoints.resolve("mlp_cp=latest_optim.th").toString(),
            data.toString(),
            String.valueOf(MORE),
            pytorchWeights.toString());
    assertThat(log).contains("step 20.0");

    Map<String, Object> pytorch = ThReader.read(pytorchWeights);
    assertClose(
        javaContinued.checkpoint().stateDict(),
        pytorch,
        "Java checkpoint continued in Java vs in PyTorch");
    // Both sides really trained on: the weights moved much further than the tolerance.
    Map<String, Object> atCheckpoint =
        (Map<String, Object>)
            ThReader.read(checkpoints.resolve("mlp_cp=latest_model.th")).get("state_dict");
    assertThat(maxDifference(javaContinued.checkpoint().stateDict(), atCheckpoint))
        .isGreaterThan(100 * TOLERANCE);
  }

  @Test
  void aNoetherPythonRunResumesInJavaLikeInPyTorch() throws Exception {
    Path checkpoints = dir.resolve("py/train/checkpoints");
    Path pytorchWeights = dir.resolve("pytorch.th");
    python(
        script("noether_python_run.py"),
        data.toString(),
        checkpoints.toString(),
        String.valueOf(FIRST),
        String.valueOf(MORE),
        pytorchWeights.toString());

    String out = "output_dir=" + dir;
    Outcome javaContinued =
        StageRuns.train(
            stage(FIRST + MORE),
            out,
            "run_id=py",
            "stage_name=java",
            "resume_run_id=py",
            "resume_stage_name=train");
    assertThat(javaContinued.result().iteration())
        .isEqualTo(new TrainingIteration(FIRST + MORE, FIRST + MORE, (FIRST + MORE) * 64L));
    assertThat((List<?>) javaContinued.checkpoint().trainer().get(CheckpointKeys.LINEAGE))
        .as("the lineage names the iteration inside the Python trainer file")
        .anySatisfy(
            e ->
                assertThat(((Map<?, ?>) e).get(CheckpointKeys.TRAINING_ITERATION))
                    .isEqualTo("E20_U20_S1280"));
    assertClose(
        javaContinued.checkpoint().stateDict(),
        ThReader.read(pytorchWeights),
        "Noether (Python) checkpoint continued in Java vs in PyTorch");

    // The Python run grouped the biases apart (no weight decay); a configuration that does not is
    // refused.
    assertThatThrownBy(
            () ->
                StageRuns.train(
                    stage(FIRST + MORE).replace(", no_weight_decay: ['*.bias']", ""),
                    out,
                    "run_id=py",
                    "stage_name=regrouped",
                    "resume_run_id=py",
                    "resume_stage_name=train"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "groups the parameters otherwise than this configuration's param_groups and no_weight_decay")
        .hasMessageContaining("[layers.0.bias, layers.2.bias, layers.4.bias]");
  }

  static String stage(int epochs) {
    return STAGE.formatted(epochs);
  }

  private static void assertClose(
      Map<String, HostTensor> actual, Map<String, Object> expected, String what) {
    assertThat(actual.keySet()).isEqualTo(expected.keySet());
    double max = 0;
    List<String> far = new ArrayList<>();
    for (Map.Entry<String, HostTensor> e : actual.entrySet()) {
      float[] a = e.getValue().toFloatArray();
      float[] b = ((HostTensor) expected.get(e.getKey())).toFloatArray();
      assertThat(a).as(e.getKey()).hasSameSizeAs(b);
      for (int i = 0; i < a.length; i++) {
        double d = Math.abs((double) a[i] - b[i]);
        max = Math.max(max, d);
        if (!(d <= TOLERANCE)) {
          far.add(e.getKey() + "[" + i + "]: " + a[i] + " vs " + b[i]);
        }
      }
    }
    System.out.printf(
        "%s: max absolute weight difference %.3g (tolerance %.0e)%n", what, max, TOLERANCE);
    assertThat(far)
        .as(what + ": weights further apart than " + TOLERANCE + " (max " + max + ")")
        .isEmpty();
  }

  /** The largest absolute difference between two state dicts with the same keys. */
  private static double maxDifference(Map<String, HostTensor> a, Map<String, Object> b) {
    double max = 0;
    for (Map.Entry<String, HostTensor> e : a.entrySet()) {
      float[] x = e.getValue().toFloatArray();
      float[] y = ((HostTensor) b.get(e.getKey())).toFloatArray();
      for (int i = 0; i < x.length; i++) {
        max = Math.max(max, Math.abs((double) x[i] - y[i]));
      }
    }
    return max;
  }

  private Path script(String name) throws IOException {
    try (InputStream in = getClass().getResourceAsStream(name)) {
      Path target = dir.resolve(name);
      Files.write(target, in.readAllBytes());
      return target;
    }
  }

  private static boolean torchAvailable() {
    try {
      return Files.isExecutable(Path.of("/usr/bin/python3"))
          && run(List.of("-c", "import torch"))[0].equals("0");
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static String python(Path script, String... args) throws IOException {
    List<String> argv = new ArrayList<>(List.of(script.toString()));
    argv.addAll(List.of(args));
    String[] r = run(argv);
    assertThat(r[0]).as("python %s failed:%n%s", script.getFileName(), r[1]).isEqualTo("0");
    return r[1];
  }

  /** Exit status and output (stdout then stderr) of {@code /usr/bin/python3 args}. */
  private static String[] run(List<String> args) throws IOException {
    List<String> command = new ArrayList<>(List.of("/usr/bin/python3"));
    command.addAll(args);
    Process p = new ProcessBuilder(command).start();
    CompletableFuture<byte[]> err =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return p.getErrorStream().readAllBytes();
              } catch (IOException e) {
                return new byte[0];
              }
            });
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(5, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IllegalStateException("python " + args + " did not finish in 5 minutes");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return new String[] {
      String.valueOf(p.exitValue()), out + new String(err.join(), StandardCharsets.UTF_8)
    };
  }
}
