package ai.noether.core.run;

import ai.noether.api.ConfigException;
import ai.noether.api.Nullable;
import ai.noether.api.checkpoint.CheckpointStore;
import ai.noether.api.data.DataSource;
import ai.noether.api.model.Model;
import ai.noether.api.optim.LrSchedule;
import ai.noether.api.optim.Optimizer;
import ai.noether.api.train.TrainingStep;
import ai.noether.core.config.RunConfig;
import ai.noether.core.format.th.ThFormat;
import ai.noether.core.resume.LoadedCheckpoint;
import ai.noether.core.training.ResumeState;
import ai.noether.core.training.StopRequest;
import ai.noether.core.training.Trainer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trainer of a stage: whether the optimizer can do what the trainer settings ask, the builder
 * set up from the stage's configuration and components, and the state a resumed trainer continues
 * from.
 */
final class StageTrainer {
  // The messages keep the logger users know them by.
  private static final Logger LOG = LoggerFactory.getLogger(StageAssembly.class);

  private StageTrainer() {}

  /**
   * @throws ConfigException placed at the optimizer block when {@code
   *     trainer.accumulate_grad_batches} asks for accumulation the optimizer cannot do
   */
  static void checkAccumulation(RunConfig config, Optimizer optimizer) {
    int batches = config.trainer().settings().accumulateGradBatches();
    if (batches > 1 && !optimizer.accumulatesGradients()) {
      throw config
          .optimizer()
          .block()
          .error(
              "optimizer '"
                  + optimizer.kind()
                  + "' cannot accumulate gradients, but"
                  + " trainer.accumulate_grad_batches is "
                  + batches
                  + "; use an optimizer that can (sgd, adam, adamw) or set trainer.accumulate_grad_batches: 1");
    }
  }

  /** A builder with everything but the callbacks, the loggers and the lineage. */
  static Trainer.Builder builder(
      RunConfig config,
      CheckpointStore store,
      Model model,
      Optimizer optimizer,
      TrainingStep step,
      DataSource data,
      @Nullable LrSchedule schedule,
      StopRequest stop) {
    Trainer.Builder builder =
        Trainer.builder()
            .setStage(config.stage(), config.layout().stageDir())
            .optOutputLocation(config.output().toString())
            .optSeed(config.seed())
            .setSettings(config.trainer().settings())
            .optMaxFailedSaves(config.trainer().maxFailedSaves())
            .setModel(model)
            .setOptimizer(optimizer, config.optimizer().lr())
            .setStep(step)
            .setData(data)
            .setStore(store, ThFormat.encoder())
            .optConfig(config.toPlainTree())
            .optNonFiniteLoss(config.trainer().nonFiniteLoss())
            .optStopRequest(stop);
    if (schedule != null) {
      builder.optSchedule(schedule);
    }
    return builder;
  }

  /**
   * Restores the trainer's state (counters, optimizer, schedule, callbacks) from the checkpoint.
   */
  static void restore(Trainer trainer, LoadedCheckpoint resumedFrom) {
    if (resumedFrom.optimizer() == null) {
      LOG.warn(
          "checkpoint {} was saved without optimizer state; the optimizer starts fresh",
          resumedFrom.source());
    }
    trainer.restore(
        new ResumeState(
            resumedFrom.iteration(),
            resumedFrom.trainer(),
            resumedFrom.optimizer(),
            resumedFrom.schedule(),
            resumedFrom.source()));
  }
}
