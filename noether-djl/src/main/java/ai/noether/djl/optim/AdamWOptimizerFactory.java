package ai.noether.djl.optim;

/**
 * Builds {@code adamw} optimizers: Adam with decoupled weight decay, as torch.optim.AdamW.
 *
 * <p>See {@link AdamConfig} for the YAML.
 */
public final class AdamWOptimizerFactory extends DjlOptimizerFactory<AdamConfig> {
  /** The registered kind. */
  public static final String KIND = "adamw";

  public AdamWOptimizerFactory() {
    super(
        KIND,
        AdamConfig.class,
        "Adam with decoupled weight decay, as torch.optim.AdamW",
        AdamOptimizer::adamW);
  }
}
