package ai.noether.djl.optim;

import ai.noether.api.model.Model;
import ai.noether.api.optim.Optimizer;
import ai.noether.api.spi.ComponentContext;
import ai.noether.api.spi.OptimizerFactory;

/**
 * Builds {@code sgd} optimizers: stochastic gradient descent with optional (Nesterov) momentum, as
 * torch.optim.SGD.
 *
 * <p>See {@link SgdConfig} for the YAML.
 */
public final class SgdOptimizerFactory implements OptimizerFactory<SgdConfig> {
  /** The registered kind. */
  public static final String KIND = "sgd";

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Class<SgdConfig> configType() {
    return SgdConfig.class;
  }

  @Override
  public String description() {
    return "stochastic gradient descent with optional (Nesterov) momentum, as torch.optim.SGD";
  }

  @Override
  public Optimizer create(SgdConfig config, Model model, ComponentContext context) {
    return new SgdOptimizer(model, config);
  }
}
