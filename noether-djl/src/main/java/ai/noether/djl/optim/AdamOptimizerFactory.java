package ai.noether.djl.optim;

/**
 * Builds {@code adam} optimizers: Adam with L2 weight decay, as torch.optim.Adam.
 *
 * <p>See {@link AdamConfig} for the YAML.
 */
public final class AdamOptimizerFactory extends DjlOptimizerFactory<AdamConfig> {
  /** The registered kind. */
  public static final String KIND = "adam";

  public AdamOptimizerFactory() {
    super(
        KIND,
        AdamConfig.class,
        "Adam with L2 weight decay, as torch.optim.Adam",
        AdamOptimizer::adam);
  }
}
