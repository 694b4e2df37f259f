package ai.noether.callbacks.testing;

import ai.noether.api.callback.Callback;
import ai.noether.api.callback.Interval;
import ai.noether.api.callback.TrainingContext;
import ai.noether.api.checkpoint.CheckpointFileKind;
import ai.noether.api.checkpoint.CheckpointKeys;
import ai.noether.api.checkpoint.CheckpointStore;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.tensor.HostTensor;
import ai.noether.core.checkpoint.CheckpointEncoder;
import ai.noether.core.checkpoint.CheckpointLayout;
import ai.noether.core.training.ResumeState;
import ai.noether.core.training.StopRequest;
import ai.noether.core.training.Trainer;
import ai.noether.core.training.TrainerSettings;
import ai.noether.testkit.LinearEngine;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Builds the real trainer of noether-core around a {@link LinearEngine}, the way a run wires it.
 */
public final class TrainerRuns {
  /** The stage every test run trains. */
  public static final StageId STAGE = new StageId("run1", "train");

  /** Samples per update. */
  public static final int BATCH_SIZE = 8;

  private TrainerRuns() {}

  /**
   * A trainer for {@code maxEpochs} epochs that evaluates after every epoch and logs every 4
   * updates; callbacks are registered under their own state key, else under their position.
   */
  public static Trainer trainer(
      LinearEngine engine,
      CheckpointStore store,
      CheckpointEncoder encoder,
      Path stageDir,
      long maxEpochs,
      List<Callback> callbacks,
      StopRequest stop) {
    Trainer.Builder b =
        Trainer.builder()
            .setStage(STAGE, stageDir)
            .optSeed(3)
            .setSettings(
                new TrainerSettings(
                    maxEpochs, 0, 0, BATCH_SIZE, Interval.epochs(1), Interval.updates(4)))
            .setModel(engine.model)
            .setOptimizer(engine.optimizer(), 0.02)
            .setStep(engine.step())
            .setData(engine.data())
            .setStore(store, encoder)
            .optStopRequest(stop);
    for (int i = 0; i < callbacks.size(); i++) {
      Callback c = callbacks.get(i);
      b.addCallback(c.stateKey() != null ? c.stateKey() : "callback-" + i, c);
    }
    return b.build();
  }

  /**
   * Loads checkpoint {@code tag} of {@link #STAGE} into a fresh engine's model and a trainer, as
   * {@code noether resume} does.
   */
  @SuppressWarnings("unchecked")
  public static void restore(
      Trainer trainer, LinearEngine engine, InMemoryStore store, CheckpointTag tag) {
    Map<String, Object> model = store.tree(STAGE, tag, "mlp", null, CheckpointFileKind.MODEL);
    engine.model.load((Map<String, HostTensor>) model.get(CheckpointKeys.STATE_DICT), true);
    Map<String, Object> optim = store.tree(STAGE, tag, "mlp", null, CheckpointFileKind.OPTIM);
    trainer.restore(
        new ResumeState(
            store.iteration(STAGE, tag),
            store.tree(STAGE, tag, "mlp", null, CheckpointFileKind.TRAINER),
            CheckpointLayout.optimizerState(optim, "optim"),
            (Map<String, Object>) optim.get(CheckpointKeys.SCHEDULE),
            STAGE + "@" + tag.token()));
  }

  /** Interrupts training (as SIGTERM does) after the given update. */
  public record InterruptAfter(long update, StopRequest stop) implements Callback {
    @Override
    public void afterUpdate(TrainingContext context) {
      if (context.iteration().update() == update) {
        stop.requestInterrupt("test interrupt", "signal");
      }
    }
  }
}
