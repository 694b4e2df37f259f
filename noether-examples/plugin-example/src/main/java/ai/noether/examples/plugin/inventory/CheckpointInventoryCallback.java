package ai.noether.examples.plugin.inventory;

import ai.noether.api.callback.Callback;
import ai.noether.api.callback.Interval;
import ai.noether.api.callback.TrainingContext;
import ai.noether.api.checkpoint.CheckpointStore;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.checkpoint.StoredFile;
import ai.noether.api.checkpoint.TrainingIteration;
import ai.noether.api.run.RunInfo;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Logs how many checkpoints the stage holds in its store, and how many megabytes they take, as the
 * metrics {@value #CHECKPOINTS} and {@value #MEGABYTES}, at an interval: the storage a run costs,
 * next to its loss in the history and the plots.
 *
 * <p>The callback needs the run's checkpoint store and the stage it trains, which a {@link
 * TrainingContext} does not give; it has them injected instead: its {@code @Inject} constructor
 * names them, and the factory creates it with {@link ai.noether.api.spi.ComponentContext#inject}.
 * Counting looks at checkpoints committed under their own tag (aliases such as {@code latest} share
 * their files) and counts each file once.
 *
 * <p>A store that cannot be listed costs a warning, never the training.
 */
public final class CheckpointInventoryCallback implements Callback {
  public static final String CHECKPOINTS = "inventory/checkpoints";
  public static final String MEGABYTES = "inventory/megabytes";
  private static final System.Logger LOG =
      System.getLogger(CheckpointInventoryCallback.class.getName());

  private final Interval interval;
  private final RunInfo run;
  private final CheckpointStore store;
  private TrainingIteration previous = TrainingIteration.ZERO;

  /**
   * @param config the bound {@code checkpoint-inventory} block
   * @param run the run being trained (its stage is the one counted)
   * @param store the run's checkpoint store
   */
  @Inject
  public CheckpointInventoryCallback(
      CheckpointInventoryCallbackConfig config, RunInfo run, CheckpointStore store) {
    this.interval = config.interval();
    this.run = run;
    this.store = store;
  }

  @Override
  public void beforeTraining(TrainingContext context) {
    previous = context.iteration();
  }

  @Override
  public void afterUpdate(TrainingContext context) {
    TrainingIteration current = context.iteration();
    boolean due = interval.isDue(previous, current);
    previous = current;
    if (!due) {
      return;
    }
    List<StoredCheckpoint> checkpoints;
    try {
      checkpoints = store.list(run.stage());
    } catch (IOException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          () -> "checkpoint-inventory: cannot list " + run.stage() + ": " + e);
      return;
    }
    Map<String, Long> sizes = new HashMap<>();
    long committed = 0;
    for (StoredCheckpoint checkpoint : checkpoints) {
      if (checkpoint.tag().isAlias()) {
        continue;
      }
      committed++;
      for (StoredFile file : checkpoint.files()) {
        sizes.put(file.name().format(), file.size());
      }
    }
    context.logMetric(CHECKPOINTS, committed);
    context.logMetric(MEGABYTES, sizes.values().stream().mapToLong(Long::longValue).sum() / 1e6);
  }
}
