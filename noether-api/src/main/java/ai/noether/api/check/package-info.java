/**
 * Checks a configuration before training: what a run will be ({@link ai.noether.api.check.RunPlan}:
 * its length in epochs, updates and samples, the shapes of the data and of the model's output) and
 * where components report what does not fit ({@link ai.noether.api.check.ConfigProblems}).
 *
 * <p>A factory takes part by overriding {@link ai.noether.api.spi.ComponentFactory#check
 * ComponentFactory.check}; the framework calls it for every configured block before anything is
 * built, collects every problem of every block, and reports them together as one {@link
 * ai.noether.api.ConfigException} (exit status 2), so that a user fixes them all in one go instead
 * of one per start.
 */
package ai.noether.api.check;
