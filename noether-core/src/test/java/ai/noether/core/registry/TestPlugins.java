package ai.noether.core.registry;

import ai.noether.api.callback.Callback;
import ai.noether.api.callback.Interval;
import ai.noether.api.checkpoint.CheckpointStore;
import ai.noether.api.data.DataSource;
import ai.noether.api.model.Model;
import ai.noether.api.optim.LrSchedule;
import ai.noether.api.optim.Optimizer;
import ai.noether.api.run.RunInfo;
import ai.noether.api.spi.CallbackFactory;
import ai.noether.api.spi.CheckpointStoreFactory;
import ai.noether.api.spi.ComponentContext;
import ai.noether.api.spi.DatasetFactory;
import ai.noether.api.spi.LrScheduleFactory;
import ai.noether.api.spi.ModelFactory;
import ai.noether.api.spi.OptimizerFactory;
import ai.noether.api.spi.TrainingStepFactory;
import ai.noether.api.train.TrainingStep;
import jakarta.inject.Inject;
import java.util.List;

/**
 * Plugins that the tests find the way users' plugins are found: through the services files under
 * {@code src/test/resources/META-INF/services/} (except {@link UnlistedCallbackFactory}, which is
 * reached by its class name only).
 */
public final class TestPlugins {
  private TestPlugins() {}

  /** What {@link CountingCallbackFactory} builds: its bound config and what its context gave it. */
  public record CountingCallback(Interval interval, int keepLast, String path, RunInfo run)
      implements Callback {}

  /** {@code kind: test-counting} with an interval and an optional {@code keep_last}. */
  public static final class CountingCallbackFactory
      implements CallbackFactory<CountingCallbackFactory.Config> {
    public record Config(
        Long everyNEpochs,
        Long everyNUpdates,
        Long everyNSamples,
        Long everyNMinutes,
        @com.fasterxml.jackson.annotation.JsonPropertyDescription("how many checkpoints to keep")
            Integer keepLast) {
      public Config {
        // The parameters, not interval(): the fields are assigned only after this body.
        if (Interval.fromKeys(everyNEpochs, everyNUpdates, everyNSamples, everyNMinutes) == null) {
          throw new IllegalArgumentException(
              "set one of every_n_epochs, every_n_updates, every_n_samples or every_n_minutes");
        }
        keepLast = keepLast == null ? 1 : keepLast;
      }

      public Interval interval() {
        return Interval.fromKeys(everyNEpochs, everyNUpdates, everyNSamples, everyNMinutes);
      }
    }

    @Override
    public String kind() {
      return "test-counting";
    }

    @Override
    public Class<Config> configType() {
      return Config.class;
    }

    @Override
    public String description() {
      return "Counts updates (test plugin)";
    }

    @Override
    public Callback create(Config c, ComponentContext context) {
      return new CountingCallback(
          c.interval(), c.keepLast(), context.path(), context.require(RunInfo.class));
    }
  }

  /** Listed after {@link CountingCallbackFactory} with the same kind: must be ignored. */
  public static final class ShadowingCallbackFactory implements CallbackFactory<Void> {
    @Override
    public String kind() {
      return "test-counting";
    }

    @Override
    public Class<Void> configType() {
      return Void.class;
    }

    @Override
    public Callback create(Void config, ComponentContext context) {
      throw new AssertionError("a shadowed factory is never used");
    }
  }

  /** A service {@link InjectedCallbackFactory} gets from Guice. */
  public static class Greeting {
    private final String text;

    public Greeting() {
      this("hello");
    }

    public Greeting(String text) {
      this.text = text;
    }

    public String text() {
      return text;
    }
  }

  /** What {@link InjectedCallbackFactory} builds. */
  public record GreetingCallback(String greeting) implements Callback {}

  /** {@code kind: test-injected}: has an {@code @Inject} constructor and no settings. */
  public static final class InjectedCallbackFactory implements CallbackFactory<Void> {
    private final Greeting greeting;

    @Inject
    public InjectedCallbackFactory(Greeting greeting) {
      this.greeting = greeting;
    }

    @Override
    public String kind() {
      return "test-injected";
    }

    @Override
    public Class<Void> configType() {
      return Void.class;
    }

    @Override
    public Callback create(Void config, ComponentContext context) {
      return new GreetingCallback(greeting.text());
    }
  }

  /**
   * {@code kind: test-rejecting}: refuses to build, the way a factory reports a bad combination.
   */
  public static final class RejectingCallbackFactory implements CallbackFactory<Void> {
    @Override
    public String kind() {
      return "test-rejecting";
    }

    @Override
    public Class<Void> configType() {
      return Void.class;
    }

    @Override
    public Callback create(Void config, ComponentContext context) {
      throw new IllegalArgumentException("needs a validation split, but the dataset has none");
    }
  }

