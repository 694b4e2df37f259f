package ai.noether.callbacks.test;

import ai.noether.api.callback.Callback;
import ai.noether.api.checkpoint.CheckpointStore;
import ai.noether.api.checkpoint.ModelWeightsReader;
import ai.noether.api.data.DataSource;
import ai.noether.api.spi.CallbackFactory;
import ai.noether.api.spi.ComponentContext;
import ai.noether.api.train.TrainingStep;

/** {@code kind: test-evaluation}: see {@link TestEvaluationCallback}. */
public final class TestEvaluationCallbackFactory
    implements CallbackFactory<TestEvaluationCallbackConfig> {
  /** The permanent kind name. */
  public static final String KIND = "test-evaluation";

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Class<TestEvaluationCallbackConfig> configType() {
    return TestEvaluationCallbackConfig.class;
  }

  @Override
  public String description() {
    return "evaluates the final weights or checkpoints (best, EMA) on the test split at the end of training";
  }

  @Override
  public Callback create(TestEvaluationCallbackConfig config, ComponentContext context) {
    boolean readsCheckpoints =
        config.checkpoints().stream().anyMatch(c -> !c.equals(TestEvaluationCallbackConfig.FINAL));
    return new TestEvaluationCallback(
        config,
        context.require(DataSource.class),
        context.require(TrainingStep.class),
        readsCheckpoints ? context.require(CheckpointStore.class) : null,
        readsCheckpoints ? context.require(ModelWeightsReader.class) : null);
  }
}
