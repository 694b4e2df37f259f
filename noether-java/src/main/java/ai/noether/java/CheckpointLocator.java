package ai.noether.java;

import ai.noether.api.ConfigException;
import ai.noether.api.Nullable;
import ai.noether.api.checkpoint.CheckpointFileKind;
import ai.noether.api.checkpoint.CheckpointFileName;
import ai.noether.api.checkpoint.CheckpointKeys;
import ai.noether.api.checkpoint.CheckpointNotFoundException;
import ai.noether.api.checkpoint.CheckpointSelector;
import ai.noether.api.checkpoint.CheckpointStore;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.InvalidNameException;
import ai.noether.api.checkpoint.Names;
import ai.noether.api.checkpoint.RunLayout;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.StoreLocation;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.checkpoint.StoredFile;
import ai.noether.core.checkpoint.TrainerStateFile;
import ai.noether.core.config.RunConfig;
import ai.noether.core.config.RunConfigLoader;
import ai.noether.core.format.th.ThReader;
import ai.noether.core.inspect.CheckpointInspector;
import ai.noether.core.registry.ComponentRegistry;
import ai.noether.core.resume.CheckpointReader;
import ai.noether.core.resume.CheckpointResolver;
import ai.noether.core.resume.VerifiedReads;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Finds what a {@link ModelCheckpoint} designates: the configuration the model was trained with and
 * the model files of the checkpoint (the trained weights and every variant, such as EMA).
 *
 * <p>A run, stage, tag or variant that does not exist is a {@link ConfigException} that lists what
 * does; a file that is not a checkpoint says so (both exit code 2 on the command line).
 */
final class CheckpointLocator {
  private CheckpointLocator() {}

  /**
   * What was found.
   *
   * @param run the configuration, with the selection's overrides applied
   * @param configTree the saved configuration as a plain tree
   * @param source {@code run/stage@tag} or the file
   * @param modelFiles model file trees by variant ({@code ""} for the trained weights, {@code
   *     ema=0.999}...), read lazily
   * @param tag the selected tag's token
   */
  record Located(
      RunConfig run,
      Map<String, Object> configTree,
      String source,
      @Nullable String tag,
      ModelFiles modelFiles) {}

  // CheckpointReader.modelFile takes a null model info (the trained weights), which its signature
  // does not declare yet
  @SuppressWarnings("NullAway")
  private static Map<String, Object> modelFile(
      CheckpointStore store, StoredCheckpoint checkpoint, String modelName, String variant)
      throws IOException {
    return CheckpointReader.modelFile(
        store, checkpoint, modelName, variant.isEmpty() ? null : variant);
  }

  /** Reads the model file of one variant. */
  interface ModelFiles {
    /** Variants present, the trained weights ({@code ""}) first. */
    List<String> variants();

    /** The tree of the variant's model file. */
    Map<String, Object> read(String variant) throws IOException;
  }

  static Located locate(ModelCheckpoint cp, ComponentRegistry registry, Path workingDir)
      throws IOException {
    RunConfigLoader loader =
        new RunConfigLoader(workingDir, () -> "inference").withBlockCheck(registry.blockCheck());
    return cp.file() != null
        ? fromFile(cp, loader, workingDir)
        : fromRun(cp, registry, loader, workingDir);
  }

