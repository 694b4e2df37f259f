package ai.noether.core.store;

import ai.noether.api.checkpoint.TrainingIteration;
import ai.noether.api.tensor.HostTensor;
import ai.noether.core.format.PythonTorch;
import ai.noether.core.format.th.ThFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A run laid out exactly as Noether (Python) writes one: model {@code ab_upt}, periodic checkpoints
 * at E1..E3 with optimizer and trainer files, {@code latest} (E3_U30_S960) and {@code last}
 * (E3_U35_S1120) as separate copies, {@code best_model.loss.online.total} (E2_U20_S640) and its
 * {@code .tolerance=5} twin (E1_U10_S320), EMA weights under {@code ema=0.9999}, a tracker
 * directory and a log file; no manifests. Either written by this framework's {@code .th} writer or,
 * through {@code noether_python_run.py}, by real {@code torch.save}. Each model file's weights are
 * filled with its update count (plus 0.5 for EMA weights), so tests can tell which was loaded.
 */
public final class NoetherPythonRun {
  public static final String MODEL = "ab_upt";
  public static final TrainingIteration E1 = new TrainingIteration(1, 10, 320);
  public static final TrainingIteration E2 = new TrainingIteration(2, 20, 640);
  public static final TrainingIteration E3 = new TrainingIteration(3, 30, 960);
  public static final TrainingIteration LATEST = E3;
  public static final TrainingIteration LAST = new TrainingIteration(3, 35, 1120);
  public static final TrainingIteration BEST = E2;
  public static final TrainingIteration BEST_TOLERANCE = E1;
  private static final String EMA = "ema=0.9999";

  private NoetherPythonRun() {}

  /** How the files get written. */
  public enum Writer {
    /** This framework's {@code .th} writer. */
    JAVA,
    /** Real PyTorch ({@code torch.save} at {@code /usr/bin/python3}); callers skip without it. */
    PYTORCH
  }

  /**
   * Writes run {@code runId} under {@code outputDir}; {@code stage} null for a run without stage
   * ({@code <run>/checkpoints/}). Returns the checkpoint directory.
   */
  public static Path write(Writer writer, Path outputDir, String runId, String stage)
      throws IOException {
    Path runDir =
        stage == null ? outputDir.resolve(runId) : outputDir.resolve(runId).resolve(stage);
    if (writer == Writer.PYTORCH) {
      PythonTorch.assumeAvailable();
      copyTree(pytorchRun(runId, stage), outputDir.resolve(runId));
      return runDir.resolve("checkpoints");
    }
    Path checkpoints = Files.createDirectories(runDir.resolve("checkpoints"));
    Files.createDirectories(runDir.resolve("tracker"));
    Files.writeString(runDir.resolve("tracker").resolve("config.yaml"), "run_id: " + runId + "\n");
    Files.writeString(runDir.resolve("log.txt"), "training done\n");
    for (TrainingIteration it : List.of(E1, E2, E3)) {
      String tag = it.toString();
      model(checkpoints, tag, it, runId, false);
      optim(checkpoints, tag, it);
      trainer(checkpoints, tag, it);
      model(checkpoints, tag, it, runId, true);
    }
    for (Map.Entry<String, TrainingIteration> alias :
        Map.of("latest", LATEST, "last", LAST).entrySet()) {
      model(checkpoints, alias.getKey(), alias.getValue(), runId, false);
      optim(checkpoints, alias.getKey(), alias.getValue());
      trainer(checkpoints, alias.getKey(), alias.getValue());
      model(checkpoints, alias.getKey(), alias.getValue(), runId, true);
    }
    String best = "best_model.loss.online.total";
    model(checkpoints, best, BEST, runId, false);
    model(checkpoints, best + ".tolerance=5", BEST_TOLERANCE, runId, false);
    return checkpoints;
  }

  /**
   * Runs written by torch.save, by run and stage: starting Python and torch takes seconds, so once
   * per JVM.
   */
  private static final Map<String, Path> PYTORCH_RUNS = new java.util.HashMap<>();

