package ai.noether.djl.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
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
import ai.noether.api.metric.Direction;
import ai.noether.api.optim.Optimizer;
import ai.noether.api.tensor.HostTensor;
import ai.noether.api.train.StepResult;
import ai.noether.api.train.TrainingStep;
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
import ai.noether.djl.model.StateDigest;
import ai.noether.djl.model.mlp.MlpConfig;
import ai.noether.djl.model.mlp.MlpModelFactory;
import ai.noether.djl.step.SupervisedStep;
import ai.noether.djl.step.SupervisedStepConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code trainer.accumulate_grad_batches} with the real trainer, a DJL MLP on PyTorch (CPU), AdamW
 * or SGD, the file store and {@code .th} files: N accumulated batches make the update of their mean
 * gradient, the counters say what they promise, and a run interrupted between two batches of a
 * window resumes from its emergency checkpoint bit for bit.
 */
class GradientAccumulationTest {
  private static final long SEED = 7;

  /** 96 samples: 12 batches of 8 per epoch. */
  private static final TensorDataset TRAIN = regression(96, 1);

  private static final TensorDataset VALID = regression(32, 2);

  @TempDir Path dir;

  private static TensorDataset regression(int samples, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] x = new float[samples * 4];
    float[] y = new float[samples];
    for (int s = 0; s < samples; s++) {
      for (int i = 0; i < 4; i++) {
        x[s * 4 + i] = (float) random.nextGaussian();
      }
      y[s] = x[s * 4] - 0.5f * x[s * 4 + 1] * x[s * 4 + 2] + 0.1f * (float) random.nextGaussian();
    }
    return new TensorDataset(
        HostTensor.ofFloats(new long[] {samples, 4}, x),
        HostTensor.ofFloats(new long[] {samples, 1}, y));
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

  /** What one run is made of. */
  private record Setup(
      double dropout, int batchSize, int accumulate, Function<DjlModel, Optimizer> optimizer) {}

  private static Setup adamW(int accumulate) {
    return new Setup(0.1, 8, accumulate, m -> AdamOptimizer.adamW(m, AdamConfig.of(3e-3)));
  }

  private static RunLayout layout(Path outputDir) {
    return RunLayout.of(outputDir, "run1", "train");
  }

