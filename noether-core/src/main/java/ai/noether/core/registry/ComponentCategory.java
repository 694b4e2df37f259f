package ai.noether.core.registry;

import ai.noether.api.spi.CallbackFactory;
import ai.noether.api.spi.CheckpointStoreFactory;
import ai.noether.api.spi.DatasetFactory;
import ai.noether.api.spi.InitializerFactory;
import ai.noether.api.spi.LrScheduleFactory;
import ai.noether.api.spi.MetricFactory;
import ai.noether.api.spi.MetricLoggerFactory;
import ai.noether.api.spi.ModelFactory;
import ai.noether.api.spi.OptimizerFactory;
import ai.noether.api.spi.TrainingStepFactory;

/**
 * The kinds of configurable components, one per factory interface of {@code ai.noether.api.spi}, in
 * the order a run builds them.
 */
public enum ComponentCategory {
  STORE(CheckpointStoreFactory.class, "store", "noether-core"),
  DATASET(DatasetFactory.class, "dataset", "noether-core"),
  MODEL(ModelFactory.class, "model", "noether-djl"),
  INITIALIZER(InitializerFactory.class, "initializer", "noether-initializers"),
  OPTIMIZER(OptimizerFactory.class, "optimizer", "noether-djl"),
  SCHEDULE(LrScheduleFactory.class, "schedule", "noether-core"),
  /** Metrics a training step evaluates (the entries of its {@code metrics:} lists). */
  METRIC(MetricFactory.class, "metric", "noether-core"),
  TRAINING_STEP(TrainingStepFactory.class, "training step", "noether-djl"),
  CALLBACK(CallbackFactory.class, "callback", "noether-callbacks"),
  LOGGER(MetricLoggerFactory.class, "logger", "noether-callbacks");

  private final Class<?> factoryType;
  private final String noun;
  private final String standardModule;

  ComponentCategory(Class<?> factoryType, String noun, String standardModule) {
    this.factoryType = factoryType;
    this.noun = noun;
    this.standardModule = standardModule;
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
}
