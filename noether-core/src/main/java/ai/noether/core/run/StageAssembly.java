package ai.noether.core.run;

import ai.noether.api.ConfigException;
import ai.noether.api.Nullable;
import ai.noether.api.callback.Callback;
import ai.noether.api.checkpoint.CheckpointStore;
import ai.noether.api.data.DataSource;
import ai.noether.api.model.Model;
import ai.noether.api.optim.LrSchedule;
import ai.noether.api.optim.Optimizer;
import ai.noether.api.train.TrainingStep;
import ai.noether.core.check.Preflight;
import ai.noether.core.config.RunConfig;
import ai.noether.core.internal.Closeables;
import ai.noether.core.registry.ComponentCategory;
import ai.noether.core.registry.ComponentRegistry;
import ai.noether.core.registry.RunContext;
import ai.noether.core.resume.CheckpointFallback;
import ai.noether.core.resume.ConfigDiff;
import ai.noether.core.resume.LoadedCheckpoint;
import ai.noether.core.training.StopRequest;
import ai.noether.core.training.Trainer;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
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
    resumedFrom = StageStart.open(store, config);
    if (resumedFrom != null) {
      changes = ResumeCompatibility.check(config, resumedFrom);
    }

    DataSource data =
        StartingState.scaled(
            config,
            registry.create(ComponentCategory.DATASET, config.dataset(), config.seed(), context),
            resumedFrom);
    context.put(DataSource.class, data);
    Preflight.checkComponents(config, registry, data);
    model = registry.create(ComponentCategory.MODEL, config.model().block(), modelName, context);
    resources.push(model);
    context.put(Model.class, model);
    StartingState.initialize(model, config, registry, context, resumedFrom);

    Optimizer optimizer =
        registry.create(ComponentCategory.OPTIMIZER, config.optimizer().block(), model, context);
    context.put(Optimizer.class, optimizer);
    StageTrainer.checkAccumulation(config, optimizer);
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
        StageTrainer.builder(config, store, model, optimizer, step, data, schedule, stop);
    StageCallbacks.addTo(builder, config.trainer(), registry, context, resources, extraCallbacks);
    if (resumedFrom != null) {
      builder.optLineage(List.of(ResumeLineage.entry(resumedFrom)));
    }
    trainer = builder.build();
    resources.push(trainer);
    if (resumedFrom != null) {
      StageTrainer.restore(trainer, resumedFrom);
      // The launcher tells the user; a second line saying the same is noise.
      LOG.debug("resumed {} from {}", config.stage(), resumedFrom.source());
      ResumeLineage.pointLatestAtResumedCheckpoint(store, config.stage(), resumedFrom);
    }
    config.writeResolved(config.resolvedFile());
    StageClock.markStart(config.layout().stageDir(), resumedFrom == null);
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
