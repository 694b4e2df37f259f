package ai.noether.callbacks;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.noether.api.callback.Callback;
import ai.noether.api.callback.Interval;
import ai.noether.api.checkpoint.CheckpointFileKind;
import ai.noether.api.checkpoint.CheckpointFileName;
import ai.noether.api.checkpoint.CheckpointKeys;
import ai.noether.api.checkpoint.CheckpointSelector;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.RunLayout;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.data.DataSource;
import ai.noether.api.data.Dataset;
import ai.noether.api.data.TensorDataset;
import ai.noether.api.optim.Optimizer;
import ai.noether.api.tensor.HostTensor;
import ai.noether.callbacks.best.BestCheckpointCallback;
import ai.noether.callbacks.best.BestCheckpointCallbackConfig;
import ai.noether.callbacks.checkpoint.CheckpointCallback;
import ai.noether.callbacks.checkpoint.CheckpointCallbackConfig;
import ai.noether.callbacks.ema.EmaCallback;
import ai.noether.callbacks.ema.EmaCallbackConfig;
import ai.noether.callbacks.stopping.EarlyStoppingCallback;
import ai.noether.callbacks.stopping.EarlyStoppingCallbackConfig;
import ai.noether.callbacks.testing.StateTrees;
import ai.noether.core.checkpoint.CheckpointLayout;
import ai.noether.core.format.th.ThFormat;
import ai.noether.core.format.th.ThReader;
import ai.noether.core.store.FileCheckpointStore;
import ai.noether.core.training.ResumeState;
import ai.noether.core.training.Seeds;
import ai.noether.core.training.StopRequest;
import ai.noether.core.training.Trainer;
import ai.noether.core.training.TrainerSettings;
import ai.noether.core.training.TrainingResult;
import ai.noether.djl.model.DjlModel;
import ai.noether.djl.model.mlp.MlpConfig;
import ai.noether.djl.model.mlp.MlpModelFactory;
import ai.noether.djl.optim.AdamConfig;
import ai.noether.djl.optim.AdamOptimizer;
import ai.noether.djl.step.SupervisedStep;
import ai.noether.djl.step.SupervisedStepConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The callbacks with everything real: a DJL MLP on PyTorch (CPU) with dropout, AdamW, the core
 * trainer, the file store and {@code .th} files. A run is interrupted mid-epoch (as by SIGTERM),
 * resumed in fresh objects from its files, and must end exactly like the run that went through.
 */
class DjlEndToEndTest {
  private static final long SEED = 11;
  private static final int BATCH = 16;

  /** 96 samples in batches of 16: 6 updates per epoch. */
  private static final TensorDataset TRAIN = regression(96, 1);

  private static final TensorDataset VALID = regression(48, 2);
  private static final MlpConfig MLP = new MlpConfig(4, List.of(16, 16), 2, "gelu", 0.1);

  @TempDir Path dir;

