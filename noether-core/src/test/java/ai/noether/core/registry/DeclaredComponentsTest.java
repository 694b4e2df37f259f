package ai.noether.core.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.noether.api.ConfigException;
import ai.noether.api.NoetherException;
import ai.noether.api.callback.Callback;
import ai.noether.api.data.DataSource;
import ai.noether.api.data.Dataset;
import ai.noether.api.metric.Direction;
import ai.noether.api.metric.Metric;
import ai.noether.api.model.Model;
import ai.noether.api.spi.ComponentContext;
import ai.noether.api.spi.Kind;
import ai.noether.api.tensor.HostTensor;
import ai.noether.api.train.TrainingStep;
import ai.noether.core.config.ComponentBlock;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A user's own metric and step registered without a factory class: annotated with {@link Kind},
 * listed in the services file of their own interface (this module's test resources), their settings
 * a config record their constructor takes; and a callback named by its class name.
 */
class DeclaredComponentsTest {
  private static final ComponentRegistry REGISTRY = ComponentRegistry.load();

  @Test
  void anAnnotatedMetricIsRegisteredUnderItsKindWithItsDescription() {
    Registration r =
        REGISTRY.resolve(
            ComponentCategory.METRIC, ComponentBlock.of("metrics[0]", "within", Map.of()));

    assertThat(r.kind()).isEqualTo("within");
    assertThat(r.description())
        .isEqualTo("fraction of predictions within a tolerance of the target");
    assertThat(r.className()).isEqualTo(WithinMetric.class.getName());
    assertThat(r.factory().configType()).isEqualTo(WithinMetric.Config.class);
  }

  @Test
  void itsSettingsBindToTheConfigRecordItsConstructorTakes() {
    Metric metric =
        REGISTRY.create(
            ComponentCategory.METRIC,
            ComponentBlock.of("metrics[0]", "within", Map.of("tolerance", 1.5)),
            new RunContext());
    Metric.Accumulator a = metric.newAccumulator();
    a.add(
        HostTensor.ofFloats(new long[] {4}, 1, 2, 3, 4),
        HostTensor.ofFloats(new long[] {4}, 1, 4, 3, 0));

    assertThat(a.value()).isCloseTo(0.5, within(1e-12));
    assertThat(metric.direction()).isEqualTo(Direction.HIGHER_IS_BETTER);
  }

  @Test
  void itsConfigIsValidatedAndUnknownKeysAreNamedLikeAnyFactorys() {
    assertThatThrownBy(
            () ->
                REGISTRY.create(
                    ComponentCategory.METRIC,
                    ComponentBlock.of("metrics[0]", "within", Map.of("tolerance", -1)),
                    new RunContext()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("tolerance must be positive, was -1.0");
    assertThatThrownBy(
            () ->
                REGISTRY.create(
                    ComponentCategory.METRIC,
                    ComponentBlock.of("metrics[0]", "within", Map.of("tolerence", 1)),
                    new RunContext()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("tolerence")
        .hasMessageContaining("tolerance");
  }

  @Test
  void aStepGetsItsConfigAndTheModelAndDataItsConstructorAsksFor() {
    Model model = new EmptyModel("net");
    Dataset train = () -> 10;
    DataSource data =
        new DataSource() {
          @Override
          public Dataset train() {
            return train;
          }

          @Override
          public java.util.Optional<Dataset> validation() {
            return java.util.Optional.empty();
          }
        };

    TrainingStep step =
        REGISTRY.create(
            ComponentCategory.TRAINING_STEP,
            ComponentBlock.of("trainer", "scaled", Map.of("factor", 3.0)),
            new ComponentCategory.ModelAndData(model, data),
            new RunContext());

    assertThat(step).isInstanceOf(ScaledStep.class);
    assertThat(((ScaledStep) step).model).isSameAs(model);
    assertThat(step.train(new long[] {1, 2}, 0)).isEqualTo(30.0);
  }

  @Test
  void aComponentClassNameIsAKindToo() {
    String className = DeclaredComponentsTest.class.getName() + ".NoteCallback";
    Callback callback =
        REGISTRY.create(
            ComponentCategory.CALLBACK,
            ComponentBlock.of("trainer.callbacks[0]", className, Map.of()),
            new RunContext());

    assertThat(callback).isInstanceOf(NoteCallback.class);
    assertThat(((NoteCallback) callback).path).isEqualTo("trainer.callbacks[0]");
  }

  @Test
  void aComponentWithoutAUsableConstructorIsNamed() {
    assertThatThrownBy(
            () ->
                DeclaredComponents.factoryFor(
                    ComponentCategory.METRIC, Unbuildable.class, "unbuildable", "tests"))
        .isInstanceOf(NoetherException.class)
        .hasMessageContaining(Unbuildable.class.getName())
        .hasMessageContaining("no public constructor the framework can call")
        .hasMessageContaining("ComponentContext");
  }

  /** What a user writes: the metric, its config record, the annotation. No factory. */
  @Kind(value = "within", description = "fraction of predictions within a tolerance of the target")
  public static final class WithinMetric implements Metric {
    /** {@code tolerance}: how far a prediction may be from its target. */
    public record Config(@JsonProperty("tolerance") Double tolerance) {
      public Config {
        tolerance = tolerance == null ? 1.0 : tolerance;
        if (!(tolerance > 0)) {
          throw new IllegalArgumentException("tolerance must be positive, was " + tolerance);
        }
      }
    }

    private final double tolerance;

    public WithinMetric(Config config) {
      this.tolerance = config.tolerance();
    }

    @Override
    public String name() {
      return "within";
    }

    @Override
    public Direction direction() {
      return Direction.HIGHER_IS_BETTER;
    }

    @Override
    public Accumulator newAccumulator() {
      return new Accumulator() {
        private long hits;
        private long count;

        @Override
        public void add(HostTensor predictions, HostTensor targets) {
          float[] p = predictions.toFloatArray();
          float[] t = targets.toFloatArray();
          for (int i = 0; i < p.length; i++) {
            hits += Math.abs(p[i] - t[i]) <= tolerance ? 1 : 0;
          }
          count += p.length;
        }

        @Override
        public double value() {
          return count == 0 ? Double.NaN : hits / (double) count;
        }
      };
    }
  }

  /** A step with settings that takes the model and the data, in its own order. */
  @Kind("scaled")
  public static final class ScaledStep implements TrainingStep {
    public record Config(@JsonProperty("factor") double factor) {}

    final Model model;
    private final Config config;
    private final DataSource data;

    public ScaledStep(DataSource data, Config config, Model model) {
      this.data = data;
      this.config = config;
      this.model = model;
    }

    @Override
    public double train(long[] sampleIndices, long seed) {
      return config.factor() * data.train().size();
    }

    @Override
    public Map<String, Double> evaluate(Dataset dataset, String split) {
      return Map.of();
    }
  }

  /** A callback without settings or annotation, named by its class name; it keeps its YAML path. */
  public static final class NoteCallback implements Callback {
    final String path;

    public NoteCallback(ComponentContext context) {
      this.path = context.path();
    }
  }

  /** Nothing the framework could pass to its constructor. */
  public static final class Unbuildable implements Metric {
    public Unbuildable(String a, String b) {}

    @Override
    public String name() {
      return "unbuildable";
    }

    @Override
    public Direction direction() {
      return Direction.LOWER_IS_BETTER;
    }

    @Override
    public Accumulator newAccumulator() {
      throw new UnsupportedOperationException();
    }
  }

  /** A model with nothing in it, for the step's constructor. */
  private record EmptyModel(String name) implements Model {
    @Override
    public Map<String, ai.noether.api.tensor.Tensor> parameters() {
      return Map.of();
    }

    @Override
    public Map<String, ai.noether.api.tensor.Tensor> trainableParameters() {
      return Map.of();
    }

    @Override
    public Map<String, HostTensor> stateDict() {
      return Map.of();
    }

    @Override
    public ai.noether.api.model.LoadReport load(Map<String, HostTensor> stateDict, boolean strict) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Map<String, Object> config() {
      return Map.of();
    }

    @Override
    public void close() {}
  }
}
