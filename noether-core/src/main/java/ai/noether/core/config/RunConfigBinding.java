package ai.noether.core.config;

import static ai.noether.core.config.ConfigKeys.*;

import ai.noether.api.Nullable;
import ai.noether.api.checkpoint.Names;
import ai.noether.api.checkpoint.StoreLocation;
import ai.noether.api.run.DeviceSpec;
import ai.noether.api.run.EngineConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Binds the root mapping of a configuration (overrides applied) to a {@link RunConfig}: reads the
 * root keys itself ({@link RootKeys}), the {@code model}, {@code optimizer} and {@code trainer}
 * blocks with their section readers, and builds the resolved tree ({@link ResolvedTree}).
 *
 * <p>Every section is read even after a problem, so that one {@link ai.noether.api.ConfigException}
 * lists all of them, in the order they were written.
 */
final class RunConfigBinding {
  private static final String DATASET_HINT =
      "the data to train on, e.g. dataset: {kind: synthetic-regression}";

  private final Path workingDir;
  private final Supplier<String> runIds;
  private final BlockCheck blockCheck;

  /**
   * @param workingDir absolute; what a relative {@code output_dir} is resolved against
   * @param runIds supplies the run id when the configuration has none
   * @param blockCheck checks every component block as it is read
   */
  RunConfigBinding(Path workingDir, Supplier<String> runIds, BlockCheck blockCheck) {
    this.workingDir = workingDir;
    this.runIds = runIds;
    this.blockCheck = blockCheck;
  }

  RunConfig bind(Map<String, Object> root, Origins origins) {
    ConfigErrors errors = new ConfigErrors();
    MapReader r = MapReader.of("", root, origins, "the configuration");
    r.rejectUnknown(ROOT, "at the top level", errors);

    ResumeConfig resume = errors.readOrNull(() -> RootKeys.resume(r));
    String writtenRunId = errors.readOrNull(() -> r.name(RUN_ID, null, Names::requireRunId));
    boolean resumeIfExists = errors.read(() -> r.bool(RESUME_IF_EXISTS, false), false);
    if (resumeIfExists && !r.has(RUN_ID)) {
      errors.add(
          r.invalid(
              RESUME_IF_EXISTS,
              "resuming if the run exists (resume_if_exists, train --resume-if-exists)"
                  + " needs a fixed run_id: a generated one is new on every start, so there would never be anything to resume."
                  + " Set run_id in the file or on the command line (run_id=my-run)"));
    }
    String runId = writtenRunId == null ? runIds.get() : writtenRunId;
    // A stage continued from another run keeps that stage's name unless stage_name says otherwise.
    String defaultStage =
        resume == null ? RunConfigLoader.DEFAULT_STAGE_NAME : resume.stage().stageName();
    String stageName = errors.readOrNull(() -> r.name(STAGE_NAME, null, Names::requireStageName));
    if (stageName == null) {
      stageName = defaultStage;
    }
    StoreLocation output = errors.readOrNull(() -> RootKeys.output(r, workingDir));
    long seed = errors.read(() -> seed(r), RunConfigLoader.DEFAULT_SEED);
    DeviceSpec device = errors.read(() -> RootKeys.device(r), DeviceSpec.AUTO);
    errors.read(() -> RootKeys.engine(r), EngineConfig.DEFAULT);
    // Without a kind, output_dir's scheme chooses the store (file for plain paths).
    String storeKind =
        output == null || output.isLocal() ? RunConfigLoader.DEFAULT_STORE_KIND : output.scheme();
    ComponentBlock store = errors.readOrNull(() -> r.block(STORE, storeKind));
    if (store == null) {
      store = new ComponentBlock(STORE, storeKind, Map.of(), List.of(KIND), origins);
    }
    blockCheck.recordProblems(BlockCheck.STORE, store, errors);
    ComponentBlock dataset =
        errors.readOrNull(() -> r.requireChild(DATASET, DATASET_HINT).asBlock(null, DATASET_KEYS));
    blockCheck.recordProblems(BlockCheck.DATASET, dataset, errors);
    if (dataset != null) {
      MapReader scaler = errors.readOrNull(() -> scalerOf(r));
      if (scaler != null) {
        ScalerConfig.read(scaler, errors);
      }
    }
    ModelConfig model = ModelSectionReader.read(r, blockCheck, errors);
    OptimizerConfig optimizer = OptimizerSectionReader.read(r, blockCheck, errors);
    TrainerConfig trainer = TrainerSectionReader.read(r, blockCheck, errors);
    errors.throwIfAny();

    StoreLocation location = read(output, OUTPUT_DIR);
    TrainerConfig trainerConfig = read(trainer, TRAINER);
    Map<String, Object> resolved =
        ResolvedTree.of(
            root,
            runId,
            stageName,
            location,
            seed,
            device,
            resume,
            resumeIfExists,
            store.kind(),
            trainerConfig.step().kind());
    return new RunConfig(
        runId,
        stageName,
        location.workDir(workingDir),
        seed,
        device,
        resume,
        store,
        read(dataset, DATASET),
        read(model, MODEL),
        read(optimizer, OPTIMIZER),
        trainerConfig,
        resolved);
  }

  private static long seed(MapReader r) {
    Long seed = r.integer(SEED);
    return seed == null ? RunConfigLoader.DEFAULT_SEED : seed;
  }

  @Nullable
  private static MapReader scalerOf(MapReader r) {
    MapReader dataset = r.child(DATASET);
    return dataset == null ? null : dataset.child(SCALER);
  }

  /**
   * A section once no problem was recorded. Its reader returns null only after recording why, and
   * those problems have been thrown, so a null here is a bug in that reader, not in the file.
   */
  private static <T> T read(@Nullable T section, String key) {
    if (section == null) {
      throw new IllegalStateException(
          "'" + key + "' was not read, yet no problem with it was recorded");
    }
    return section;
  }
}