  private static TensorDataset regression(int samples, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] x = new float[samples * 4];
    float[] y = new float[samples * 2];
    for (int s = 0; s < samples; s++) {
      for (int i = 0; i < 4; i++) {
        x[s * 4 + i] = (float) random.nextGaussian();
      }
      y[s * 2] = x[s * 4] - 0.5f * x[s * 4 + 1] + 0.1f * (float) random.nextGaussian();
      y[s * 2 + 1] = 0.3f * x[s * 4 + 2] * x[s * 4 + 3] + 0.1f * (float) random.nextGaussian();
    }
    return new TensorDataset(
        HostTensor.ofFloats(new long[] {samples, 4}, x),
        HostTensor.ofFloats(new long[] {samples, 2}, y));
  }

  private static final DataSource DATA =
      new DataSource() {
        @Override
        public Dataset train() {
          return TRAIN;
        }

        @Override
        public Optional<Dataset> validation() {
          return Optional.of(VALID);
        }
      };

  private static List<Callback> callbacks() {
    List<Callback> callbacks = new ArrayList<>();
    callbacks.add(
        new CheckpointCallback(CheckpointCallbackConfig.every(Interval.epochs(2)).withKeepLast(2)));
    callbacks.add(new EmaCallback(new EmaCallbackConfig(List.of(0.99, 0.9999), null, true, null)));
    callbacks.add(
        new BestCheckpointCallback(
            new BestCheckpointCallbackConfig("loss/valid/total", null, List.of(2), null)));
    callbacks.add(
        new EarlyStoppingCallback(EarlyStoppingCallbackConfig.of("loss/valid/total", 50)));
    return callbacks;
  }

  private static RunLayout layout(Path outputDir) {
    return RunLayout.of(outputDir, "run1", "train");
  }

  /** Interrupts training after the given update, as a SIGTERM handler does. */
  private record InterruptAfter(long update, StopRequest stop) implements Callback {
    @Override
    public void afterUpdate(ai.noether.api.callback.TrainingContext context) {
      if (context.iteration().update() == update) {
        stop.requestInterrupt("test interrupt", "signal");
      }
    }
  }

  /**
   * Builds model, step, optimizer, store and trainer from scratch (as a new process does) and
   * trains in {@code outputDir}, resuming from {@code resumeFrom} when it is not null.
   */
  private static TrainingResult train(
      Path outputDir,
      long maxEpochs,
      Supplier<List<Callback>> callbacks,
      CheckpointTag resumeFrom,
      Long interruptAfter)
      throws IOException {
    RunLayout layout = layout(outputDir);
    StopRequest stop = new StopRequest();
    List<Callback> all = new ArrayList<>(callbacks.get());
    if (interruptAfter != null) {
      all.add(new InterruptAfter(interruptAfter, stop));
    }
    try (DjlModel model =
            MlpModelFactory.build("mlp", MLP, Device.cpu(), Seeds.forInitialization(SEED, 0));
        SupervisedStep step = new SupervisedStep(model, DATA, SupervisedStepConfig.of("mse"));
        FileCheckpointStore store =
            FileCheckpointStore.builder().setOutputDir(outputDir).optFsync(false).build()) {
      Optimizer optimizer = AdamOptimizer.adamW(model, AdamConfig.of(3e-3));
      Trainer.Builder builder =
          Trainer.builder()
              .setStage(layout.stage(), layout.stageDir())
              .optSeed(SEED)
              .setSettings(
                  new TrainerSettings(
                      maxEpochs, 0, 0, BATCH, Interval.epochs(1), Interval.updates(3)))
              .setModel(model)
              .setOptimizer(optimizer, 3e-3)
              .setStep(step)
              .setData(DATA)
              .setStore(store, ThFormat.encoder())
              .optStopRequest(stop);
      for (int i = 0; i < all.size(); i++) {
        Callback c = all.get(i);
        builder.addCallback(c.stateKey() != null ? c.stateKey() : "callback-" + i, c);
      }
      try (Trainer trainer = builder.build()) {
        if (resumeFrom != null) {
          restore(trainer, model, store, layout, resumeFrom);
        }
        return trainer.run();
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static void restore(
      Trainer trainer,
      DjlModel model,
      FileCheckpointStore store,
      RunLayout layout,
      CheckpointTag tag)
      throws IOException {
    StoredCheckpoint checkpoint = store.resolve(layout.stage(), CheckpointSelector.of(tag));
    Map<String, Object> weights =
        ThReader.read(
            layout.checkpointFile(CheckpointFileName.of("mlp", tag, CheckpointFileKind.MODEL)));
    model.load((Map<String, HostTensor>) weights.get(CheckpointKeys.STATE_DICT), true);
    Map<String, Object> optim =
        ThReader.read(
            layout.checkpointFile(CheckpointFileName.of("mlp", tag, CheckpointFileKind.OPTIM)));
    Map<String, Object> tree =
        ThReader.read(
            layout.checkpointFile(CheckpointFileName.of("mlp", tag, CheckpointFileKind.TRAINER)));
    trainer.restore(
        new ResumeState(
            checkpoint.iteration(),
            tree,
            CheckpointLayout.optimizerState(optim, "optim"),
            (Map<String, Object>) optim.get(CheckpointKeys.SCHEDULE),
            layout.stage() + "@" + tag.token()));
  }

  private static Path file(Path outputDir, String name) {
    return layout(outputDir).checkpointDir().resolve(name);
  }

  @SuppressWarnings("unchecked")
  private static Object callbackState(Path outputDir, String key) throws IOException {
    Map<String, Object> callbacks =
        (Map<String, Object>)
            ThReader.read(file(outputDir, "mlp_cp=last_trainer.th")).get(CheckpointKeys.CALLBACKS);
    assertThat(callbacks).containsKey(key);
    return callbacks.get(key);
  }

  @Test
  void emaFilesAreNamedAfterTheirFactorAndTheEmaStateIsIdenticalAfterAResume() throws IOException {
    Path straight = dir.resolve("straight");
    Path resumed = dir.resolve("resumed");
    TrainingResult expected = train(straight, 6, DjlEndToEndTest::callbacks, null, null);
    assertThat(train(resumed, 6, DjlEndToEndTest::callbacks, null, 15L).interrupted()).isTrue();

    TrainingResult actual =
        train(resumed, 6, DjlEndToEndTest::callbacks, CheckpointTag.LATEST, null);

    assertThat(file(resumed, "mlp_ema=0.9999_cp=E2_U15_S240.signal_model.th")).exists();
    assertThat(file(resumed, "mlp_ema=0.99_cp=E4_U24_S384_model.th")).exists();
    for (String name :
        List.of(
            "mlp_cp=last_model.th",
            "mlp_ema=0.99_cp=last_model.th",
            "mlp_ema=0.9999_cp=last_model.th")) {
      assertThat(Files.mismatch(file(resumed, name), file(straight, name)))
          .as("%s is byte for byte the same", name)
          .isEqualTo(-1L);
    }
    assertThat(StateTrees.difference(callbackState(resumed, "ema"), callbackState(straight, "ema")))
        .as("EMA state")
        .isNull();
    assertThat(actual.metrics())
        .isEqualTo(expected.metrics())
        .containsKey("loss/valid/total/ema=0.9999");
    Map<String, HostTensor> ema =
        castStateDict(ThReader.read(file(resumed, "mlp_ema=0.99_cp=last_model.th")));
    Map<String, HostTensor> trained =
        castStateDict(ThReader.read(file(resumed, "mlp_cp=last_model.th")));
    assertThat(ema.keySet()).isEqualTo(trained.keySet());
    assertThat(StateTrees.difference(ema, trained))
        .as("the average differs from the trained weights")
        .isNotNull();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, HostTensor> castStateDict(Map<String, Object> file) {
    return (Map<String, HostTensor>) file.get(CheckpointKeys.STATE_DICT);
  }

  @Test
  void bestCheckpointAndEarlyStoppingContinueAcrossAResume() throws IOException {
    // min_delta makes the validation loss count as stalled after some epochs; patience 2.
    Supplier<List<Callback>> callbacks =
        () ->
            List.of(
                new BestCheckpointCallback(
                    new BestCheckpointCallbackConfig("loss/valid/total", null, List.of(1), null)),
                new EarlyStoppingCallback(
                    new EarlyStoppingCallbackConfig("loss/valid/total", 2, 0.02, null)));
    Path straight = dir.resolve("straight");
    TrainingResult expected = train(straight, 60, callbacks, null, null);
    assertThat(expected.stop()).as("early stopping ends the run before its 60 epochs").isNotNull();
    long stoppedAt = expected.iteration().update();
    assertThat(stoppedAt).isGreaterThan(12);

    // Interrupted one epoch before the stop: only a counter carried over can stop at the same
    // update.
    Path resumed = dir.resolve("resumed");
    train(resumed, 60, callbacks, null, stoppedAt - 6);
    TrainingResult actual = train(resumed, 60, callbacks, CheckpointTag.LATEST, null);

    assertThat(actual.iteration()).isEqualTo(expected.iteration());
    assertThat(actual.stop().reason()).isEqualTo(expected.stop().reason());
    for (String name :
        List.of(
            "mlp_cp=best.loss~valid~total_model.th",
            "mlp_cp=best.loss~valid~total.tolerance1_model.th")) {
      assertThat(Files.mismatch(file(resumed, name), file(straight, name))).as(name).isEqualTo(-1L);
    }
    for (String key :
        List.of("best-checkpoint/loss/valid/total", "early-stopping/loss/valid/total")) {
      assertThat(StateTrees.difference(callbackState(resumed, key), callbackState(straight, key)))
          .as(key)
          .isNull();
    }
  }
}