  /**
   * {@code kind: test-scaled}: a schedule that multiplies the learning rate by a required factor.
   */
  public static final class ScaledScheduleFactory
      implements LrScheduleFactory<ScaledScheduleFactory.Config> {
    public record Config(double factor) {
      public Config {
        if (!(factor > 0)) {
          throw new IllegalArgumentException("factor must be positive, was " + factor);
        }
      }
    }

    @Override
    public String kind() {
      return "test-scaled";
    }

    @Override
    public Class<Config> configType() {
      return Config.class;
    }

    @Override
    public String description() {
      return "Scales the learning rate (test plugin)";
    }

    @Override
    public LrSchedule create(Config config, ComponentContext context) {
      return (lr, update, total) -> lr * config.factor();
    }
  }

  /**
   * The factories below let a whole run configuration bind in tests ({@code noether config}); they
   * are never asked to build, which needs an engine.
   */
  public static final class TestStoreFactory implements CheckpointStoreFactory<Void> {
    @Override
    public String kind() {
      return "test-store";
    }

    @Override
    public Class<Void> configType() {
      return Void.class;
    }

    @Override
    public java.util.Set<String> schemes() {
      return java.util.Set.of("file");
    }

    @Override
    public CheckpointStore create(
        Void config, ai.noether.api.checkpoint.StoreLocation location, ComponentContext context) {
      throw new UnsupportedOperationException("test plugin: binds its config only");
    }
  }

  public static final class TestDatasetFactory
      implements DatasetFactory<TestDatasetFactory.Config> {
    public record Config(long samples) {}

    @Override
    public String kind() {
      return "test-dataset";
    }

    @Override
    public Class<Config> configType() {
      return Config.class;
    }

    @Override
    public DataSource create(Config config, long seed, ComponentContext context) {
      // Only as much as 'noether config' needs to check a run: a size.
      ai.noether.api.data.Dataset train = config::samples;
      return new DataSource() {
        @Override
        public ai.noether.api.data.Dataset train() {
          return train;
        }

        @Override
        public java.util.Optional<ai.noether.api.data.Dataset> validation() {
          return java.util.Optional.empty();
        }
      };
    }
  }

  public static final class TestModelFactory implements ModelFactory<TestModelFactory.Config> {
    public record Config(List<Long> hiddenSizes) {}

    @Override
    public String kind() {
      return "test-model";
    }

    @Override
    public Class<Config> configType() {
      return Config.class;
    }

    @Override
    public Model create(String name, Config config, ComponentContext context) {
      return new EmptyModel(name);
    }
  }

  public static final class TestOptimizerFactory
      implements OptimizerFactory<TestOptimizerFactory.Config> {
    public record Config(double lr, Double weightDecay) {}

    @Override
    public String kind() {
      return "test-optimizer";
    }

    @Override
    public Class<Config> configType() {
      return Config.class;
    }

    @Override
    public Optimizer create(Config config, Model model, ComponentContext context) {
      throw new UnsupportedOperationException("test plugin: binds its config only");
    }
  }

  public static final class TestStepFactory implements TrainingStepFactory<TestStepFactory.Config> {
    public record Config(String loss) {}

    @Override
    public String kind() {
      return "test-step";
    }

    @Override
    public Class<Config> configType() {
      return Config.class;
    }

    @Override
    public TrainingStep create(
        Config config, Model model, DataSource data, ComponentContext context) {
      return new TrainingStep() {
        @Override
        public double train(long[] sampleIndices, long seed) {
          throw new UnsupportedOperationException("test plugin: does not train");
        }

        @Override
        public java.util.Map<String, Double> evaluate(
            ai.noether.api.data.Dataset dataset, String split) {
          return java.util.Map.of();
        }
      };
    }
  }

  /**
   * A model without parameters: enough for 'noether config' to build it and let the step check it.
   */
  static final class EmptyModel implements Model {
    private final String name;

    EmptyModel(String name) {
      this.name = name;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public java.util.Map<String, ai.noether.api.tensor.Tensor> parameters() {
      return java.util.Map.of();
    }

    @Override
    public java.util.Map<String, ai.noether.api.tensor.Tensor> trainableParameters() {
      return java.util.Map.of();
    }

    @Override
    public java.util.Map<String, ai.noether.api.tensor.HostTensor> stateDict() {
      return java.util.Map.of();
    }

    @Override
    public ai.noether.api.model.LoadReport load(
        java.util.Map<String, ai.noether.api.tensor.HostTensor> stateDict, boolean strict) {
      throw new UnsupportedOperationException("test plugin: loads nothing");
    }

    @Override
    public java.util.Map<String, Object> config() {
      return java.util.Map.of();
    }

    @Override
    public void close() {}
  }
}