  private static Located fromRun(
      ModelCheckpoint cp, ComponentRegistry registry, RunConfigLoader loader, Path workingDir)
      throws IOException {
    // a run's checkpoint (not a file's): ModelCheckpoint.of sets both
    String outputDir = Objects.requireNonNull(cp.outputDir(), "outputDir");
    String runId = Objects.requireNonNull(cp.runId(), "runId");
    StoreLocation location;
    try {
      location = StoreLocation.parse(outputDir, workingDir);
    } catch (InvalidNameException e) {
      throw new ConfigException("output directory " + cp.outputDir() + ": " + e.getMessage());
    }
    CheckpointStore store = registry.createStore(location);
    try {
      List<String> stages;
      try {
        stages = store.stages(Names.requireRunId(runId));
      } catch (CheckpointNotFoundException | InvalidNameException e) {
        throw new ConfigException(e.getMessage(), e);
      }
      String stageName = cp.stage();
      if (stageName == null) {
        if (stages.size() != 1) {
          throw new ConfigException(
              "run '"
                  + cp.runId()
                  + "' has "
                  + (stages.isEmpty()
                      ? "no stages"
                      : stages.size()
                          + " stages: "
                          + ai.noether.core.layout.RunDirectories.describeStages(stages))
                  + "; choose one with --stage");
        }
        stageName = stages.get(0);
      }
      StageId stage = new StageId(runId, stageName);
      StoredCheckpoint checkpoint;
      try {
        checkpoint =
            CheckpointResolver.of(store).resolve(stage, CheckpointSelector.parse(cp.checkpoint()));
      } catch (CheckpointNotFoundException | InvalidNameException | IllegalArgumentException e) {
        throw new ConfigException("--checkpoint " + cp.checkpoint() + ": " + e.getMessage(), e);
      }
      // Finding the configuration reads and verifies every file of the checkpoint; the model files
      // the caller loads are taken from those reads (mapped, not copied) instead of read again.
      Map<String, Map<String, Object>> alreadyRead = new HashMap<>();
      Map<String, Object> configTree;
      RunConfig run;
      String modelName;
      List<String> variants = new ArrayList<>();
      try (VerifiedReads reads = VerifiedReads.open()) {
        SavedConfig saved = savedConfig(store, stage, checkpoint, location, workingDir);
        configTree = saved.tree();
        run =
            loader.fromTree(
                configTree,
                "the configuration saved with " + stage + "@" + checkpoint.tag().token(),
                cp.overrides());
        modelName = run.model().name();
        for (StoredFile f : checkpoint.files()) {
          if (f.name().kind() == CheckpointFileKind.MODEL
              && f.name().modelName().equals(modelName)) {
            String info = f.name().modelInfo() == null ? "" : f.name().modelInfo();
            if (info.isEmpty()) {
              variants.add(0, info);
            } else {
              variants.add(info);
            }
          }
        }
        if (saved.readWholeCheckpoint()) {
          for (String v : variants) {
            alreadyRead.put(v, modelFile(store, checkpoint, modelName, v));
          }
        }
      }
      requireVariant(cp, variants, checkpoint.describe() + " of " + stage);
      StoredCheckpoint selected = checkpoint;
      ModelFiles files =
          new ModelFiles() {
            @Override
            public List<String> variants() {
              return variants;
            }

            @Override
            public Map<String, Object> read(String variant) throws IOException {
              // Once: a second read of a variant goes to the store, as for one not kept.
              Map<String, Object> kept;
              synchronized (alreadyRead) {
                kept = alreadyRead.remove(variant);
              }
              if (kept != null) {
                return kept;
              }
              try (CheckpointStore again = registry.createStore(location)) {
                return modelFile(again, selected, modelName, variant);
              }
            }
          };
      return new Located(
          run, configTree, stage + "@" + checkpoint.tag().token(), checkpoint.tag().token(), files);
    } finally {
      store.close();
    }
  }

  private static void requireVariant(ModelCheckpoint cp, List<String> variants, String where) {
    String wanted = cp.modelInfo() == null ? "" : cp.modelInfo();
    boolean found =
        variants.stream()
            .anyMatch(
                v ->
                    CheckpointFileName.modelInfoSpellings(wanted.isEmpty() ? null : wanted).stream()
                            .anyMatch(s -> s != null && s.equals(v))
                        || (wanted.isEmpty() && v.isEmpty()));
    if (!found) {
      throw new ConfigException(
          "checkpoint "
              + where
              + " has no model file"
              + (wanted.isEmpty() ? " of the trained weights" : " for --model-info " + wanted)
              + "; it has: "
              + variants.stream()
                  .map(v -> v.isEmpty() ? "the trained weights" : "--model-info " + v)
                  .toList());
    }
  }

  /**
   * @param readWholeCheckpoint true when the tree came from the selected checkpoint's own trainer
   *     file, whose reading read every file of that checkpoint (kept in the open {@link
   *     VerifiedReads})
   */
  private record SavedConfig(Map<String, Object> tree, boolean readWholeCheckpoint) {}

  /** A configuration tree and the file it was read from, which its errors name. */
  private record ConfigFile(Map<String, Object> tree, String source) {}

