package ai.noether.api.spi;

import ai.noether.api.model.Model;
import ai.noether.api.optim.Optimizer;

/** Builds optimizers; listed in {@code META-INF/services/ai.noether.api.spi.OptimizerFactory}. */
public interface OptimizerFactory<C> extends ComponentFactory<C> {

  /** Builds an optimizer for the trainable parameters of {@code model}. */
  Optimizer create(C config, Model model, ComponentContext context);
}
