package ai.noether.examples.quickstart;

import ai.noether.api.data.DataSource;
import ai.noether.api.data.Dataset;
import ai.noether.api.model.Model;
import ai.noether.api.spi.ComponentContext;
import ai.noether.api.spi.TrainingStepFactory;
import ai.noether.api.train.TrainingStep;
import java.util.Map;

/**
 * {@code trainer.kind: test-failing-step}: a plugin step without a dry run whose every update fails
 * as a shape mismatch would, to watch what the trainer does with a failure at the first update of a
 * fresh stage. Found through the test services file.
 */
public final class FailingStepFactory implements TrainingStepFactory<Void> {

  @Override
  public String kind() {
    return "test-failing-step";
  }

  @Override
  public Class<Void> configType() {
    return Void.class;
  }

  @Override
  public TrainingStep create(Void config, Model model, DataSource data, ComponentContext context) {
    return new TrainingStep() {
      @Override
      public double train(long[] sampleIndices, long seed) {
        throw new IllegalArgumentException("shapes [16, 6] and [8, 24] cannot be multiplied");
      }

      @Override
      public Map<String, Double> evaluate(Dataset dataset, String split) {
        return Map.of();
      }
    };
  }
}