  /**
   * The configuration saved in the checkpoint's trainer file; a checkpoint without one (a {@code
   * best.*} checkpoint holds model files only) takes it from the stage's {@code latest}, then from
   * the stage's {@code config.yaml}.
   */
  private static SavedConfig savedConfig(
      CheckpointStore store,
      StageId stage,
      StoredCheckpoint checkpoint,
      StoreLocation location,
      Path workingDir)
      throws IOException {
    List<StoredCheckpoint> candidates = new ArrayList<>(List.of(checkpoint));
    try {
      candidates.add(
          CheckpointResolver.of(store)
              .resolve(stage, CheckpointSelector.parse(CheckpointTag.LATEST.token())));
    } catch (CheckpointNotFoundException e) {
      // no latest: the side file below
    }
    for (StoredCheckpoint c : candidates) {
      if (c.files().stream().anyMatch(f -> f.name().kind() == CheckpointFileKind.TRAINER)) {
        // Every file read and verified once (as verifiedTrainer checks them), kept for the load.
        Optional<Map<String, Object>> saved =
            TrainerStateFile.read(
                    CheckpointReader.readForResume(store, c), c.stage() + "@" + c.describe())
                .config();
        if (saved.isPresent()) {
          return new SavedConfig(saved.get(), c == checkpoint);
        }
      }
    }
    Path side = new RunLayout(location.workDir(workingDir), stage).resolvedConfigFile();
    if (Files.isRegularFile(side)) {
      return new SavedConfig(readYaml(side), false);
    }
    throw new ConfigException(
        "checkpoint "
            + checkpoint.describe()
            + " of "
            + stage
            + " holds no configuration, nor"
            + " does the stage's latest checkpoint, and "
            + side
            + " does not exist: the model kind is unknown");
  }

  private static Located fromFile(ModelCheckpoint cp, RunConfigLoader loader, Path workingDir)
      throws IOException {
    Path file = workingDir.resolve(cp.file());
    Map<String, Object> tree = CheckpointInspector.read(file).tree();
    if (!tree.containsKey(CheckpointKeys.STATE_DICT)) {
      throw new ConfigException(
          file
              + " is not a model file: it has no "
              + CheckpointKeys.STATE_DICT
              + " (its keys: "
              + tree.keySet()
              + "); give the _model.th file of a checkpoint");
    }
    CheckpointFileName name;
    try {
      name = CheckpointFileName.parse(file.getFileName().toString());
    } catch (RuntimeException e) {
      name = null;
    }
    ConfigFile found = null;
    if (name != null) {
      Path trainer =
          file.resolveSibling(
              CheckpointFileName.of(name.modelName(), name.tag(), CheckpointFileKind.TRAINER)
                  .format());
      Optional<Map<String, Object>> saved =
          Files.isRegularFile(trainer)
              ? TrainerStateFile.read(ThReader.read(trainer), trainer.toString()).config()
              : Optional.empty();
      if (saved.isPresent()) {
        found = new ConfigFile(saved.get(), trainer.toString());
      }
    }
    Path side =
        RunLayout.resolvedConfigFileIn(
            java.util.Objects.requireNonNullElse(
                RunLayout.stageDirOfCheckpointFile(file), Path.of("")));
    if (found == null && Files.isRegularFile(side)) {
      found = new ConfigFile(readYaml(side), side.toString());
    }
    if (found == null) {
      throw new ConfigException(
          "cannot tell which model "
              + file
              + " holds: there is no trainer file of the same"
              + " checkpoint beside it and no "
              + side
              + "; keep the model file in its run's checkpoints directory");
    }
    Map<String, Object> configTree = found.tree();
    RunConfig run = loader.fromTree(configTree, found.source(), cp.overrides());
    String variant = name == null || name.modelInfo() == null ? "" : name.modelInfo();
    Object tag = tree.get(CheckpointKeys.CHECKPOINT_TAG);
    Map<String, Object> single = tree;
    ModelFiles files =
        new ModelFiles() {
          @Override
          public List<String> variants() {
            return List.of(variant);
          }

          @Override
          public Map<String, Object> read(String v) {
            return single;
          }
        };
    return new Located(
        run, configTree, file.toString(), tag == null ? null : tag.toString(), files);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> readYaml(Path file) throws IOException {
    Object tree =
        new com.fasterxml.jackson.dataformat.yaml.YAMLMapper()
            .readValue(file.toFile(), Object.class);
    if (!(tree instanceof Map<?, ?>)) {
      throw new ConfigException(file + ": not a run configuration");
    }
    return new LinkedHashMap<>((Map<String, Object>) tree);
  }
}
