package ai.noether.callbacks.stopping;

import ai.noether.api.callback.Callback;
import ai.noether.api.callback.TrainingContext;
import ai.noether.api.checkpoint.TrainingIteration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the trainer to stop once the configured counter ({@code at_epoch}, {@code at_update} or
 * {@code at_sample}) is reached; the trainer then writes its final checkpoint. Stateless: the
 * counters it compares against are restored by the trainer, so a resumed run stops at the same
 * iteration, and a run resumed at or past the limit stops before its first update.
 */
public final class FixedStopCallback implements Callback {
  private static final Logger LOG = LoggerFactory.getLogger(FixedStopCallback.class);

  private final FixedStopCallbackConfig config;

  public FixedStopCallback(FixedStopCallbackConfig config) {
    this.config = Objects.requireNonNull(config, "config");
  }

  @Override
  public void beforeTraining(TrainingContext context) {
    check(context);
  }

  @Override
  public void afterUpdate(TrainingContext context) {
    check(context);
  }

  private void check(TrainingContext context) {
    TrainingIteration it = context.iteration();
    String reached = null;
    if (config.atEpoch() != null && it.epoch() >= config.atEpoch()) {
      reached = "at_epoch: " + config.atEpoch();
    } else if (config.atUpdate() != null && it.update() >= config.atUpdate()) {
      reached = "at_update: " + config.atUpdate();
    } else if (config.atSample() != null && it.sample() >= config.atSample()) {
      reached = "at_sample: " + config.atSample();
    }
    if (reached != null && !context.stopRequested()) {
      LOG.info("fixed stop at {} ({})", it, reached);
      context.requestStop("fixed-stop reached " + reached + " at " + it);
    }
  }
}
