package ai.noether.core.check;

import ai.noether.api.ConfigException;
import ai.noether.api.callback.Interval;
import ai.noether.api.check.ConfigProblems;
import ai.noether.api.check.RunPlan;
import ai.noether.api.check.SampleShape;
import ai.noether.api.data.DataSource;
import ai.noether.api.data.Dataset;
import ai.noether.api.data.TensorDataset;
import ai.noether.api.model.Model;
import ai.noether.api.run.DeviceSpec;
import ai.noether.api.run.RunInfo;
import ai.noether.api.spi.ComponentFactory;
import ai.noether.api.spi.ModelFactory;
import ai.noether.api.train.TrainingStep;
import ai.noether.core.config.ComponentBlock;
import ai.noether.core.config.RunConfig;
import ai.noether.core.internal.Closeables;
import ai.noether.core.registry.ComponentCategory;
import ai.noether.core.registry.ComponentRegistry;
import ai.noether.core.registry.RunContext;
import ai.noether.core.training.TrainerSettings;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds configuration errors before training, in two steps:
 *
 * <ol>
 *   <li>{@link #checkComponents}: every configured block's factory checks its config against the
 *       {@link RunPlan} (the run's length in epochs, updates and samples; the training split's
 *       feature and target shapes; the model's declared output shape). Needs the data source, not
 *       the model. All problems of all blocks are collected and reported together.
 *   <li>{@link #checkMetricDirections}: once the training step is built, the checks again with its
 *       {@link TrainingStep#metricDirections} in the plan, so that a callback or schedule that
 *       selects by a metric whose direction neither its {@code mode:} nor the step gives is
 *       reported before training.
 *   <li>{@link #dryRun}: the training step's forward pass and loss on one batch, without backward,
 *       optimizer step or randomness ({@link TrainingStep#dryRun}), which catches what the
 *       components could not check from their configs (a plugin model, an unusual dataset). Runs
 *       only when the first step found no error: its failure would most likely repeat one.
 * </ol>
 *
 * <p>Errors become one {@link ConfigException} (exit status 2) that lists every problem with its
 * YAML path and place; warnings are logged (and printed by {@code noether config}). {@link #check}
 * runs both steps for {@code noether config}, building the data, the model and the step but no
 * store, and writing nothing.
 */
public final class Preflight {
  private static final Logger LOG = LoggerFactory.getLogger(Preflight.class);

  private Preflight() {}

  /**
   * Every component's check against the run; throws when any found an error, logs the warnings.
   *
   * @return the warnings, in order; never null
   * @throws ConfigException listing every error found
   */
  public static List<ConfigProblems.Problem> checkComponents(
      RunConfig config, ComponentRegistry registry, DataSource data) {
    if (data.train().size() == 0) {
      // Nothing else can be checked against a run of no updates.
      throw config
          .dataset()
          .error("the training split is empty; training needs at least one sample");
    }
    ConfigProblems problems = new ConfigProblems();
    List<ComponentBlock> blocks = new ArrayList<>();
    RunPlan plan = plan(config, registry, data);
    check(registry, ComponentCategory.STORE, config.store(), plan, problems, blocks);
    check(registry, ComponentCategory.DATASET, config.dataset(), plan, problems, blocks);
    check(registry, ComponentCategory.MODEL, config.model().block(), plan, problems, blocks);
    config
        .model()
        .initializers()
        .forEach(b -> check(registry, ComponentCategory.INITIALIZER, b, plan, problems, blocks));
    check(
        registry, ComponentCategory.OPTIMIZER, config.optimizer().block(), plan, problems, blocks);
    config
        .optimizer()
        .optSchedule()
        .ifPresent(b -> check(registry, ComponentCategory.SCHEDULE, b, plan, problems, blocks));
    check(
        registry, ComponentCategory.TRAINING_STEP, config.trainer().step(), plan, problems, blocks);
    config
        .trainer()
        .callbacks()
        .forEach(b -> check(registry, ComponentCategory.CALLBACK, b, plan, problems, blocks));
    config
        .trainer()
        .loggers()
        .forEach(b -> check(registry, ComponentCategory.LOGGER, b, plan, problems, blocks));
    checkEvaluation(config, plan, problems);
    List<ConfigProblems.Problem> warnings = problems.warnings();
    warnings.forEach(w -> LOG.warn("{}: {}", where(blocks, w.path()), w));
    throwIfErrors(problems, blocks);
    return warnings;
  }

  /**
   * The checks of the blocks that select by a metric (the schedule and the callbacks) again, now
   * with the training step's metric directions in the plan. Runs after {@link #checkComponents}
   * passed, so it reports only what the directions add; its warnings were logged already.
   *
   * @throws ConfigException listing every metric whose direction is unknown
   */
  public static void checkMetricDirections(
      RunConfig config, ComponentRegistry registry, DataSource data, TrainingStep step) {
    ConfigProblems problems = new ConfigProblems();
    List<ComponentBlock> blocks = new ArrayList<>();
    RunPlan plan = plan(config, registry, data).withMetricDirections(step.metricDirections());
    config
        .optimizer()
        .optSchedule()
        .ifPresent(b -> check(registry, ComponentCategory.SCHEDULE, b, plan, problems, blocks));
    config
        .trainer()
        .callbacks()
        .forEach(b -> check(registry, ComponentCategory.CALLBACK, b, plan, problems, blocks));
    throwIfErrors(problems, blocks);
  }

  private static void throwIfErrors(ConfigProblems problems, List<ComponentBlock> blocks) {
    List<ConfigProblems.Problem> errors = problems.errors();
    if (!errors.isEmpty()) {
      StringBuilder sb = new StringBuilder();
      sb.append(
              errors.size() == 1
                  ? "the configuration has a problem"
                  : "the configuration has " + errors.size() + " problems")
          .append(" (found before training; nothing was trained or written):");
      for (ConfigProblems.Problem e : errors) {
        sb.append("\n  ").append(where(blocks, e.path())).append(": ").append(e);
      }
      throw new ConfigException(sb.toString());
    }
  }

  /**
   * The dry run: the step's forward pass and loss on the first {@code trainer.batch_size} samples.
   *
   * @throws ConfigException naming the model and dataset blocks when it fails
   */
  public static void dryRun(RunConfig config, Model model, TrainingStep step, DataSource data) {
    TrainerSettings settings = config.trainer().settings();
    long size = data.train().size();
    if (size == 0) {
      return;
    }
    // The first samples, not the first shuffled batch: any batch shows the shapes, and a shuffle
    // would cost a permutation of the whole training split.
    long[] batch =
        java.util.stream.LongStream.range(0, Math.min(size, settings.batchSize())).toArray();
    long start = System.nanoTime();
    try {
      step.dryRun(batch);
      LOG.info(
          "dry forward pass of model '{}' on {} training samples passed in {} ms",
          model.name(),
          batch.length,
          (System.nanoTime() - start) / 1_000_000);
    } catch (ConfigException e) {
      throw e;
    } catch (RuntimeException e) {
      ComponentBlock modelBlock = config.model().block();
      ComponentBlock dataBlock = config.dataset();
      throw new ConfigException(
          "the model block ("
              + modelBlock.where()
              + ": model.kind: "
              + modelBlock.kind()
              + ", model.name: "
              + model.name()
              + ") and the dataset block ("
              + dataBlock.where()
              + ": dataset.kind: "
              + dataBlock.kind()
              + ") do not fit each other: a dry forward pass of the training step (trainer.kind: "
              + config.trainer().step().kind()
              + ") on one batch of "
              + batch.length
              + " training samples"
              + shapes(data.train())
              + " failed before training: "
              + message(e)
              + "\nNothing was trained or written; fix the model or dataset block and start again.",
          e);
    }
  }

  /**
   * What {@code noether config} checks: both steps, with the data, the model (fresh weights, no
   * initializers) and the training step built and closed again. Writes nothing, creates no store.
   * Everything is built on the CPU whatever {@code device} says: shapes do not depend on the
   * device, and a configuration for a GPU can be checked on a machine without one.
   *
   * @return the warnings; never null
   * @throws ConfigException listing the problems
   */
  public static List<ConfigProblems.Problem> check(RunConfig config, ComponentRegistry registry) {
    Deque<AutoCloseable> built = new ArrayDeque<>();
    try {
      RunInfo onCpu = new RunInfo(config.stage(), config.seed(), DeviceSpec.CPU);
      RunContext context = new RunContext().put(RunInfo.class, onCpu).put(RunConfig.class, config);
      DataSource data =
          registry.create(ComponentCategory.DATASET, config.dataset(), config.seed(), context);
      if (data instanceof AutoCloseable closeable) {
        built.push(closeable);
      }
      context.put(DataSource.class, data);
      List<ConfigProblems.Problem> warnings = checkComponents(config, registry, data);
      Model model =
          registry.create(
              ComponentCategory.MODEL, config.model().block(), config.model().name(), context);
      built.push(model);
      context.put(Model.class, model);
      TrainingStep step =
          registry.create(
              ComponentCategory.TRAINING_STEP,
              config.trainer().step(),
              new ComponentCategory.ModelAndData(model, data),
              context);
      built.push(step);
      checkMetricDirections(config, registry, data, step);
      dryRun(config, model, step, data);
      return warnings;
    } finally {
      Closeables.closeAll(built);
    }
  }

  /** The trainer's own settings against the run: evaluations that never happen during training. */
  private static void checkEvaluation(RunConfig config, RunPlan plan, ConfigProblems problems) {
    Interval evaluation = config.trainer().settings().evaluation();
    if (evaluation == null) {
      return;
    }
    ConfigProblems trainer = problems.at(config.trainer().step().path());
    String key = "eval_" + evaluation.key();
    if (!plan.hasValidation()) {
      trainer.warning(
          key,
          evaluation.every()
              + ", but the dataset (dataset.kind: "
              + config.dataset().kind()
              + ") has no validation split: nothing is evaluated. Remove "
              + key
              + " or add a validation split.");
    } else if (!plan.reaches(evaluation)) {
      trainer.warning(
          key,
          evaluation.every()
              + " is longer than the run ("
              + plan.lengthText()
              + "): the model is"
              + " evaluated only at the end.");
    }
  }

  /**
   * The plan of a run: its length from the trainer block, shapes from the data and the model
   * factory.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static RunPlan plan(RunConfig config, ComponentRegistry registry, DataSource data) {
    TrainerSettings s = config.trainer().settings();
    // Scaling keeps shapes and types; the plan describes the dataset as its factory made it.
    Dataset train =
        data instanceof ai.noether.core.data.ScaledDataSource scaled
            ? scaled.unscaled().train()
            : data.train();
    SampleShape features = null;
    SampleShape targets = null;
    TensorDataset tensors = train instanceof TensorDataset t ? t : null;
    String dataset = "dataset (dataset.kind: " + config.dataset().kind() + ")";
    if (tensors != null) {
      features =
          SampleShape.ofRows(
              tensors.features().shape(),
              tensors.features().dtype(),
              "the training features of " + dataset);
      targets =
          SampleShape.ofRows(
              tensors.targets().shape(),
              tensors.targets().dtype(),
              "the training targets of " + dataset);
    }
    ComponentBlock modelBlock = config.model().block();
    SampleShape output = null;
    try {
      ComponentFactory<?> factory = registry.resolve(ComponentCategory.MODEL, modelBlock).factory();
      Object bound = registry.bind(ComponentCategory.MODEL, modelBlock);
      java.util.Optional<SampleShape> declared =
          ((ModelFactory) factory).outputShape(bound, modelBlock.path());
      output = declared.orElse(null);
    } catch (RuntimeException e) {
      LOG.debug(
          "model factory of {} does not declare its output shape: {}",
          modelBlock.path(),
          e.toString());
    }
    return new RunPlan(
            s.maxEpochs(),
            s.maxUpdates(),
            s.maxSamples(),
            s.batchSize(),
            train.size(),
            data.validation().isPresent(),
            features,
            targets,
            tensors == null ? null : tensors.targets(),
            output)
        .withAccumulateGradBatches(s.accumulateGradBatches());
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static void check(
      ComponentRegistry registry,
      ComponentCategory<?, ?> category,
      ComponentBlock block,
      RunPlan plan,
      ConfigProblems problems,
      List<ComponentBlock> blocks) {
    blocks.add(block);
    ComponentFactory factory = registry.resolve(category, block).factory();
    Object bound = registry.bind(category, block);
    ConfigProblems here = problems.at(block.path());
    try {
      factory.check(bound, plan, here);
    } catch (RuntimeException e) {
      // A check that fails is a bug of the component, not of the configuration: report it but go
      // on.
      LOG.warn(
          "the check of {} {} ({}) failed",
          category.noun(),
          block.path(),
          factory.getClass().getName(),
          e);
      here.warning(
          null,
          "could not be checked before training ("
              + factory.getClass().getName()
              + " failed: "
              + message(e)
              + ")");
    }
  }

  /** The place (file and line) of the block a problem path belongs to. */
  private static String where(List<ComponentBlock> blocks, String path) {
    ComponentBlock best = null;
    for (ComponentBlock b : blocks) {
      boolean inside =
          path.equals(b.path())
              || path.startsWith(b.path() + ".")
              || path.startsWith(b.path() + "[");
      if (inside && (best == null || b.path().length() > best.path().length())) {
        best = b;
      }
    }
    return best == null
        ? (blocks.isEmpty() ? "" : blocks.get(0).origins().source())
        : best.origins().where(path);
  }

  private static String shapes(Dataset train) {
    if (train instanceof TensorDataset t) {
      return " (features "
          + SampleShape.ofRows(t.features().shape(), t.features().dtype(), "")
          + ", targets "
          + SampleShape.ofRows(t.targets().shape(), t.targets().dtype(), "")
          + " per sample)";
    }
    return "";
  }

  private static String message(Throwable e) {
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m.strip();
  }
}
