package ai.noether.core.config;

import static ai.noether.core.config.ConfigKeys.*;

import ai.noether.api.ConfigException;
import ai.noether.api.NoetherException;
import ai.noether.api.callback.Interval;
import ai.noether.api.checkpoint.CheckpointSelector;
import ai.noether.api.checkpoint.InvalidNameException;
import ai.noether.api.checkpoint.Names;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.StoreLocation;
import ai.noether.api.run.DeviceSpec;
import ai.noether.api.run.EngineConfig;
import ai.noether.core.training.NonFiniteLossPolicy;
import ai.noether.core.training.TrainerSettings;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Reads a run configuration: parses the YAML file (recording the line of every key), applies the
 * command-line overrides ({@link Overrides}), fills in the defaults and binds the root keys. Every
 * problem is a {@link ConfigException} that names the file, the line and the YAML path.
 *
 * <p>Component blocks are checked here only for their {@code kind}; their own keys are checked when
 * the component registry binds them ({@code ComponentRegistry.validate}).
 */
public final class RunConfigLoader {
  public static final String DEFAULT_STAGE_NAME = "train";
  public static final String DEFAULT_OUTPUT_DIR =
      ai.noether.api.cli.CommandContext.DEFAULT_OUTPUT_DIR;
  public static final long DEFAULT_SEED = 0;
  public static final String DEFAULT_STORE_KIND = "file";
  public static final String DEFAULT_TRAINING_STEP_KIND = "supervised";

  /** Progress is logged every 100 updates unless a {@code log_every_n_*} key says otherwise. */
  public static final long DEFAULT_STOP_TIMEOUT_SECONDS = 120;

  public static final Interval DEFAULT_LOGGING = Interval.updates(100);

  /**
   * Consecutive failed checkpoint saves after which training stops ({@code
   * trainer.max_failed_saves}).
   */
  public static final int DEFAULT_MAX_FAILED_SAVES =
      ai.noether.core.training.Trainer.DEFAULT_MAX_FAILED_SAVES;

  private static final List<String> MAX_KEYS = List.of(MAX_EPOCHS, MAX_UPDATES, MAX_SAMPLES);
  private static final List<String> EVAL_KEYS =
      List.of(EVAL_EVERY_N_EPOCHS, EVAL_EVERY_N_UPDATES, EVAL_EVERY_N_SAMPLES);
  private static final List<String> LOG_KEYS =
      List.of(LOG_EVERY_N_EPOCHS, LOG_EVERY_N_UPDATES, LOG_EVERY_N_SAMPLES);

  private final Path workingDir;
  private final Supplier<String> runIds;
  private final BlockCheck blockCheck;

  /**
   * Resolves relative paths against the process's working directory; generates ids with {@link
   * RunIds}.
   */
  public RunConfigLoader() {
    this(Path.of("").toAbsolutePath(), RunIds::next);
  }

  /**
   * @param workingDir what a relative {@code output_dir} is resolved against
   * @param runIds supplies the run id when the configuration has none
   */
  public RunConfigLoader(Path workingDir, Supplier<String> runIds) {
    this(workingDir, runIds, BlockCheck.NONE);
  }

  private RunConfigLoader(Path workingDir, Supplier<String> runIds, BlockCheck blockCheck) {
    this.workingDir = workingDir.toAbsolutePath();
    this.runIds = runIds;
    this.blockCheck = blockCheck;
  }

  /**
   * This loader, checking every component block with {@code check} while it reads, so that one
   * error lists the problems of the root keys and of the blocks together.
   */
  public RunConfigLoader withBlockCheck(BlockCheck check) {
    return new RunConfigLoader(workingDir, runIds, check);
  }

  /**
   * Reads {@code file} and applies {@code overrides} ({@code key.path=value}, in order).
   *
   * @param file resolved against the working directory; messages name it as given
   * @throws ConfigException if the file cannot be read or the configuration is not valid
   */
  public RunConfig load(Path file, List<String> overrides) {
    Path resolved = workingDir.resolve(file);
    if (!Files.exists(resolved)) {
      throw new ConfigException("config file " + file + " does not exist");
    }
    if (!Files.isRegularFile(resolved)) {
      throw new ConfigException("config file " + file + " is not a file");
    }
    String text;
    try {
      text = Files.readString(resolved);
    } catch (MalformedInputException e) {
      throw new ConfigException(file + ": not a UTF-8 text file", e);
    } catch (IOException e) {
      throw new ConfigException("cannot read config file " + file + ": " + e.getMessage(), e);
    }
    return parse(text, file.toString(), overrides);
  }

