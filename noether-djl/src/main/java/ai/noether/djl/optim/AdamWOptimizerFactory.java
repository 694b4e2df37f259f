package ai.noether.djl.optim;

import ai.noether.api.model.Model;
import ai.noether.api.optim.Optimizer;
import ai.noether.api.spi.ComponentContext;
import ai.noether.api.spi.OptimizerFactory;

/**
 * Builds {@code adamw} optimizers: Adam with decoupled weight decay, as torch.optim.AdamW.
 *
 * <p>See {@link AdamConfig} for the YAML.
 */
public final class AdamWOptimizerFactory implements OptimizerFactory<AdamConfig> {
  /** The registered kind. */
  public static final String KIND = "adamw";

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
    return "Adam with decoupled weight decay, as torch.optim.AdamW";
  }

  @Override
  public Optimizer create(AdamConfig config, Model model, ComponentContext context) {
    return AdamOptimizer.adamW(model, config);
  }
}
