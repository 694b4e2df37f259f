package ai.noether.java;

import ai.noether.api.ConfigException;
import ai.noether.api.checkpoint.CheckpointKeys;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.data.DataSource;
import ai.noether.api.data.Dataset;
import ai.noether.api.data.FieldDataset;
import ai.noether.api.model.Model;
import ai.noether.api.tensor.HostTensor;
import ai.noether.api.train.TrainingStep;
import ai.noether.core.config.RunConfig;
import ai.noether.core.config.RunConfigLoader;
import ai.noether.core.config.RunIds;
import ai.noether.core.registry.ComponentCategory;
import ai.noether.core.registry.ComponentRegistry;
import ai.noether.core.registry.RunContext;
import ai.noether.core.resume.CheckpointReader;
import ai.noether.core.run.StageAssembly;
import ai.noether.core.training.StopRequest;
import ai.noether.core.training.TrainingResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The entry point for Java code: train a run, load a checkpoint for inference, evaluate one.
 *
 * <pre>{@code
 * Noether noether = Noether.create();
 * TrainingSummary run = noether.train(NoetherConfig.fromFile(Path.of("my-run.yaml")).override("trainer.max_epochs=4"));
 * try (LoadedModel model = noether.load(run.checkpoint("best.loss~valid~total"))) {
 *   float[][] predictions = model.predict(new float[][] {{0.1f, 0.2f, ...}});
 * }
 * }</pre>
 *
 * <p>Everything the {@code noether} command line does with a configuration happens here in the same
 * way: the same keys and checks, the same run layout and checkpoints, the same resume (set {@code
 * resume_run_id}, or {@code resume_if_exists: true}), with the plugins on the class path. Signal
 * handling is left to the application: this class installs no handlers, so a SIGTERM ends the JVM
 * as usual and the run continues from its newest checkpoint.
 *
 * <p>Errors: a configuration problem, or a run, stage, tag or variant that does not exist, is a
 * {@link ConfigException} that names the key or lists what exists; a damaged checkpoint a {@link
 * ai.noether.api.checkpoint.CorruptCheckpointException}; I/O failures an {@link
 * UncheckedIOException}. A {@code Noether} may be shared by threads; each call is independent.
 */
public final class Noether {
  private final ComponentRegistry registry;
  private final Path workingDir;

  private Noether(ComponentRegistry registry, Path workingDir) {
    this.registry = registry;
    this.workingDir = workingDir.toAbsolutePath();
  }

  /**
   * Noether with the plugins on the class path; relative paths resolve against the process's
   * working directory.
   */
  public static Noether create() {
    return create(Path.of(""));
  }

  /**
   * Noether with the plugins on the class path; relative paths ({@code output_dir}, files) resolve
   * against {@code workingDir}.
   */
  public static Noether create(Path workingDir) {
    return new Noether(ComponentRegistry.load(), workingDir);
  }

  /**
   * Noether with a registry of the caller's (for embedding in a tool that has loaded one already,
   * such as the command line).
   */
  public static Noether create(ComponentRegistry registry, Path workingDir) {
    return new Noether(Objects.requireNonNull(registry, "registry"), workingDir);
  }