  /**
   * Builds everything from scratch (as a new process does) and trains for {@code maxEpochs} in
   * {@code outputDir}, resuming from {@code latest} when asked, interrupting after {@code
   * interruptAfterBatches} batches of this process when it is not null.
   */
  private static TrainingResult train(
      Path outputDir, Setup setup, long maxEpochs, boolean resume, Integer interruptAfterBatches)
      throws IOException {
    RunLayout layout = layout(outputDir);
    StopRequest stop = new StopRequest();
    MlpConfig mlp = new MlpConfig(4, List.of(16), 1, "gelu", setup.dropout());
    try (DjlModel model =
            MlpModelFactory.build("mlp", mlp, Device.cpu(), Seeds.forInitialization(SEED, 0));
        SupervisedStep supervised =
            new SupervisedStep(model, DATA, SupervisedStepConfig.of("mse"));
        FileCheckpointStore store =
            FileCheckpointStore.builder().setOutputDir(outputDir).optFsync(false).build()) {
      Optimizer optimizer = setup.optimizer().apply(model);
      TrainingStep step =
          interruptAfterBatches == null
              ? supervised
              : new InterruptingStep(supervised, interruptAfterBatches, stop);
      try (Trainer trainer =
          Trainer.builder()
              .setStage(layout.stage(), layout.stageDir())
              .optSeed(SEED)
              .setSettings(
                  new TrainerSettings(
                      maxEpochs,
                      0,
                      0,
                      setup.batchSize(),
                      Interval.epochs(1),
                      Interval.updates(2),
                      setup.accumulate()))
              .setModel(model)
              .setOptimizer(optimizer, optimizer.baseLearningRate())
              .setStep(step)
              .setData(DATA)
              .setStore(store, ThFormat.encoder())
              .optStopRequest(stop)
              .build()) {
        if (resume) {
          restore(trainer, model, store, layout);
        }
        return trainer.run();
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static void restore(
      Trainer trainer, DjlModel model, FileCheckpointStore store, RunLayout layout)
      throws IOException {
    StoredCheckpoint checkpoint =
        store.resolve(layout.stage(), CheckpointSelector.of(CheckpointTag.LATEST));
    CheckpointTag tag = checkpoint.tag();
    Map<String, Object> weights =
        ThReader.read(
            layout.checkpointFile(CheckpointFileName.of("mlp", tag, CheckpointFileKind.MODEL)));
    model.load((Map<String, HostTensor>) weights.get(CheckpointKeys.STATE_DICT), true);
    Map<String, Object> optim =
        ThReader.read(
            layout.checkpointFile(CheckpointFileName.of("mlp", tag, CheckpointFileKind.OPTIM)));
    trainer.restore(
        new ResumeState(
            checkpoint.iteration(),
            trainerTree(layout, tag),
            CheckpointLayout.optimizerState(optim, "optim"),
            (Map<String, Object>) optim.get(CheckpointKeys.SCHEDULE),
            layout.stage() + "@" + tag.token()));
  }

  private static Map<String, Object> trainerTree(RunLayout layout, CheckpointTag tag)
      throws IOException {
    return ThReader.read(
        layout.checkpointFile(CheckpointFileName.of("mlp", tag, CheckpointFileKind.TRAINER)));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, HostTensor> lastWeights(Path outputDir) throws IOException {
    return (Map<String, HostTensor>)
        ThReader.read(
                layout(outputDir)
                    .checkpointFile(
                        CheckpointFileName.of("mlp", CheckpointTag.LAST, CheckpointFileKind.MODEL)))
            .get(CheckpointKeys.STATE_DICT);
  }

  @Test
  void twoAccumulatedBatchesOfEightUpdateLikeOneBatchOfSixteen() throws IOException {
    // The same samples either way: batches 2k and 2k+1 of 8 are batch k of 16 in the epoch's order.
    Function<DjlModel, Optimizer> sgd = m -> new SgdOptimizer(m, SgdConfig.of(0.1));
    TrainingResult accumulated =
        train(dir.resolve("accumulated"), new Setup(0, 8, 2, sgd), 2, false, null);
    TrainingResult large = train(dir.resolve("large"), new Setup(0, 16, 1, sgd), 2, false, null);
    TrainingResult small = train(dir.resolve("small"), new Setup(0, 8, 1, sgd), 2, false, null);

    assertThat(accumulated.iteration()).hasToString("E2_U12_S192").isEqualTo(large.iteration());
    assertThat(small.iteration()).hasToString("E2_U24_S192");
    Map<String, HostTensor> a = lastWeights(dir.resolve("accumulated"));
    Map<String, HostTensor> b = lastWeights(dir.resolve("large"));
    assertThat(maxDifference(a, b))
        .as("mean of two gradients vs gradient of the mean")
        .isLessThan(1e-5);
    assertThat(maxDifference(a, lastWeights(dir.resolve("small"))))
        .as("the updates differ from unaccumulated ones")
        .isGreaterThan(1e-3);
  }

  private static double maxDifference(Map<String, HostTensor> a, Map<String, HostTensor> b) {
    assertThat(a.keySet()).isEqualTo(b.keySet());
    double max = 0;
    for (String k : a.keySet()) {
      float[] x = a.get(k).toFloatArray();
      float[] y = b.get(k).toFloatArray();
      for (int i = 0; i < x.length; i++) {
        max = Math.max(max, Math.abs(x[i] - y[i]));
      }
    }
    return max;
  }

  @Test
  void aRunInterruptedBetweenTwoBatchesOfAWindowResumesBitForBit() throws IOException {
    Path straight = dir.resolve("straight");
    TrainingResult expected = train(straight, adamW(3), 2, false, null);
    // 12 batches per epoch, 3 per update: 4 updates per epoch, 8 in all.
    assertThat(expected.iteration()).hasToString("E2_U8_S192");

    Path resumed = dir.resolve("resumed");
    // Seven batches: two updates, then one batch into the third window.
    TrainingResult interrupted = train(resumed, adamW(3), 2, false, 7);
    assertThat(interrupted.interrupted()).isTrue();
    assertThat(interrupted.iteration()).hasToString("E0_U2_S56");
    Map<String, Object> tree = trainerTree(layout(resumed), interrupted.finalCheckpoint().tag());
    assertThat(tree)
        .containsEntry(CheckpointKeys.ACCUMULATED_BATCHES, 1L)
        .containsEntry(CheckpointKeys.BATCH_IN_EPOCH, 7L);
    assertThat((Map<?, ?>) tree.get(CheckpointKeys.ACCUMULATED_GRADIENTS)).isNotEmpty();

    TrainingResult actual = train(resumed, adamW(3), 2, true, null);

    assertThat(actual.iteration()).isEqualTo(expected.iteration());
    Map<String, HostTensor> want = lastWeights(straight);
    Map<String, HostTensor> got = lastWeights(resumed);
    assertThat(StateDigest.of(got))
        .as(() -> StateDigest.difference(want, got))
        .isEqualTo(StateDigest.of(want));
    for (String name : List.of("mlp_cp=last_model.th", "mlp_cp=last_optim.th")) {
      assertThat(
              Files.mismatch(
                  layout(resumed).checkpointDir().resolve(name),
                  layout(straight).checkpointDir().resolve(name)))
          .as("%s byte for byte", name)
          .isEqualTo(-1L);
    }
    assertThat(actual.metrics()).isEqualTo(expected.metrics());
  }

  @Test
  void aCheckpointAtAnUpdateBoundaryHoldsNoGradients() throws IOException {
    TrainingResult interrupted = train(dir, adamW(3), 2, false, 6);
    assertThat(interrupted.iteration()).hasToString("E0_U2_S48");
    assertThat(trainerTree(layout(dir), interrupted.finalCheckpoint().tag()))
        .doesNotContainKeys(
            CheckpointKeys.ACCUMULATED_BATCHES, CheckpointKeys.ACCUMULATED_GRADIENTS);
  }

  @Test
  void resumingInsideAWindowWithAnotherAccumulationIsRefused() throws IOException {
    train(dir, adamW(3), 2, false, 7);

    assertThatThrownBy(() -> train(dir, adamW(4), 2, true, null))
        .isInstanceOf(ai.noether.api.ConfigException.class)
        .hasMessageContaining("after 1 batches of a gradient-accumulation window")
        .hasMessageContaining("trainer.accumulate_grad_batches: 4")
        .hasMessageContaining("(accumulate_grad_batches: 3)");
  }

  @Test
  void theLastUpdateOfAnEpochAveragesTheBatchesLeft() throws IOException {
    // 12 batches per epoch in windows of 5: updates of 5, 5 and 2 batches.
    TrainingResult result = train(dir, adamW(5), 1, false, null);
    assertThat(result.iteration()).hasToString("E1_U3_S96");
  }

  /**
   * Delegates to a step and requests an interruption (as SIGTERM does) after a number of batches.
   */
  private static final class InterruptingStep implements TrainingStep {
    private final TrainingStep delegate;
    private final StopRequest stop;
    private int left;

    InterruptingStep(TrainingStep delegate, int batches, StopRequest stop) {
      this.delegate = delegate;
      this.left = batches;
      this.stop = stop;
    }

    @Override
    public double train(long[] sampleIndices, long seed) {
      return trainStep(sampleIndices, seed).loss();
    }

    @Override
    public StepResult trainStep(long[] sampleIndices, long seed) {
      StepResult result = delegate.trainStep(sampleIndices, seed);
      if (--left == 0) {
        stop.requestInterrupt("test interrupt", "signal");
      }
      return result;
    }

    @Override
    public Map<String, Double> evaluate(Dataset dataset, String split) {
      return delegate.evaluate(dataset, split);
    }

    @Override
    public Map<String, Direction> metricDirections() {
      return delegate.metricDirections();
    }
  }
}
