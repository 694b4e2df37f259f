package ai.noether.core.run;

import ai.noether.api.callback.Callback;
import ai.noether.api.callback.TrainingContext;
import ai.noether.api.spi.CallbackFactory;
import ai.noether.api.spi.ComponentContext;

/**
 * {@code kind: test-interrupt} with {@code at_update: k}: after update {@code k} the run is
 * interrupted as if preempted ({@link TrainingContext#requestInterrupt}: an emergency checkpoint
 * {@code E.._U.._S...interrupt}, "interrupted"), at an exactly known update and without a signal,
 * so that tests in this JVM can compare against an uninterrupted run. Found through the test
 * services file.
 */
public final class InterruptAtUpdateCallbackFactory
    implements CallbackFactory<InterruptAtUpdateCallbackFactory.Config> {

  /**
   * @param atUpdate the update count after which the run is interrupted; positive
   */
  public record Config(long atUpdate) {
    public Config {
      if (atUpdate <= 0) {
        throw new IllegalArgumentException("at_update must be positive, was " + atUpdate);
      }
    }
  }

  @Override
  public String kind() {
    return "test-interrupt";
  }

  @Override
  public Class<Config> configType() {
    return Config.class;
  }

  @Override
  public String description() {
    return "interrupts the run after a given update, as a stop signal would (test plugin)";
  }

  @Override
  public Callback create(Config config, ComponentContext context) {
    return new Callback() {
      @Override
      public void afterUpdate(TrainingContext training) {
        if (training.iteration().update() == config.atUpdate()) {
          training.requestInterrupt("test-interrupt at update " + config.atUpdate());
        }
      }
    };
  }
}
