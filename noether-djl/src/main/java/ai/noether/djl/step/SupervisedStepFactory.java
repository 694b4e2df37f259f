package ai.noether.djl.step;

import ai.noether.api.check.ConfigProblems;
import ai.noether.api.check.RunPlan;
import ai.noether.api.data.DataSource;
import ai.noether.api.model.Model;
import ai.noether.api.spi.ComponentContext;
import ai.noether.api.spi.TrainingStepFactory;
import ai.noether.api.train.TrainingStep;
import ai.noether.djl.model.DjlModel;

/**
 * Builds {@code supervised} training steps (see {@link SupervisedStepConfig} for the YAML).
 *
 * <p>A step with a custom loss is a subclass of {@link SupervisedStep} plus a factory like:
 *
 * <pre>{@code
 * public final class MyStepFactory extends SupervisedStepFactory {
 *   public String kind() { return "my-step"; }
 *   protected SupervisedStep newStep(DjlModel model, DataSource data, SupervisedStepConfig config) {
 *     return new MyStep(model, data, config);
 *   }
 * }
 * }</pre>
 *
 * listed in {@code META-INF/services/ai.noether.api.spi.TrainingStepFactory}.
 */
public class SupervisedStepFactory implements TrainingStepFactory<SupervisedStepConfig> {
  /** The registered kind. */
  public static final String KIND = "supervised";

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Class<SupervisedStepConfig> configType() {
    return SupervisedStepConfig.class;
  }

  @Override
  public String description() {
    return "supervised learning on tensor datasets with a built-in loss (mse, l1, huber, cross-entropy, bce)";
  }

  /**
   * The data must be tensors, and the loss must fit the targets and the model's declared output
   * (see {@link TargetChecks}).
   */
  @Override
  public void check(SupervisedStepConfig config, RunPlan plan, ConfigProblems problems) {
    if (plan.optFeatures().isEmpty()) {
      problems.error("kind", kind() + " trains on datasets of tensors (TensorDataset), and the dataset's training split"
          + " is not one; return a TensorDataset from the dataset factory, or use a training step made for this data.");
      return;
    }
    TargetChecks.check(config.lossKind(), plan, problems);
  }

  @Override
  public final TrainingStep create(SupervisedStepConfig config, Model model, DataSource data, ComponentContext context) {
    if (!(model instanceof DjlModel djl)) {
      throw new IllegalArgumentException("training step '" + kind() + "' trains models built by noether-djl (DjlModel); model '"
          + model.name() + "' is a " + model.getClass().getName());
    }
    return newStep(djl, data, config);
  }

  /** The step to run; override to return a subclass of {@link SupervisedStep}. */
  protected SupervisedStep newStep(DjlModel model, DataSource data, SupervisedStepConfig config) {
    return new SupervisedStep(model, data, config);
  }
}