  private static synchronized Path pytorchRun(String runId, String stage) throws IOException {
    String key = runId + "/" + stage;
    Path known = PYTORCH_RUNS.get(key);
    if (known == null) {
      Path output = Files.createTempDirectory("noether-python-run");
      Path script = PythonTorch.script(NoetherPythonRun.class, "noether_python_run.py", output);
      if (stage == null) {
        PythonTorch.runScript(script, output.toString(), runId);
      } else {
        PythonTorch.runScript(script, output.toString(), runId, stage);
      }
      known = output.resolve(runId);
      PYTORCH_RUNS.put(key, known);
    }
    return known;
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (java.util.stream.Stream<Path> paths = Files.walk(from)) {
      for (Path p : paths.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  /** The value every weight of the model file at {@code iteration} holds. */
  public static float weightValue(TrainingIteration iteration, boolean ema) {
    return iteration.update() + (ema ? 0.5f : 0f);
  }

  private static Path name(Path checkpoints, String tag, String kind, String info) {
    return checkpoints.resolve(
        MODEL + (info == null ? "" : "_" + info) + "_cp=" + tag + "_" + kind + ".th");
  }

  private static Map<String, Object> iteration(TrainingIteration it) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("epoch", it.epoch());
    m.put("update", it.update());
    m.put("sample", it.sample());
    return m;
  }

  private static HostTensor filled(float value, long... shape) {
    float[] values = new float[(int) Arrays.stream(shape).reduce(1, (a, b) -> a * b)];
    Arrays.fill(values, value);
    return HostTensor.ofFloats(shape, values);
  }

  private static void model(
      Path checkpoints, String tag, TrainingIteration it, String runId, boolean ema)
      throws IOException {
    float value = weightValue(it, ema);
    Map<String, Object> stateDict = new LinkedHashMap<>();
    stateDict.put("encoder.weight", filled(value, 4, 3));
    stateDict.put("encoder.bias", filled(value, 4));
    Map<String, Object> file = new LinkedHashMap<>();
    file.put("state_dict", stateDict);
    file.put("checkpoint_tag", tag);
    file.put("training_iteration", iteration(it));
    file.put("run_id", runId);
    file.put(
        "model_config",
        new LinkedHashMap<>(Map.of("kind", "ab_upt", "name", MODEL, "hidden_dim", 4L)));
    file.put("config_kind", "noether.core.schemas.models.AnchorBranchedUPTConfig");
    if (ema) {
      file.put("ema", 0.9999);
    }
    ThFormat.write(name(checkpoints, tag, "model", ema ? EMA : null), file);
  }

  private static void optim(Path checkpoints, String tag, TrainingIteration it) throws IOException {
    Map<String, Object> state = new LinkedHashMap<>();
    state.put("step", HostTensor.ofFloats(new long[0], it.update()));
    state.put("exp_avg", filled(0f, 4, 3));
    state.put("exp_avg_sq", filled(0f, 4, 3));
    Map<Object, Object> states = new LinkedHashMap<>();
    states.put(0L, state);
    Map<String, Object> group = new LinkedHashMap<>();
    group.put("lr", 1e-3);
    group.put("betas", List.of(0.9, 0.999));
    group.put("eps", 1e-8);
    group.put("weight_decay", 0.05);
    group.put("params", List.of(0L, 1L));
    Map<String, Object> file = new LinkedHashMap<>();
    file.put("state", states);
    file.put("param_groups", List.of(group));
    ThFormat.write(name(checkpoints, tag, "optim", null), file);
  }

  private static void trainer(Path checkpoints, String tag, TrainingIteration it)
      throws IOException {
    Map<String, Object> file = new LinkedHashMap<>();
    file.put(
        "callback_state_dicts",
        Map.of("BestCheckpointCallback", Map.of("best_metric_value", 0.25)));
    file.put("training_iteration", iteration(it));
    ThFormat.write(name(checkpoints, tag, "trainer", null), file);
  }
}