  /**
   * Trains the run the configuration describes (or resumes it, when its resume keys say so) and
   * returns how it ended. Blocks until training stops.
   *
   * @throws ConfigException listing every problem of the configuration; nothing is written then
   */
  public TrainingSummary train(NoetherConfig config) {
    Objects.requireNonNull(config, "config");
    RunConfig run = bind(config);
    registry.validate(run);
    try (StageAssembly stage = StageAssembly.assemble(run, registry, new StopRequest())) {
      TrainingResult result = stage.trainer().run();
      List<String> tags =
          stage.store().list(run.stage()).stream().map(c -> c.tag().token()).toList();
      StoredCheckpoint last = result.finalCheckpoint();
      return new TrainingSummary(
          run.runId(),
          run.stageName(),
          run.outputDir(),
          result.iteration().toString(),
          result.metrics(),
          tags,
          last == null ? null : last.tag().token(),
          result.interrupted(),
          result.stop() == null || result.interrupted() ? null : result.stop().reason());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Trains the run in a YAML file, with {@code key.path=value} overrides applied in order. */
  public TrainingSummary train(Path yamlFile, String... overrides) {
    NoetherConfig config = NoetherConfig.fromFile(yamlFile);
    for (String o : overrides) {
      config.override(o);
    }
    return train(config);
  }

  /**
   * The resolved configuration, as {@code noether config} prints it: defaults filled in, overrides
   * applied, every block checked; nothing is built or written.
   */
  public String resolve(NoetherConfig config) {
    RunConfig run = bind(config);
    registry.validate(run);
    return run.toYaml();
  }

  private RunConfig bind(NoetherConfig config) {
    RunConfigLoader loader =
        new RunConfigLoader(workingDir, RunIds::next).withBlockCheck(registry.blockCheck());
    if (config.file() != null) {
      return loader.load(config.file(), config.overrides());
    }
    if (config.yaml() != null) {
      return loader.parse(
          config.yaml(), "the YAML text given to Noether.train", config.overrides());
    }
    Map<String, Object> tree =
        Objects.requireNonNull(config.tree(), "a NoetherConfig holds a file, YAML text or a tree");
    return loader.fromTree(tree, "the configuration built in code", config.overrides());
  }

  /**
   * Loads a checkpoint's model for inference, the equivalent of Lightning's {@code
   * load_from_checkpoint}: the model kind and its configuration come from the run, the weights from
   * the selected model file (loaded strictly), the extras with them.
   *
   * @throws ConfigException when the run, stage, tag or variant does not exist (the message lists
   *     what does), or the file is not a model file
   */
  public LoadedModel load(ModelCheckpoint checkpoint) {
    try {
      CheckpointLocator.Located found = CheckpointLocator.locate(checkpoint, registry, workingDir);
      // A file is its own variant (its name says which); a run's checkpoint is asked for one.
      String variant =
          checkpoint.file() != null ? found.modelFiles().variants().get(0) : variant(checkpoint);
      Map<String, Object> file = found.modelFiles().read(variant);
      return build(found, file, variant, RunContext.forRun(found.run()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String variant(ModelCheckpoint checkpoint) {
    return checkpoint.modelInfo() == null ? "" : checkpoint.modelInfo();
  }

  @SuppressWarnings("unchecked")
  private LoadedModel build(
      CheckpointLocator.Located found,
      Map<String, Object> file,
      String variant,
      RunContext context) {
    RunConfig run = found.run();
    Model model =
        registry.create(ComponentCategory.MODEL, run.model().block(), run.model().name(), context);
    try {
      model.load(CheckpointReader.stateDict(file, found.source()), true);
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
    Map<String, Object> extras =
        file.get(CheckpointKeys.EXTRAS) instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    Object tag = file.get(CheckpointKeys.CHECKPOINT_TAG);
    return new LoadedModel(
        model,
        found.source(),
        tag == null ? found.tag() : tag.toString(),
        LoadedModel.iterationOf(file.get(CheckpointKeys.TRAINING_ITERATION)),
        variant.isEmpty() ? null : variant,
        extras,
        found.configTree());
  }

  /**
   * The variants of the selected checkpoint's weights: {@code ""} for the trained weights, then the
   * others ({@code ema=0.999}) as the checkpoint lists them.
   */
  public List<String> variants(ModelCheckpoint checkpoint) {
    try {
      return CheckpointLocator.locate(checkpoint, registry, workingDir).modelFiles().variants();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Evaluates the checkpoint's weights on a split of the configured dataset with the configured
   * training step's metrics ({@code loss/test/total}, ...), once per variant. The split is scaled
   * as in training, with the checkpoint's saved {@code scaler_params} (see {@link #dataset}).
   *
   * @param split {@code train}, {@code valid} or {@code test}
   * @param variants the variants to evaluate ({@code ""} for the trained weights, {@code
   *     ema=0.999}); empty for the one {@code checkpoint} selects
   * @throws ConfigException if the dataset has no such split, or a variant does not exist
   */
  public Evaluation evaluate(ModelCheckpoint checkpoint, String split, List<String> variants) {
    try {
      CheckpointLocator.Located found = CheckpointLocator.locate(checkpoint, registry, workingDir);
      List<String> wanted = variants.isEmpty() ? List.of(variant(checkpoint)) : variants;
      for (String v : wanted) {
        if (!found.modelFiles().variants().contains(v)) {
          throw new ConfigException(
              found.source()
                  + " has no weights "
                  + (v.isEmpty() ? "of the model itself" : v)
                  + "; it has: "
                  + found.modelFiles().variants().stream()
                      .map(x -> x.isEmpty() ? "(trained weights)" : x)
                      .toList());
        }
      }
      RunContext context = RunContext.forRun(found.run());
      Map<String, Object> firstFile = found.modelFiles().read(wanted.get(0));
      DataSource data =
          InputScaling.prepared(
              registry.create(
                  ComponentCategory.DATASET, found.run().dataset(), found.run().seed(), context),
              found.configTree(),
              firstFile,
              found.source());
      context.put(DataSource.class, data);
      Dataset dataset = split(data, split, found.run());
      Map<String, Map<String, Double>> metrics = new LinkedHashMap<>();
      try (LoadedModel model = build(found, firstFile, wanted.get(0), context);
          TrainingStep step =
              registry.create(
                  ComponentCategory.TRAINING_STEP,
                  found.run().trainer().step(),
                  new ComponentCategory.ModelAndData(model.model(), data),
                  context.put(Model.class, model.model()))) {
        for (String v : wanted) {
          if (!v.equals(wanted.get(0))) {
            model
                .model()
                .load(
                    CheckpointReader.stateDict(
                        found.modelFiles().read(v), found.source() + " (" + v + ")"),
                    true);
          }
          metrics.put(v, step.evaluate(dataset, split));
        }
      }
      return new Evaluation(found.source(), split, dataset.size(), metrics);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * As {@link #evaluate(ModelCheckpoint, String, List)} for the variant {@code checkpoint} selects.
   */
  public Map<String, Double> evaluate(ModelCheckpoint checkpoint, String split) {
    return evaluate(checkpoint, split, List.of()).primary();
  }

  /**
   * The configured dataset's split of the run a checkpoint belongs to, for predictions on it,
   * prepared as in training: when the run had a {@code dataset.scaler}, its fields are scaled with
   * the parameters saved in the checkpoint's model file (never refitted, even when the data have
   * changed since), so its batches go to {@link LoadedModel#predictAllRaw}.
   *
   * @throws ConfigException if there is no such split or it has no named fields
   */
  public FieldDataset dataset(ModelCheckpoint checkpoint, String split) {
    try {
      CheckpointLocator.Located found = CheckpointLocator.locate(checkpoint, registry, workingDir);
      RunContext context = RunContext.forRun(found.run());
      DataSource data =
          InputScaling.prepared(
              registry.create(
                  ComponentCategory.DATASET, found.run().dataset(), found.run().seed(), context),
              found.configTree(),
              found
                  .modelFiles()
                  .read(
                      found.modelFiles().variants().contains(variant(checkpoint))
                          ? variant(checkpoint)
                          : found.modelFiles().variants().get(0)),
              found.source());
      if (split(data, split, found.run()) instanceof FieldDataset fields) {
        return fields;
      }
      throw new ConfigException(
          "the "
              + split
              + " split of dataset kind "
              + found.run().dataset().kind()
              + " has no named fields to predict from");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Predicts every sample of a dataset split as {@link #dataset} returns it (already scaled), in
   * batches, and hands each batch to {@code sink}.
   *
   * @param inputField the field the model takes ({@code features} for a {@code TensorDataset})
   * @param batchSize samples per forward pass
   */
  public static void predict(
      LoadedModel model, FieldDataset dataset, String inputField, int batchSize, BatchSink sink) {
    dataset.field(inputField);
    long size = dataset.size();
    for (long from = 0; from < size; from += batchSize) {
      int n = (int) Math.min(batchSize, size - from);
      long[] indices = new long[n];
      for (int i = 0; i < n; i++) {
        indices[i] = from + i;
      }
      HostTensor input = dataset.gather(inputField, indices);
      sink.accept(from, input, model.predictAllRaw(Map.of(inputField, input)));
    }
  }

  /** Receives the predictions of one batch. */
  @FunctionalInterface
  public interface BatchSink {
    /**
     * @param first the index of the batch's first sample
     * @param inputs the batch's inputs
     * @param predictions each head's predictions, {@code [batch, ...]}
     */
    void accept(long first, HostTensor inputs, Map<String, HostTensor> predictions);
  }

  static Dataset split(DataSource data, String split, RunConfig run) {
    Optional<Dataset> found =
        switch (split) {
          case "train" -> Optional.of(data.train());
          case "valid", "validation" -> data.validation();
          case "test" -> data.test();
          default ->
              throw new ConfigException(
                  "unknown split '" + split + "'; the splits are train, valid and test");
        };
    if (found.isEmpty()) {
      List<String> has = new ArrayList<>(List.of("train"));
      data.validation().ifPresent(d -> has.add("valid"));
      data.test().ifPresent(d -> has.add("test"));
      throw new ConfigException(
          "the dataset (kind "
              + run.dataset().kind()
              + ") of run "
              + run.runId()
              + " has no "
              + split
              + " split; it has: "
              + String.join(", ", has));
    }
    return found.get();
  }
}
