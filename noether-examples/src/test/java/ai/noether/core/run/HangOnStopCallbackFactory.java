package ai.noether.core.run;

import ai.noether.api.callback.Callback;
import ai.noether.api.callback.TrainingContext;
import ai.noether.api.spi.CallbackFactory;
import ai.noether.api.spi.ComponentContext;

/**
 * {@code kind: test-hang-on-stop}: once a stop was requested, the next {@code afterUpdate} blocks
 * for ten minutes, like an update or a save that hangs, so that the stop watchdog ({@code
 * trainer.stop_timeout_seconds}) must end the process. Found through the test services file.
 */
public final class HangOnStopCallbackFactory
    implements CallbackFactory<HangOnStopCallbackFactory.Config> {

  /** No settings. */
  public record Config() {}

  @Override
  public String kind() {
    return "test-hang-on-stop";
  }

  @Override
  public Class<Config> configType() {
    return Config.class;
  }

  @Override
  public String description() {
    return "blocks training once a stop was requested (test plugin)";
  }

  @Override
  public Callback create(Config config, ComponentContext context) {
    return new Callback() {
      @Override
      public void afterUpdate(TrainingContext training) {
        if (training.stopRequested()) {
          try {
            Thread.sleep(600_000);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      }
    };
  }
}
