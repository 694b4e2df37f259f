package ai.noether.core.run;

import ai.noether.api.ConfigException;
import ai.noether.api.Nullable;
import ai.noether.api.callback.Callback;
import ai.noether.api.checkpoint.CheckpointNotFoundException;
import ai.noether.api.checkpoint.CheckpointStore;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.checkpoint.StoredFile;
import ai.noether.api.data.DataSource;
import ai.noether.api.model.Model;
import ai.noether.api.optim.LrSchedule;
import ai.noether.api.optim.Optimizer;
import ai.noether.api.train.TrainingStep;
import ai.noether.core.check.Preflight;
import ai.noether.core.checkpoint.TrainerStateFile;
import ai.noether.core.config.ComponentBlock;
import ai.noether.core.config.ConfigKeys;
import ai.noether.core.config.ResumeConfig;
import ai.noether.core.config.RunConfig;
import ai.noether.core.config.ScalerConfig;
import ai.noether.core.data.ScaledDataSource;
import ai.noether.core.format.th.ThFormat;
import ai.noether.core.internal.Closeables;
import ai.noether.core.registry.ComponentCategory;
import ai.noether.core.registry.ComponentRegistry;
import ai.noether.core.registry.RunContext;
import ai.noether.core.resume.CheckpointFallback;
import ai.noether.core.resume.CheckpointReader;
import ai.noether.core.resume.ConfigDiff;
import ai.noether.core.resume.LoadedCheckpoint;
import ai.noether.core.resume.NothingToResume;
import ai.noether.core.resume.ResumeRules;
import ai.noether.core.training.ResumeState;
import ai.noether.core.training.StopRequest;
import ai.noether.core.training.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stage built from its configuration, ready to {@link Trainer#run()}. Building creates, in this
 * order: the checkpoint store, the data, the model, then either the model's initializers (a fresh
 * start) or the checkpoint's weights (a resume), the optimizer, the training step, the schedule,
 * the callbacks and the trainer; on a resume it finally restores the trainer's state. Every
 * component is available to later factories through their {@link RunContext}.
 *
 * <p>Before anything else, the store repairs what an interrupted writer left in this stage.
 *
 * <p>A resume reads the checkpoint {@code resume_run_id}/{@code resume_stage_name}/ {@code
 * resume_checkpoint} selects (or, when {@code latest} fails verification, the newest one that
 * verifies, see {@link CheckpointFallback}), compares its saved configuration with this one
 * (changes the checkpoint cannot honour are a {@link ConfigException} listing them; the others are
 * logged), and records where the run came from in its lineage.
 *
 * <p>Before anything is written, the configuration is checked against the data ({@link
 * Preflight#checkComponents}, right after the data source is built) and the training step makes a
 * dry forward pass on one batch ({@link Preflight#dryRun}); either fails as a {@link
 * ConfigException} listing the problems.
 *
 * <p>Closing releases everything in reverse order of creation.
 */
public final class StageAssembly implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StageAssembly.class);

  /**
   * The configuration being run; {@code resume_if_exists} may set its resume keys while building.
   */
  private RunConfig config;

  private final Deque<AutoCloseable> resources = new ArrayDeque<>();

  // store, model and trainer are set by build(), which assemble runs before it hands the
  // assembly out (it closes and drops one whose build failed)
  @SuppressWarnings("NullAway.Init")
  private CheckpointStore store;

  @SuppressWarnings("NullAway.Init")
  private Model model;

  @SuppressWarnings("NullAway.Init")
  private Trainer trainer;

  private @Nullable LoadedCheckpoint resumedFrom;
  private @Nullable ConfigDiff changes;

  private StageAssembly(RunConfig config) {
    this.config = config;
  }

  /**
   * Builds the stage and writes its resolved configuration to {@link RunConfig#resolvedFile()}.
   *
   * @param stop the flag that stops training early (signal handlers set it)
   * @throws ConfigException when a component rejects its configuration, a resume is incompatible,
   *     or the run, stage or checkpoint to resume from does not exist (the message lists what does)
   */
  public static StageAssembly assemble(
      RunConfig config, ComponentRegistry registry, StopRequest stop) throws IOException {
    return assemble(config, registry, stop, List.of());
  }

  /**
   * Builds the stage with extra callbacks that are not part of the configuration (they run after
   * the configured ones and keep no state in checkpoints), e.g. a simulated preemption.
   */
  public static StageAssembly assemble(
      RunConfig config, ComponentRegistry registry, StopRequest stop, List<Callback> extraCallbacks)
      throws IOException {
    StageAssembly stage = new StageAssembly(config);
    try {
      stage.build(registry, stop, extraCallbacks);
      return stage;
    } catch (IOException | RuntimeException e) {
      try {
        stage.close();
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  private void build(ComponentRegistry registry, StopRequest stop, List<Callback> extraCallbacks)
      throws IOException {
    store =
        registry.create(
            ComponentCategory.STORE, config.store(), config.output(), RunContext.forRun(config));
    resources.push(store);
    // This process is the stage's only writer from here until it ends, before it looks at anything
    // of the stage: the fresh-start check, the resume and the auto-resume decision cannot race.
    resources.push(store.claim(config.stage(), WriterIdentity.current()));
    config = AutoResume.decide(config, store);
    RunContext context = RunContext.forRun(config);
    context.put(CheckpointStore.class, store);
    // Steps resolve the kinds of their metrics through it.
    context.put(ComponentRegistry.class, registry);
    context.put(ai.noether.api.metric.MetricProvider.class, registry.metricProvider());
    // Before anything reads or writes the stage: a writer killed while publishing file names may
    // have left names of two saves side by side, which a PyTorch user loading by name would mix.
    store.repair(config.stage());
    String modelName = config.model().name();
    Optional<ResumeConfig> resume = config.optResume();
    if (resume.isPresent()) {
      if (!resume.get().stage().equals(config.stage())) {
        // Continuing into another stage starts that stage: it must not bury one that exists.
        refuseToOverwrite();
      }
      resumedFrom = read(resume.get(), modelName);
      checkCompatible(resumedFrom);
    } else {
      refuseToOverwrite();
      // The stage has no checkpoint, so a history there is from a start that was killed before its
      // first save: it describes no state this run continues.
      Files.deleteIfExists(config.layout().historyFile());
    }

    DataSource data =
        scaled(
            registry.create(ComponentCategory.DATASET, config.dataset(), config.seed(), context));
    context.put(DataSource.class, data);
    Preflight.checkComponents(config, registry, data);
    model = registry.create(ComponentCategory.MODEL, config.model().block(), modelName, context);
    resources.push(model);
    context.put(Model.class, model);
    if (resumedFrom != null) {
      model.load(resumedFrom.stateDict(), true);
    } else {
      for (ComponentBlock block : config.model().initializers()) {
        // Each initializer logs what it copied and what it kept fresh.
        registry.create(ComponentCategory.INITIALIZER, block, context).initialize(model);
      }
    }

    Optimizer optimizer =
        registry.create(ComponentCategory.OPTIMIZER, config.optimizer().block(), model, context);
    context.put(Optimizer.class, optimizer);
    if (config.trainer().settings().accumulateGradBatches() > 1
        && !optimizer.accumulatesGradients()) {
      throw config
          .optimizer()
          .block()
          .error(
              "optimizer '"
                  + optimizer.kind()
                  + "' cannot accumulate gradients, but"
                  + " trainer.accumulate_grad_batches is "
                  + config.trainer().settings().accumulateGradBatches()
                  + "; use an optimizer that can (sgd, adam, adamw) or set trainer.accumulate_grad_batches: 1");
    }
    TrainingStep step =
        registry.create(
            ComponentCategory.TRAINING_STEP,
            config.trainer().step(),
            new ComponentCategory.ModelAndData(model, data),
            context);
    resources.push(step);
    // Schedules and callbacks that select by a metric take its direction from the step.
    context.put(TrainingStep.class, step);
    Preflight.checkMetricDirections(config, registry, data, step);
    LrSchedule schedule =
        config
            .optimizer()
            .optSchedule()
            .map(b -> registry.create(ComponentCategory.SCHEDULE, b, context))
            .orElse(null);
    Preflight.dryRun(config, model, step, data);

    Trainer.Builder builder =
        Trainer.builder()
            .setStage(config.stage(), config.layout().stageDir())
            .optOutputLocation(config.output().toString())
            .optSeed(config.seed())
            .setSettings(config.trainer().settings())
            .optMaxFailedSaves(config.trainer().maxFailedSaves())
            .setModel(model)
            .setOptimizer(optimizer, config.optimizer().lr())
            .setStep(step)
            .setData(data)
            .setStore(store, ThFormat.encoder())
            .optConfig(config.toPlainTree())
            .optNonFiniteLoss(config.trainer().nonFiniteLoss())
            .optStopRequest(stop);
    if (schedule != null) {
      builder.optSchedule(schedule);
    }
    Map<String, Integer> seen = new HashMap<>();
    for (ComponentBlock block : config.trainer().callbacks()) {
      Callback callback = registry.create(ComponentCategory.CALLBACK, block, context);
      if (callback instanceof AutoCloseable closeable) {
        resources.push(closeable);
      }
      builder.addCallback(stateKey(callback, block, seen), callback);
    }
    for (ComponentBlock block : config.trainer().loggers()) {
      ai.noether.api.logger.MetricLogger logger =
          registry.create(ComponentCategory.LOGGER, block, context);
      resources.push(logger);
      builder.addLogger(block.path(), logger);
    }
    for (int i = 0; i < extraCallbacks.size(); i++) {
      builder.addCallback("launch-option#" + (i + 1), extraCallbacks.get(i));
    }
    if (resumedFrom != null) {
      builder.optLineage(List.of(lineageEntry(resumedFrom)));
    }
    trainer = builder.build();
    resources.push(trainer);
    if (resumedFrom != null) {
      if (resumedFrom.optimizer() == null) {
        LOG.warn(
            "checkpoint {} was saved without optimizer state; the optimizer starts fresh",
            resumedFrom.source());
      }
      trainer.restore(
          new ResumeState(
              resumedFrom.iteration(),
              resumedFrom.trainer(),
              resumedFrom.optimizer(),
              resumedFrom.schedule(),
              resumedFrom.source()));
      // The launcher tells the user; a second line saying the same is noise.
      LOG.debug("resumed {} from {}", config.stage(), resumedFrom.source());
      pointLatestAtResumedCheckpoint(resumedFrom);
    }
    config.writeResolved(config.resolvedFile());
    StageClock.markStart(config.layout().stageDir(), resumedFrom == null);
  }

  /**
   * The data with {@code dataset.scaler} applied: a fresh stage fits the scaler on the training
   * split; a resume reuses the parameters the checkpoint saved in its trainer state.
   */
  private DataSource scaled(DataSource data) {
    Optional<ScalerConfig> scaler =
        ScalerConfig.ofDataset(config.toPlainTree().get(ConfigKeys.DATASET));
    if (scaler.isEmpty()) {
      return data;
    }
    Object saved = resumedFrom == null ? null : savedState(resumedFrom).scalerParams();
    try {
      return ScaledDataSource.of(data, scaler.get(), saved);
    } catch (IllegalArgumentException e) {
      throw config.dataset().error(Objects.requireNonNullElse(e.getMessage(), e.toString()));
    }
  }

  /**
   * A stage resumed in place from an older checkpoint continues from there, so {@code latest} must
   * say so before anything else happens: otherwise a crash before the first new save would leave
   * {@code latest} on the abandoned continuation, and a plain resume would pick it up.
   */
  private void pointLatestAtResumedCheckpoint(LoadedCheckpoint resumedFrom) throws IOException {
    StoredCheckpoint from = resumedFrom.stored();
    Optional<String> committed = savedState(resumedFrom).checkpointTag();
    if (!from.stage().equals(config.stage()) || committed.isEmpty()) {
      return;
    }
    CheckpointTag tag = CheckpointTag.parse(committed.get());
    if (!tag.isAlias()) {
      try {
        // Cheap when latest is there already: one small manifest, no data.
        store.alias(config.stage(), tag, Set.of(CheckpointTag.LATEST));
        LOG.info(
            "latest of {} now points at {}: the stage continues from there",
            config.stage(),
            tag.token());
      } catch (CheckpointNotFoundException e) {
        // A checkpoint the store did not commit itself (written by Noether in Python).
        LOG.warn(
            "could not point latest of {} at {}: {}", config.stage(), tag.token(), e.getMessage());
      }
    }
  }

  /**
   * Reads the checkpoint the resume keys select. A run, stage or checkpoint that does not exist is
   * a mistake in those keys, so it is reported as a {@link ConfigException} that names them, with
   * the store's listing of what exists.
   */
  private LoadedCheckpoint read(ResumeConfig resume, String modelName) throws IOException {
    try {
      CheckpointFallback.Selected<LoadedCheckpoint> selected =
          CheckpointFallback.load(
              store,
              resume.stage(),
              resume.checkpoint(),
              resume.fallback(),
              checkpoint -> CheckpointReader.forResume(store, checkpoint, modelName));
      selected.fallback().ifPresent(LOG::warn);
      return selected.value();
    } catch (CheckpointNotFoundException e) {
      Optional<ConfigException> nothing =
          NothingToResume.check(store, config.outputDir(), resume.stage(), config.stageName(), e);
      if (nothing.isPresent()) {
        throw nothing.get();
      }
      throw new ConfigException(
          "cannot resume from resume_run_id: "
              + resume.stage().runId()
              + ", resume_stage_name: "
              + resume.stage().stageName()
              + ", resume_checkpoint: "
              + resume.checkpoint()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /**
   * The key a callback's state is saved under: its own {@link Callback#stateKey()}, else its kind,
   * with {@code #2}, {@code #3}... for further callbacks of the same kind. Keys do not depend on
   * the position in the list, so adding another kind of callback before a resume keeps every state
   * where it was.
   */
  private static String stateKey(
      Callback callback, ComponentBlock block, Map<String, Integer> seen) {
    if (callback.stateKey() != null) {
      return callback.stateKey();
    }
    int n = seen.merge(block.kind(), 1, Integer::sum);
    return n == 1 ? block.kind() : block.kind() + "#" + n;
  }

  /** A fresh start into a stage that has checkpoints would mix two trainings under one name. */
  private void refuseToOverwrite() throws IOException {
    List<StoredCheckpoint> existing;
    try {
      existing = store.list(config.stage());
    } catch (ai.noether.api.checkpoint.CheckpointNotFoundException e) {
      return;
    }
    if (!existing.isEmpty()) {
      StoredCheckpoint newest = existing.get(existing.size() - 1);
      throw new ConfigException(
          "stage "
              + config.stage()
              + " already has "
              + existing.size()
              + " checkpoint(s) (newest: "
              + newest.describe()
              + ") in "
              + config.layout().checkpointDir()
              + "; "
              + config
                  .optResume()
                  .map(r -> "continuing " + r.stage() + " into it")
                  .orElse("a fresh start")
              + " would mix two trainings. Continue it with 'noether resume "
              + config.runId()
              + " --stage "
              + config.stageName()
              + "' (or resume_run_id: "
              + config.runId()
              + "), or start under another run_id or stage_name.");
    }
  }

  private void checkCompatible(LoadedCheckpoint checkpoint) {
    Optional<Map<String, Object>> saved = savedState(checkpoint).config();
    if (saved.isEmpty()) {
      LOG.warn(
          "checkpoint {} holds no configuration; cannot check that this run matches it",
          checkpoint.source());
      return;
    }
    ConfigDiff diff = ConfigDiff.between(saved.get(), config.toPlainTree(), ResumeRules.DEFAULT);
    if (!diff.forbidden().isEmpty()) {
      throw new ConfigException(
          "cannot resume "
              + config.stage()
              + " from "
              + checkpoint.source()
              + ": the configuration differs from the checkpoint's in ways it cannot honour (✗):\n"
              + diff.describe()
              + "\nUndo the ✗ changes, or start a new run whose model is initialised from this checkpoint with a"
              + " previous-run initializer (docs/initializers.md).");
    }
    if (!diff.isEmpty()) {
      LOG.debug(
          "resuming from {} with configuration changes:\n{}", checkpoint.source(), diff.describe());
    }
    changes = diff;
  }

  /**
   * Where this run came from. The tag is the one the checkpoint was committed under, read from its
   * trainer file, not the alias it was selected by: {@code latest} moves on with every save, while
   * {@code E1_U24_S376.signal} keeps naming the same state.
   */
  private static Map<String, Object> lineageEntry(LoadedCheckpoint from) {
    StoredCheckpoint cp = from.stored();
    return TrainerStateFile.lineageEntry(
        cp.stage(),
        savedState(from).checkpointTag().orElse(cp.tag().token()),
        from.iteration(),
        checksum(cp),
        Instant.now());
  }

  /**
   * The trainer file of the checkpoint resumed from; its format version was checked when it was
   * read.
   */
  private static TrainerStateFile savedState(LoadedCheckpoint checkpoint) {
    return TrainerStateFile.read(checkpoint.trainer(), checkpoint.source());
  }

  /**
   * CRC32C of the checkpoint's files, combined in file order; identifies the exact bytes resumed.
   */
  private static String checksum(StoredCheckpoint cp) {
    StringBuilder sb = new StringBuilder("crc32c:");
    for (StoredFile f : cp.files()) {
      if (!f.hasChecksum()) {
        return "none (checkpoint without store checksums)";
      }
      sb.append(f.name().kind().suffix())
          .append('=')
          .append(String.format("%08x", f.crc32c()))
          .append(',');
    }
    return sb.substring(0, sb.length() - 1);
  }

  /** The trainer, ready to run. */
  public Trainer trainer() {
    return trainer;
  }

  /** The model being trained. */
  public Model model() {
    return model;
  }

  /** The checkpoint store of the run. */
  public CheckpointStore store() {
    return store;
  }

  /** The checkpoint this stage resumed from, if it did. */
  public Optional<LoadedCheckpoint> resumedFrom() {
    return Optional.ofNullable(resumedFrom);
  }

  /**
   * How this stage's configuration differs from the one saved in the checkpoint it resumed from:
   * only allowed changes (a forbidden one fails the assembly). Empty when the stage started fresh,
   * resumed with the same configuration, or resumed from a checkpoint that holds no configuration.
   */
  public List<ConfigDiff.Change> configChanges() {
    return changes == null ? List.of() : changes.changes();
  }

  @Override
  public void close() {
    Closeables.closeAll(resources);
  }
}
