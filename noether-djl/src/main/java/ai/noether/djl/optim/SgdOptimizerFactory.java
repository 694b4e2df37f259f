package ai.noether.djl.optim;

/**
 * Builds {@code sgd} optimizers: stochastic gradient descent with optional (Nesterov) momentum, as
 * torch.optim.SGD.
 *
 * <p>See {@link SgdConfig} for the YAML.
 */
public final class SgdOptimizerFactory extends DjlOptimizerFactory<SgdConfig> {
  /** The registered kind. */
  public static final String KIND = "sgd";

  public SgdOptimizerFactory() {
    super(
        KIND,
        SgdConfig.class,
        "stochastic gradient descent with optional (Nesterov) momentum, as torch.optim.SGD",
        SgdOptimizer::new);
  }
}
