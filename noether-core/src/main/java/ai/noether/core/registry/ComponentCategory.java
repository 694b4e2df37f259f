package ai.noether.core.registry;

import ai.noether.api.callback.Callback;
import ai.noether.api.checkpoint.CheckpointStore;
import ai.noether.api.checkpoint.StoreLocation;
import ai.noether.api.data.DataSource;
import ai.noether.api.init.Initializer;
import ai.noether.api.logger.MetricLogger;
import ai.noether.api.metric.Metric;
import ai.noether.api.model.Model;
import ai.noether.api.optim.LrSchedule;
import ai.noether.api.optim.Optimizer;
import ai.noether.api.spi.CallbackFactory;
import ai.noether.api.spi.CheckpointStoreFactory;
import ai.noether.api.spi.ComponentContext;
import ai.noether.api.spi.ComponentFactory;
import ai.noether.api.spi.DatasetFactory;
import ai.noether.api.spi.InitializerFactory;
import ai.noether.api.spi.LrScheduleFactory;
import ai.noether.api.spi.MetricFactory;
import ai.noether.api.spi.MetricLoggerFactory;
import ai.noether.api.spi.ModelFactory;
import ai.noether.api.spi.OptimizerFactory;
import ai.noether.api.spi.TrainingStepFactory;
import ai.noether.api.train.TrainingStep;
import java.util.List;
import java.util.Objects;

/**
 * The kinds of configurable components, one per factory interface of {@code ai.noether.api.spi}, in
 * the order a run builds them ({@link #values()}). A category is typed by what it creates and by
 * what its factories need besides their config and context, so that {@link
 * ComponentRegistry#create(ComponentCategory, ai.noether.core.config.ComponentBlock, Object,
 * RunContext)} is one method for every category:
 *
 * <pre>{@code
 * Model model = registry.create(ComponentCategory.MODEL, block, "mlp", context);          // the model's name
 * Optimizer optimizer = registry.create(ComponentCategory.OPTIMIZER, block, model, context);
 * Callback callback = registry.create(ComponentCategory.CALLBACK, block, context);        // needs nothing more
 * }</pre>
 *
 * @param <T> the component type, e.g. {@link Callback}
 * @param <I> what a factory needs besides its config and context ({@link Void}: nothing)
 */
@SuppressWarnings(
    "unchecked") // a factory is registered only under its category's interface, so each cast holds
public final class ComponentCategory<T, I> {
  /** Checkpoint stores; they need the location they serve. */
  public static final ComponentCategory<CheckpointStore, StoreLocation> STORE =
      new ComponentCategory<>(
          "STORE",
          CheckpointStoreFactory.class,
          "store",
          "noether-core",
          (f, config, location, ctx) ->
              ((CheckpointStoreFactory<Object>) f).create(config, location, ctx));

  /**
   * Data sources; they need the run's seed, so that they are deterministic for a config and seed.
   */
  public static final ComponentCategory<DataSource, Long> DATASET =
      new ComponentCategory<>(
          "DATASET",
          DatasetFactory.class,
          "dataset",
          "noether-core",
          (f, config, seed, ctx) -> ((DatasetFactory<Object>) f).create(config, seed, ctx));

  /** Models with fresh weights; they need the model's name. */
  public static final ComponentCategory<Model, String> MODEL =
      new ComponentCategory<>(
          "MODEL",
          ModelFactory.class,
          "model",
          "noether-djl",
          (f, config, name, ctx) -> ((ModelFactory<Object>) f).create(name, config, ctx));

  public static final ComponentCategory<Initializer, Void> INITIALIZER =
      new ComponentCategory<>(
          "INITIALIZER",
          InitializerFactory.class,
          "initializer",
          "noether-initializers",
          (f, config, none, ctx) -> ((InitializerFactory<Object>) f).create(config, ctx));

  /** Optimizers; they need the model whose trainable parameters they update. */
  public static final ComponentCategory<Optimizer, Model> OPTIMIZER =
      new ComponentCategory<>(
          "OPTIMIZER",
          OptimizerFactory.class,
          "optimizer",
          "noether-djl",
          (f, config, model, ctx) -> ((OptimizerFactory<Object>) f).create(config, model, ctx));