  /**
   * Reads a configuration saved as a plain tree (the {@code config} a checkpoint's trainer file
   * holds) and applies {@code overrides}, exactly as if the tree had been read from a file.
   *
   * @param source what messages name as the file, e.g. the trainer file's path
   */
  public RunConfig fromTree(Map<String, Object> tree, String source, List<String> overrides) {
    return parse(Yaml.write(tree), source, overrides);
  }

  /**
   * Reads a configuration from text.
   *
   * @param source the file name used in messages
   */
  @SuppressWarnings("unchecked")
  public RunConfig parse(String yaml, String source, List<String> overrides) {
    Origins origins = new Origins(source);
    Object tree;
    try {
      tree = Yaml.read(yaml, "", origins::fileLine);
    } catch (Yaml.Problem e) {
      throw new ConfigException(
          source + (e.line > 0 ? " line " + e.line : "") + ": " + e.getMessage());
    }
    if (tree == null) {
      tree = new LinkedHashMap<String, Object>();
    }
    if (!(tree instanceof Map<?, ?>)) {
      throw new ConfigException(
          source
              + ": a run configuration is a mapping of keys (run_id: ..., model: ...), not "
              + PlainTrees.describe(tree));
    }
    Map<String, Object> root = (Map<String, Object>) tree;
    Overrides.apply(root, overrides, origins);
    return bind(root, origins);
  }

