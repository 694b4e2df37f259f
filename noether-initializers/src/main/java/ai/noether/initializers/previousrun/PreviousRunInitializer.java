package ai.noether.initializers.previousrun;

import ai.noether.api.Nullable;
import ai.noether.api.checkpoint.CheckpointFileKind;
import ai.noether.api.checkpoint.CheckpointFileName;
import ai.noether.api.checkpoint.CheckpointNotFoundException;
import ai.noether.api.checkpoint.CheckpointStore;
import ai.noether.api.checkpoint.CheckpointStores;
import ai.noether.api.checkpoint.CorruptCheckpointException;
import ai.noether.api.checkpoint.ModelWeightsReader;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.StoreLocation;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.checkpoint.StoredFile;
import ai.noether.api.init.Initializer;
import ai.noether.api.model.LoadReport;
import ai.noether.api.model.Model;
import ai.noether.api.tensor.HostTensor;
import ai.noether.initializers.mapping.StateDictLoader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Initialises a model with the weights of a checkpoint of an earlier run: the model file {@code
 * <output_dir>/<run_id>/<stage_name>/checkpoints/{model_name}[_{model_info}]_cp={checkpoint}_model.th},
 * found through a {@link CheckpointStore} (the run's own, or a file store on {@code output_dir}).
 *
 * <p>Only weights are taken: no optimizer state, no counters, no callback states. The new run
 * starts at epoch 0 with a fresh optimizer; that is the difference from resuming.
 *
 * <p>Errors name the initializer's YAML path. A run, stage, checkpoint or model file that does not
 * exist is a {@link CheckpointNotFoundException} listing what does; a damaged file a {@link
 * CorruptCheckpointException}; keys that do not fit a {@link
 * ai.noether.api.model.StateDictMismatchException} listing every one.
 */
public final class PreviousRunInitializer implements Initializer {
  private final PreviousRunInitializerConfig config;
  private final @Nullable CheckpointStore runStore;
  private final @Nullable CheckpointStores stores;
  private final ModelWeightsReader reader;
  private final @Nullable StageId currentStage;
  private final String where;

  /**
   * @param config the bound configuration; never null
   * @param runStore the run's store, used when {@code output_dir} is not set; null only when it is
   * @param stores opens the store {@code output_dir} names (its scheme chooses it); null only when
   *     it is not set
   * @param reader resolves the checkpoint and reads its model file, with the framework's checks
   * @param currentStage the stage being trained, left out when choosing the only stage of its own
   *     run; null if unknown
   * @param where the YAML path of the initializer, for messages
   */
  public PreviousRunInitializer(
      PreviousRunInitializerConfig config,
      @Nullable CheckpointStore runStore,
      @Nullable CheckpointStores stores,
      ModelWeightsReader reader,
      @Nullable StageId currentStage,
      String where) {
    this.config = Objects.requireNonNull(config, "config");
    if (runStore == null && config.outputDir() == null) {
      throw new IllegalArgumentException(
          "previous-run needs the run's checkpoint store, or output_dir");
    }
    if (stores == null && config.outputDir() != null) {
      throw new IllegalArgumentException(
          "previous-run with output_dir needs the stores of the class path");
    }
    this.runStore = runStore;
    this.stores = stores;
    this.reader = Objects.requireNonNull(reader, "reader");
    this.currentStage = currentStage;
    this.where = Objects.requireNonNull(where, "where");
  }

  @Override
  public LoadReport initialize(Model model) throws IOException {
    StoreLocation outputDir = config.outputLocation();
    if (outputDir == null) {
      // the constructor checked: the run's store without output_dir, the stores with it
      return initialize(model, Objects.requireNonNull(runStore, "runStore"));
    }
    try (CheckpointStore store = Objects.requireNonNull(stores, "stores").open(outputDir)) {
      return initialize(model, store);
    }
  }

  // StoredCheckpoint.file and ModelWeightsReader.read take a null model info (the model's own
  // weights), which their api signatures do not declare yet
  @SuppressWarnings("NullAway")
  private LoadReport initialize(Model model, CheckpointStore store) throws IOException {
    String modelName = config.modelName() == null ? model.name() : config.modelName();
    Map<String, HostTensor> weights;
    String source;
    try {
      StageId stage = new StageId(config.runId(), stageName(store));
      StoredCheckpoint checkpoint = reader.resolve(store, stage, config.selector());
      StoredFile file =
          checkpoint
              .file(modelName, config.modelInfo(), CheckpointFileKind.MODEL)
              .orElseThrow(() -> noModelFile(checkpoint, modelName));
      weights = reader.read(store, checkpoint, modelName, config.modelInfo());
      source =
          "run '"
              + stage.runId()
              + "' "
              + (stage.isStageless() ? "(no stage)" : "stage '" + stage.stageName() + "'")
              + " checkpoint "
              + checkpoint.describe()
              + " ("
              + file.name().format()
              + ")";
    } catch (CheckpointNotFoundException e) {
      throw new CheckpointNotFoundException(prefix() + e.getMessage(), e);
    } catch (CorruptCheckpointException e) {
      throw new CorruptCheckpointException(prefix() + e.getMessage(), e);
    }
    return StateDictLoader.load(
        model, weights, config.keyMapping(), config.strict(), config.castDtypes(), where, source);
  }

  private CheckpointNotFoundException noModelFile(StoredCheckpoint checkpoint, String modelName) {
    List<String> models =
        checkpoint.files().stream()
            .filter(f -> f.name().kind() == CheckpointFileKind.MODEL)
            .map(f -> f.name().format())
            .toList();
    return new CheckpointNotFoundException(
        "checkpoint "
            + checkpoint.describe()
            + " of "
            + checkpoint.stage()
            + " has no model file for '"
            + CheckpointFileName.prefix(modelName, config.modelInfo())
            + "'"
            + (config.modelName() == null
                    && models.stream().noneMatch(m -> m.startsWith(modelName + "_"))
                ? " (model_name defaults to this model's name; set it to the name the weights"
                    + " were saved under)"
                : "")
            + "; its model files: "
            + (models.isEmpty() ? "none" : String.join(", ", models)));
  }

  /** The configured stage, or the run's only one (not counting the stage being trained). */
  private String stageName(CheckpointStore store) throws IOException {
    String configured = config.stageName();
    if (configured != null) {
      return configured;
    }
    List<String> stages = new ArrayList<>(store.stages(config.runId()));
    StageId currentStage = this.currentStage;
    boolean sameRun = currentStage != null && currentStage.runId().equals(config.runId());
    if (sameRun && currentStage != null) {
      stages.remove(currentStage.stageName());
    }
    if (stages.size() == 1) {
      return stages.get(0);
    }
    String other =
        sameRun && currentStage != null
            ? " other than the stage being trained ('" + currentStage.stageName() + "')"
            : "";
    if (stages.isEmpty()) {
      throw new CheckpointNotFoundException(
          "run '" + config.runId() + "' has no stage" + other + " to take weights from");
    }
    throw new CheckpointNotFoundException(
        "run '"
            + config.runId()
            + "' has "
            + stages.size()
            + " stages"
            + other
            + ": "
            + String.join(", ", stages.stream().map(s -> s.isEmpty() ? "(no stage)" : s).toList())
            + "; choose one with stage_name"
            + (stages.contains(StageId.NO_STAGE)
                ? " (stage_name: \"\" for the checkpoints directly in "
                    + config.runId()
                    + "/checkpoints)"
                : ""));
  }

  private String prefix() {
    return where + " (" + PreviousRunInitializerFactory.KIND + "): ";
  }

  @Override
  public String toString() {
    return "PreviousRunInitializer["
        + config.runId()
        + (config.stageName() == null ? "" : "/" + config.stageName())
        + "@"
        + config.checkpointTag()
        + "]";
  }
}