  public static final ComponentCategory<LrSchedule, Void> SCHEDULE =
      new ComponentCategory<>(
          "SCHEDULE",
          LrScheduleFactory.class,
          "schedule",
          "noether-core",
          (f, config, none, ctx) -> ((LrScheduleFactory<Object>) f).create(config, ctx));

  /** Metrics a training step evaluates (the entries of its {@code metrics:} lists). */
  public static final ComponentCategory<Metric, Void> METRIC =
      new ComponentCategory<>(
          "METRIC",
          MetricFactory.class,
          "metric",
          "noether-core",
          (f, config, none, ctx) -> ((MetricFactory<Object>) f).create(config, ctx));

  /** Training steps ({@code trainer.kind}); they need the model and the data. */
  public static final ComponentCategory<TrainingStep, ModelAndData> TRAINING_STEP =
      new ComponentCategory<>(
          "TRAINING_STEP",
          TrainingStepFactory.class,
          "training step",
          "noether-djl",
          (f, config, in, ctx) ->
              ((TrainingStepFactory<Object>) f).create(config, in.model(), in.data(), ctx));

  public static final ComponentCategory<Callback, Void> CALLBACK =
      new ComponentCategory<>(
          "CALLBACK",
          CallbackFactory.class,
          "callback",
          "noether-callbacks",
          (f, config, none, ctx) -> ((CallbackFactory<Object>) f).create(config, ctx));
  public static final ComponentCategory<MetricLogger, Void> LOGGER =
      new ComponentCategory<>(
          "LOGGER",
          MetricLoggerFactory.class,
          "logger",
          "noether-callbacks",
          (f, config, none, ctx) -> ((MetricLoggerFactory<Object>) f).create(config, ctx));

  private static final List<ComponentCategory<?, ?>> VALUES =
      List.of(
          STORE,
          DATASET,
          MODEL,
          INITIALIZER,
          OPTIMIZER,
          SCHEDULE,
          METRIC,
          TRAINING_STEP,
          CALLBACK,
          LOGGER);

  /**
   * What a training step's factory needs besides its config: the model and the data it trains on.
   */
  public record ModelAndData(Model model, DataSource data) {
    public ModelAndData {
      Objects.requireNonNull(model, "model");
      Objects.requireNonNull(data, "data");
    }
  }

  /** Calls a factory of the category with its bound config. */
  @FunctionalInterface
  interface Invocation<T, I> {
    T create(ComponentFactory<?> factory, Object config, I inputs, ComponentContext context);
  }

  private final String name;
  private final Class<?> factoryType;
  private final String noun;
  private final String standardModule;
  private final Invocation<T, I> invocation;

  private ComponentCategory(
      String name,
      Class<?> factoryType,
      String noun,
      String standardModule,
      Invocation<T, I> invocation) {
    this.name = name;
    this.factoryType = factoryType;
    this.noun = noun;
    this.standardModule = standardModule;
    this.invocation = invocation;
  }

  /** Every category, in the order a run builds them. */
  public static List<ComponentCategory<?, ?>> values() {
    return VALUES;
  }

  /** The constant's name, e.g. {@code TRAINING_STEP}. */
  public String name() {
    return name;
  }

  /** The factory interface, e.g. {@link CallbackFactory}. */
  public Class<?> factoryType() {
    return factoryType;
  }

  /** How messages name a component of this category: {@code callback}, {@code training step}. */
  public String noun() {
    return noun;
  }

  /** The module whose jar provides the standard kinds of this category. */
  public String standardModule() {
    return standardModule;
  }

  /** The services file a plugin lists its factories in. */
  public String servicesFile() {
    return "META-INF/services/" + factoryType.getName();
  }

  /** Calls {@code factory}, one of this category's, with its bound config. */
  T invoke(ComponentFactory<?> factory, Object config, I inputs, ComponentContext context) {
    return invocation.create(factory, config, inputs, context);
  }

  @Override
  public String toString() {
    return name;
  }
}