  private RunConfig bind(Map<String, Object> root, Origins origins) {
    // Every section is read even after a problem, so that all problems are reported at once.
    ConfigErrors errors = new ConfigErrors();
    MapReader r = MapReader.of("", root, origins, "the configuration");
    r.rejectUnknown(ROOT, "at the top level", errors);

    ResumeConfig resume = errors.read(() -> resume(r), null);
    String runId = errors.read(() -> r.name(RUN_ID, null, Names::requireRunId), null);
    boolean resumeIfExists = errors.read(() -> r.bool(RESUME_IF_EXISTS, false), false);
    if (resumeIfExists && !r.has(RUN_ID)) {
      errors.add(
          r.invalid(
              RESUME_IF_EXISTS,
              "resuming if the run exists (resume_if_exists, train --resume-if-exists)"
                  + " needs a fixed run_id: a generated one is new on every start, so there would never be anything to resume."
                  + " Set run_id in the file or on the command line (run_id=my-run)"));
    }
    if (runId == null) {
      runId = runIds.get();
    }
    String stageName =
        errors.read(
            () ->
                r.name(
                    STAGE_NAME,
                    resume == null ? DEFAULT_STAGE_NAME : resume.stage().stageName(),
                    Names::requireStageName),
            DEFAULT_STAGE_NAME);
    StoreLocation output = errors.read(() -> output(r), null);
    Path outputDir = output == null ? null : output.workDir(workingDir);
    long seed =
        errors.read(() -> r.integer(SEED) == null ? DEFAULT_SEED : r.integer(SEED), DEFAULT_SEED);
    DeviceSpec device = errors.read(() -> device(r), DeviceSpec.AUTO);
    errors.read(() -> engine(r), EngineConfig.DEFAULT);
    // Without a kind, output_dir's scheme chooses the store (file for plain paths).
    String storeKind = output == null || output.isLocal() ? DEFAULT_STORE_KIND : output.scheme();
    ComponentBlock store = errors.read(() -> r.block(STORE, storeKind), null);
    if (store == null) {
      store = new ComponentBlock(STORE, storeKind, Map.of(), List.of(KIND), origins);
    }
    check(BlockCheck.STORE, store, errors);
    String datasetHint = "the data to train on, e.g. dataset: {kind: synthetic-regression}";
    ComponentBlock dataset =
        errors.read(() -> r.requireChild(DATASET, datasetHint).asBlock(null, DATASET_KEYS), null);
    check(BlockCheck.DATASET, dataset, errors);
    MapReader scaler =
        dataset == null ? null : errors.read(() -> r.child(DATASET).child(SCALER), null);
    if (scaler != null) {
      ScalerConfig.read(scaler, errors);
    }
    ModelConfig model = model(r, errors);
    OptimizerConfig optimizer = optimizer(r, errors);
    TrainerConfig trainer = trainer(r, errors);
    errors.throwIfAny();

    Map<String, Object> resolved = new LinkedHashMap<>();
    resolved.put(RUN_ID, runId);
    resolved.put(STAGE_NAME, stageName);
    resolved.put(OUTPUT_DIR, output.toString());
    resolved.put(SEED, seed);
    resolved.put(DEVICE, device.toString());
    if (root.get(ENGINE) != null) {
      // Written only when set: the defaults depend on the machine, not on the run.
      resolved.put(ENGINE, root.get(ENGINE));
    }
    if (resume != null) {
      resolved.put(RESUME_RUN_ID, resume.stage().runId());
      resolved.put(RESUME_STAGE_NAME, resume.stage().stageName());
      resolved.put(RESUME_CHECKPOINT, root.get(RESUME_CHECKPOINT));
      if (root.get(RESUME_FALLBACK) != null) {
        resolved.put(RESUME_FALLBACK, root.get(RESUME_FALLBACK));
      }
    }
    if (resumeIfExists) {
      // Written only when set, so that the resolved configurations of other runs stay as they were.
      resolved.put(RESUME_IF_EXISTS, true);
    }
    resolved.put(STORE, withKind(root.get(STORE), store.kind()));
    resolved.put(DATASET, root.get(DATASET));
    resolved.put(MODEL, root.get(MODEL));
    resolved.put(OPTIMIZER, root.get(OPTIMIZER));
    Map<String, Object> trainerTree = withKind(root.get(TRAINER), trainer.step().kind());
    if (r.child(TRAINER).oneOf(LOG_KEYS) == null) {
      trainerTree.put(LOG_EVERY_N_UPDATES, DEFAULT_LOGGING.every());
    }
    resolved.put(TRAINER, trainerTree);
    return new RunConfig(
        runId, stageName, outputDir, seed, device, resume, store, dataset, model, optimizer,
        trainer, resolved);
  }

  private static ResumeConfig resume(MapReader r) {
    String runId = r.name(RESUME_RUN_ID, null, Names::requireRunId);
    if (runId == null) {
      for (String key : List.of(RESUME_STAGE_NAME, RESUME_CHECKPOINT, RESUME_FALLBACK)) {
        if (r.has(key)) {
          throw r.invalid(
              key,
              "is set but resume_run_id is not; set resume_run_id to the run to resume, or remove "
                  + key);
        }
      }
      return null;
    }
    String stageName = r.name(RESUME_STAGE_NAME, DEFAULT_STAGE_NAME, Names::requireStageName);
    String checkpoint = r.string(RESUME_CHECKPOINT, null);
    Boolean fallback = r.bool(RESUME_FALLBACK);
    try {
      return new ResumeConfig(
          new StageId(runId, stageName),
          CheckpointSelector.parse(checkpoint),
          fallback == null || fallback);
    } catch (NoetherException e) {
      throw r.invalid(RESUME_CHECKPOINT, e.getMessage());
    }
  }

  private StoreLocation output(MapReader r) {
    String text = r.string(OUTPUT_DIR, DEFAULT_OUTPUT_DIR);
    try {
      return StoreLocation.parse(text, workingDir);
    } catch (InvalidNameException e) {
      throw r.invalid(OUTPUT_DIR, e.getMessage());
    }
  }

  private static DeviceSpec device(MapReader r) {
    String text = r.string(DEVICE, null);
    try {
      return text == null ? DeviceSpec.AUTO : DeviceSpec.parse(text);
    } catch (NoetherException e) {
      throw r.invalid(DEVICE, e.getMessage());
    }
  }

