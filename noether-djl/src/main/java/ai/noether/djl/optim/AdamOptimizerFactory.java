package ai.noether.djl.optim;

import ai.noether.api.model.Model;
import ai.noether.api.optim.Optimizer;
import ai.noether.api.spi.ComponentContext;
import ai.noether.api.spi.OptimizerFactory;

/**
 * Builds {@code adam} optimizers: Adam with L2 weight decay, as torch.optim.Adam.
 *
 * <p>See {@link AdamConfig} for the YAML.
 */
public final class AdamOptimizerFactory implements OptimizerFactory<AdamConfig> {
  /** The registered kind. */
  public static final String KIND = "adam";

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Class<AdamConfig> configType() {
    return AdamConfig.class;
  }

  @Override
  public String description() {
    return "Adam with L2 weight decay, as torch.optim.Adam";
  }

  @Override
  public Optimizer create(AdamConfig config, Model model, ComponentContext context) {
    return AdamOptimizer.adam(model, config);
  }
}
