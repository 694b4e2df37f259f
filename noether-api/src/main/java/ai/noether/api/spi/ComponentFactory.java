package ai.noether.api.spi;

import ai.noether.api.check.ConfigProblems;
import ai.noether.api.check.RunPlan;

/**
 * Base of every factory that {@link java.util.ServiceLoader} discovers. A factory names its kind
 * (the short name written as {@code kind:} in YAML) and its config type; the framework binds the
 * YAML block (minus {@code kind}) to that type and passes it to the factory's {@code create}.
 *
 * <p>The kind is a contract: it is written into configs and checkpoints. Never rename it; add a new
 * kind instead. Kinds are lower-case words joined by {@code -} ({@code ema}, {@code previous-run}).
 *
 * <p><b>Creation and injection.</b> The framework creates each factory once, when it loads the
 * class path's factories, through the process injector: a public no-argument constructor works, and
 * so does a {@code jakarta.inject.Inject} constructor whose parameters the Guice modules of the
 * class path bind ({@code ai.noether.inject.NoetherModule}). The run's services are not there yet:
 * a factory reaches them through the {@link ComponentContext} its {@code create} receives, or has
 * its component created by the run's injector with {@link ComponentContext#inject}, whose
 * {@code @Inject} constructor then receives them.
 *
 * @param <C> the config type: usually a record whose components are the YAML keys
 */
public interface ComponentFactory<C> {

  /** The permanent short name of this kind. */
  String kind();

  /** The class the YAML block binds to. */
  Class<C> configType();

  /** One line saying what the component does, shown in listings and "did you mean" errors. */
  default String description() {
    return "";
  }

  /**
   * Checks a bound configuration against the run it will be part of, before anything is built or
   * trained: a warm-up longer than the run, a model whose input does not fit the data. Called by
   * {@code train}, {@code resume} and {@code noether config} for every configured block; every
   * problem of every block is collected and reported at once (exit status 2).
   *
   * <p>Report problems to {@code problems} (keys relative to this block, values named, what would
   * be valid) instead of throwing; a factory cannot see other blocks' configs, only what the {@code
   * plan} says about them. The default finds nothing.
   *
   * @param config the bound config, as {@code create} would receive it (null for {@code Void})
   * @param plan the run's length and the shapes of its data and model output
   * @param problems where to report, placed at this block's YAML path
   */
  default void check(C config, RunPlan plan, ConfigProblems problems) {}
}