  /** The {@code engine} block; {@link EngineConfig#DEFAULT} when absent. */
  static EngineConfig engine(MapReader r) {
    MapReader e = r.child(ENGINE);
    if (e == null) {
      return EngineConfig.DEFAULT;
    }
    ConfigErrors errors = new ConfigErrors();
    e.rejectUnknown(ENGINE_KEYS, "in engine", errors);
    errors.throwIfAny();
    Long threads = e.positive(THREADS);
    Long interop = e.positive(INTEROP_THREADS);
    return new EngineConfig(
        threads == null ? null : Math.toIntExact(Math.min(threads, 4096)),
        interop == null ? null : Math.toIntExact(Math.min(interop, 4096)));
  }

  private ModelConfig model(MapReader r, ConfigErrors errors) {
    MapReader m =
        errors.read(
            () ->
                r.requireChild(
                    MODEL, "the model to train, e.g. model: {name: regressor, kind: mlp}"),
            null);
    if (m == null) {
      return null;
    }
    String name = errors.read(() -> m.name(NAME, null, Names::requireModelName), "");
    if (name == null) {
      errors.add(
          m.missing(NAME, "the model name used in checkpoint file names, e.g. name: regressor"));
    }
    ComponentBlock block = errors.read(() -> m.asBlock(null, MODEL_KEYS), null);
    check(BlockCheck.MODEL, block, errors);
    List<ComponentBlock> initializers =
        errors.read(() -> m.blocks(INITIALIZERS, errors), List.of());
    initializers.forEach(b -> check(BlockCheck.INITIALIZER, b, errors));
    return name == null || name.isEmpty() || block == null
        ? null
        : new ModelConfig(name, block, initializers);
  }

  private OptimizerConfig optimizer(MapReader r, ConfigErrors errors) {
    MapReader o =
        errors.read(
            () -> r.requireChild(OPTIMIZER, "e.g. optimizer: {kind: adamw, lr: 1.0e-3}"), null);
    if (o == null) {
      return null;
    }
    Double lr = errors.read(() -> o.number(LR), Double.NaN);
    if (lr == null) {
      errors.add(o.missing(LR, "the base learning rate, e.g. lr: 1.0e-3"));
    } else if (!lr.isNaN() && (!(lr > 0) || lr.isInfinite())) {
      errors.add(o.invalid(LR, "must be a positive number, was " + lr));
    }
    ComponentBlock block = errors.read(() -> o.asBlock(null, OPTIMIZER_KEYS), null);
    check(BlockCheck.OPTIMIZER, block, errors);
    ComponentBlock schedule = errors.read(() -> o.block(SCHEDULE, null), null);
    check(BlockCheck.SCHEDULE, schedule, errors);
    return lr == null || !(lr > 0) || lr.isInfinite() || block == null
        ? null
        : new OptimizerConfig(block, lr, schedule);
  }

