package ai.noether.djl.step;

import ai.noether.api.check.ConfigProblems;
import ai.noether.api.check.RunPlan;
import ai.noether.api.data.DataSource;
import ai.noether.api.metric.Metric;
import ai.noether.api.metric.MetricProvider;
import ai.noether.api.model.Model;
import ai.noether.api.spi.ComponentContext;
import ai.noether.api.spi.TrainingStepFactory;
import ai.noether.api.train.TrainingStep;
import ai.noether.djl.model.DjlModel;
import ai.noether.djl.step.SupervisedStepConfig.TargetSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

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
    return "supervised learning on named dataset fields, one built-in loss (mse, l1, huber, cross-entropy, bce)"
        + " and metrics per target";
  }

  /**
   * The data must be tensors, and the loss must fit the targets and the model's declared output
   * (see {@link TargetChecks}).
   */
  @Override
  public void check(SupervisedStepConfig config, RunPlan plan, ConfigProblems problems) {
    if (!config.usesTensorFields()) {
      // Named fields are checked against the dataset when the step is built (the plan does not know
      // them).
      return;
    }
    if (plan.optFeatures().isEmpty()) {
      problems.error(
          "kind",
          kind()
              + " trains on datasets of tensors (TensorDataset), and the dataset's training split"
              + " is not one; return a TensorDataset from the dataset factory, or use a training step made for this data.");
      return;
    }
    TargetChecks.check(config.lossKind(), plan, problems);
  }

  @Override
  public final TrainingStep create(
      SupervisedStepConfig config, Model model, DataSource data, ComponentContext context) {
    if (!(model instanceof DjlModel djl)) {
      throw new IllegalArgumentException(
          "training step '"
              + kind()
              + "' trains models built by noether-djl (DjlModel); model '"
              + model.name()
              + "' is a "
              + model.getClass().getName());
    }
    Map<String, List<Metric>> metrics = metrics(config, context);
    return metrics.isEmpty() ? newStep(djl, data, config) : newStep(djl, data, config, metrics);
  }

  /** The step to run; override to return a subclass of {@link SupervisedStep}. */
  protected SupervisedStep newStep(DjlModel model, DataSource data, SupervisedStepConfig config) {
    return new SupervisedStep(model, data, config);
  }

  /**
   * The step to run when targets have {@code metrics:}; override to return a subclass of {@link
   * SupervisedStep} that evaluates them.
   */
  protected SupervisedStep newStep(
      DjlModel model,
      DataSource data,
      SupervisedStepConfig config,
      Map<String, List<Metric>> metrics) {
    return new SupervisedStep(model, data, config, metrics);
  }

  /**
   * Each target's metric entries resolved through the registered {@link
   * ai.noether.api.spi.MetricFactory} kinds: a name ({@code rmse}) or a block ({@code {kind: f1,
   * average: macro}}).
   */
  static Map<String, List<Metric>> metrics(SupervisedStepConfig config, ComponentContext context) {
    Map<String, List<Metric>> metrics = new LinkedHashMap<>();
    MetricProvider provider = null;
    for (TargetSpec target : config.targetSpecs()) {
      List<Metric> list = new ArrayList<>();
      for (int i = 0; i < target.metrics().size(); i++) {
        String path = context.path() + ".targets." + target.field() + ".metrics[" + i + "]";
        if (provider == null) {
          provider =
              context
                  .find(MetricProvider.class)
                  .orElseGet(SupervisedStepFactory::registeredMetrics);
        }
        list.add(provider.create(path, target.metrics().get(i), context));
      }
      if (!list.isEmpty()) {
        metrics.put(target.field(), list);
      }
    }
    return metrics;
  }

  private static MetricProvider registeredMetrics() {
    return ServiceLoader.load(MetricProvider.class)
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "no metric kinds on the class path: noether-core lists them through META-INF/services/"
                        + MetricProvider.class.getName()));
  }
}
