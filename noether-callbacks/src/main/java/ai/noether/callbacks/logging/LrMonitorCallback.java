package ai.noether.callbacks.logging;

import ai.noether.api.callback.Callback;
import ai.noether.api.callback.TrainingContext;
import ai.noether.callbacks.internal.IntervalTrigger;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Logs the learning rate of the most recent update under {@code key} (default {@code optim/lr})
 * whenever its interval is due. Stateless: counter intervals fire at the same iterations after a
 * resume.
 */
public final class LrMonitorCallback implements Callback {
  private final LrMonitorCallbackConfig config;
  private final IntervalTrigger trigger;

  public LrMonitorCallback(LrMonitorCallbackConfig config) {
    this(config, System::nanoTime);
  }

  LrMonitorCallback(LrMonitorCallbackConfig config, LongSupplier nanoClock) {
    this.config = Objects.requireNonNull(config, "config");
    this.trigger = new IntervalTrigger(config.interval(), nanoClock);
  }

  @Override
  public void beforeTraining(TrainingContext context) {
    trigger.start(context.iteration());
  }

  @Override
  public void afterUpdate(TrainingContext context) {
    if (trigger.poll(context.iteration())) {
      context.logMetric(config.key(), context.learningRate());
    }
  }
}