  private TrainerConfig trainer(MapReader r, ConfigErrors errors) {
    MapReader t =
        errors.read(
            () ->
                r.requireChild(
                    TRAINER, "how long to train, e.g. trainer: {max_epochs: 10, batch_size: 32}"),
            null);
    if (t == null) {
      return null;
    }
    String max = errors.read(() -> t.oneOf(MAX_KEYS), "");
    if (max == null) {
      errors.add(
          t.origins()
              .error(
                  t.path(),
                  t.path()
                      + ": missing how long to train; set one of max_epochs,"
                      + " max_updates or max_samples"));
    }
    Long limit = max == null || max.isEmpty() ? null : errors.read(() -> t.positive(max), null);
    Long batchSize = errors.read(() -> t.positive(BATCH_SIZE), 0L);
    if (batchSize == null) {
      errors.add(t.missing(BATCH_SIZE, "samples per update, e.g. batch_size: 32"));
    } else if (batchSize > Integer.MAX_VALUE) {
      errors.add(
          t.invalid(BATCH_SIZE, "must be at most " + Integer.MAX_VALUE + ", was " + batchSize));
    }
    Interval evaluation = errors.read(() -> interval(t, EVAL_KEYS), null);
    Interval logging = errors.read(() -> interval(t, LOG_KEYS), null);
    NonFiniteLossPolicy nonFinite = errors.read(() -> nonFiniteLoss(t), NonFiniteLossPolicy.ERROR);
    Long stopTimeout = errors.read(() -> t.positive(STOP_TIMEOUT_SECONDS), null);
    ComponentBlock step =
        errors.read(() -> t.asBlock(DEFAULT_TRAINING_STEP_KIND, TRAINER_KEYS), null);
    check(BlockCheck.TRAINING_STEP, step, errors);
    List<ComponentBlock> callbacks = errors.read(() -> t.blocks(CALLBACKS, errors), List.of());
    callbacks.forEach(b -> check(BlockCheck.CALLBACK, b, errors));
    List<ComponentBlock> loggers = errors.read(() -> t.blocks(LOGGERS, errors), List.of());
    loggers.forEach(b -> check(BlockCheck.LOGGER, b, errors));
    Long maxFailedSaves = errors.read(() -> t.positive(MAX_FAILED_SAVES), null);
    if (maxFailedSaves != null && maxFailedSaves > Integer.MAX_VALUE) {
      errors.add(
          t.invalid(
              MAX_FAILED_SAVES,
              "must be at most " + Integer.MAX_VALUE + ", was " + maxFailedSaves));
      return null;
    }
    Long accumulate = errors.read(() -> t.positive(ACCUMULATE_GRAD_BATCHES), null);
    if (accumulate != null && accumulate > Integer.MAX_VALUE) {
      errors.add(
          t.invalid(
              ACCUMULATE_GRAD_BATCHES,
              "must be at most " + Integer.MAX_VALUE + ", was " + accumulate));
      return null;
    }
    if (limit == null
        || batchSize == null
        || batchSize <= 0
        || batchSize > Integer.MAX_VALUE
        || step == null) {
      return null;
    }
    TrainerSettings settings;
    try {
      settings =
          new TrainerSettings(
              max.equals(MAX_EPOCHS) ? limit : 0,
              max.equals(MAX_UPDATES) ? limit : 0,
              max.equals(MAX_SAMPLES) ? limit : 0,
              batchSize.intValue(),
              evaluation,
              logging == null ? DEFAULT_LOGGING : logging,
              accumulate == null ? 1 : accumulate.intValue());
    } catch (IllegalArgumentException e) {
      errors.add(t.origins().error(t.path(), t.path() + ": " + e.getMessage()));
      return null;
    }
    return new TrainerConfig(
        step,
        settings,
        callbacks,
        nonFinite,
        stopTimeout == null ? DEFAULT_STOP_TIMEOUT_SECONDS : stopTimeout,
        maxFailedSaves == null ? DEFAULT_MAX_FAILED_SAVES : maxFailedSaves.intValue(),
        loggers);
  }

  private void check(String role, ComponentBlock block, ConfigErrors errors) {
    if (block != null) {
      errors.run(() -> blockCheck.check(role, block));
    }
  }

  private static NonFiniteLossPolicy nonFiniteLoss(MapReader t) {
    String value = t.string(NON_FINITE_LOSS, "error");
    for (NonFiniteLossPolicy p : NonFiniteLossPolicy.values()) {
      if (p.name().equalsIgnoreCase(value)) {
        return p;
      }
    }
    throw t.invalid(NON_FINITE_LOSS, "must be error or ignore, was '" + value + "'");
  }

  /**
   * The interval of the one key of {@code keys} (epochs, updates, samples) that is set, or null.
   */
  private static Interval interval(MapReader t, List<String> keys) {
    String key = t.oneOf(keys);
    if (key == null) {
      return null;
    }
    long every = t.positive(key);
    Interval.Unit unit = Interval.Unit.values()[keys.indexOf(key)];
    return new Interval(unit, every);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> withKind(Object block, String kind) {
    Map<String, Object> copy = new LinkedHashMap<>();
    copy.put(KIND, kind);
    if (block != null) {
      ((Map<String, Object>) block)
          .forEach(
              (k, v) -> {
                if (!k.equals(KIND)) {
                  copy.put(k, v);
                }
              });
    }
    return copy;
  }
}
