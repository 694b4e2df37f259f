package ai.noether.callbacks.ema;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.noether.api.callback.Callback;
import ai.noether.api.callback.Interval;
import ai.noether.api.callback.TrainingContext;
import ai.noether.api.checkpoint.CheckpointKeys;
import ai.noether.api.checkpoint.RunLayout;
import ai.noether.api.data.DataSource;
import ai.noether.api.data.Dataset;
import ai.noether.api.data.TensorDataset;
import ai.noether.api.tensor.HostTensor;
import ai.noether.callbacks.best.BestCheckpointCallback;
import ai.noether.callbacks.best.BestCheckpointCallbackConfig;
import ai.noether.callbacks.checkpoint.CheckpointCallback;
import ai.noether.callbacks.checkpoint.CheckpointCallbackConfig;
import ai.noether.core.checkpoint.BackgroundCheckpointWriter;
import ai.noether.core.format.th.ThFormat;
import ai.noether.core.format.th.ThReader;
import ai.noether.core.store.FileCheckpointStore;
import ai.noether.core.training.Seeds;
import ai.noether.core.training.Trainer;
import ai.noether.core.training.TrainerSettings;
import ai.noether.djl.model.DjlModel;
import ai.noether.djl.model.mlp.MlpConfig;
import ai.noether.djl.model.mlp.MlpModelFactory;
import ai.noether.djl.optim.AdamConfig;
import ai.noether.djl.optim.AdamOptimizer;
import ai.noether.djl.step.SupervisedStep;
import ai.noether.djl.step.SupervisedStepConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * EMA weights and best checkpoints saved again and again reuse their host memory, with everything
 * real (a DJL MLP, AdamW, the core trainer, the file store): the writer's staging pool and the EMA
 * callback's host copies allocate at the first saves and never again, and every saved file still
 * holds the values of its own iteration.
 */
class SavesReuseHostMemoryTest {
  static final MlpConfig MLP = new MlpConfig(4, List.of(32, 32), 2, "gelu", 0.0);

  @TempDir Path dir;

  static TensorDataset data(int samples) {
    SplittableRandom random = new SplittableRandom(1);
    float[] x = new float[samples * 4];
    float[] y = new float[samples * 2];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextGaussian();
    }
    for (int i = 0; i < y.length; i++) {
      y[i] = (float) random.nextGaussian();
    }
    return new TensorDataset(
        HostTensor.ofFloats(new long[] {samples, 4}, x),
        HostTensor.ofFloats(new long[] {samples, 2}, y));
  }

  @Test
  @SuppressWarnings("unchecked")
  void emaAndBestCheckpointSavesAllocateAtTheFirstSavesOnlyAndHoldTheirIterationsValues()
      throws IOException {
    TensorDataset train = data(64);
    DataSource data =
        new DataSource() {
          @Override
          public Dataset train() {
            return train;
          }

          @Override
          public Optional<Dataset> validation() {
            return Optional.empty();
          }
        };
    RunLayout layout = RunLayout.of(dir, "run1", "train");
    EmaCallback ema = new EmaCallback(EmaCallbackConfig.of(0.9));
    List<Long> staged = new ArrayList<>();
    List<Long> emaAllocations = new ArrayList<>();
    long[] snapshots = new long[1];
    Trainer[] running = new Trainer[1];
    try (DjlModel model =
            MlpModelFactory.build("mlp", MLP, Device.cpu(), Seeds.forInitialization(3, 0));
        SupervisedStep step = new SupervisedStep(model, data, SupervisedStepConfig.of("mse"));
        FileCheckpointStore store =
            FileCheckpointStore.builder().setOutputDir(dir).optFsync(false).build()) {
      Trainer.Builder builder =
          Trainer.builder()
              .setStage(layout.stage(), layout.stageDir())
              .optSeed(3)
              .setSettings(new TrainerSettings(0, 24, 0, 8, null, Interval.updates(1000)))
              .setModel(model)
              .setOptimizer(AdamOptimizer.adamW(model, AdamConfig.of(3e-3)), 3e-3)
              .setStep(step)
              .setData(data)
              .setStore(store, ThFormat.encoder())
              .optHistoryFile(false)
              .addCallback("ema", ema)
              .addCallback(
                  "checkpoint",
                  new CheckpointCallback(CheckpointCallbackConfig.every(Interval.updates(4))))
              // A score that improves at every update: a best checkpoint (with its EMA files, and a
              // tolerance tag written from the same copies) at every update, between the periodic
              // saves.
              .addCallback(
                  "score",
                  new Callback() {
                    @Override
                    public void afterUpdate(TrainingContext context) {
                      context.logMetric("score", context.iteration().update());
                    }
                  })
              .addCallback(
                  "best",
                  new BestCheckpointCallback(
                      new BestCheckpointCallbackConfig("score", "max", List.of(2), true)))
              .addCallback(
                  "probe",
                  new Callback() {
                    @Override
                    public void afterUpdate(TrainingContext context) {
                      staged.add(
                          ((BackgroundCheckpointWriter) running[0].checkpoints())
                              .staging()
                              .allocations());
                      emaAllocations.add(ema.hostAllocations());
                    }
                  });
      try (Trainer trainer = builder.build()) {
        running[0] = trainer;
        trainer.run();
        snapshots[0] = ((BackgroundCheckpointWriter) trainer.checkpoints()).staging().snapshots();
      }
    }

    assertThat(snapshots[0])
        .as("24 best saves and 6 periodic saves copied into the pool, and the final one")
        .isEqualTo(31);
    // Update 1: a best save (model + EMA); update 4: the first periodic save adds the optimizer.
    assertThat(staged.get(0)).isPositive();
    assertThat(staged.get(staged.size() - 1))
        .as("staging allocations after 24 best and 6 periodic saves")
        .isEqualTo(staged.get(3));
    assertThat(emaAllocations.get(0))
        .as("one host buffer per EMA tensor")
        .isEqualTo((MLP.hiddenSizes().size() + 1) * 2L);
    assertThat(emaAllocations.get(emaAllocations.size() - 1)).isEqualTo(emaAllocations.get(0));

    // Written from reused memory, each file still holds its own iteration's values: the best
    // checkpoint of the last update equals the final checkpoint, model and EMA weights alike.
    Path checkpoints = layout.checkpointDir();
    for (String suffix : List.of("model.th", "ema=0.9_cp=%s_model.th")) {
      Map<String, Object> best = ThReader.read(checkpoints.resolve(name(suffix, "best.score")));
      Map<String, Object> last = ThReader.read(checkpoints.resolve(name(suffix, "last")));
      Map<String, Object> bestDict = (Map<String, Object>) best.get(CheckpointKeys.STATE_DICT);
      Map<String, Object> lastDict = (Map<String, Object>) last.get(CheckpointKeys.STATE_DICT);
      assertThat(bestDict.keySet()).isEqualTo(lastDict.keySet());
      for (String path : bestDict.keySet()) {
        assertThat(((HostTensor) bestDict.get(path)).contentEquals((HostTensor) lastDict.get(path)))
            .as("%s %s", suffix, path)
            .isTrue();
      }
    }
  }

  private static String name(String suffix, String tag) {
    return suffix.contains("%s")
        ? "mlp_" + String.format(suffix, tag)
        : "mlp_cp=" + tag + "_" + suffix;
  }
}
