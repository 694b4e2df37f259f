package ai.noether.core.run;

import ai.noether.api.callback.Callback;
import ai.noether.api.callback.TrainingContext;
import ai.noether.api.spi.CallbackFactory;
import ai.noether.api.spi.ComponentContext;
import ai.noether.core.training.StopRequest;

/**
 * {@code kind: test-interrupt} with {@code at_update: k}: after update {@code k} the run stops the
 * way a SIGTERM stops it (an emergency checkpoint, "interrupted"), but at an exactly known update,
 * so that tests can compare against an uninterrupted run. Found through the test services file.
 */
public final class InterruptAtUpdateCallbackFactory implements CallbackFactory<InterruptAtUpdateCallbackFactory.Config> {

  /** @param atUpdate the update count after which the run is interrupted; positive */
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
    StopRequest stop = context.require(StopRequest.class);
    return new Callback() {
      @Override
      public void afterUpdate(TrainingContext training) {
        if (training.iteration().update() == config.atUpdate()) {
          stop.request(StopRequest.Kind.INTERRUPTED, "test-interrupt at update " + config.atUpdate());
        }
      }
    };
  }
}
