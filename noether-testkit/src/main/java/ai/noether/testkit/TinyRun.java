package ai.noether.testkit;

import ai.noether.api.Nullable;
import ai.noether.api.callback.Callback;
import ai.noether.api.callback.Interval;
import ai.noether.api.callback.TrainingContext;
import ai.noether.api.checkpoint.CheckpointFileKind;
import ai.noether.api.checkpoint.CheckpointFileName;
import ai.noether.api.checkpoint.CheckpointKeys;
import ai.noether.api.checkpoint.CheckpointSelector;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.RunLayout;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.tensor.HostTensor;
import ai.noether.core.checkpoint.CheckpointLayout;
import ai.noether.core.format.th.ThFormat;
import ai.noether.core.format.th.ThReader;
import ai.noether.core.history.HistoryFile;
import ai.noether.core.store.FileCheckpointStore;
import ai.noether.core.training.ResumeState;
import ai.noether.core.training.StopRequest;
import ai.noether.core.training.Trainer;
import ai.noether.core.training.TrainerSettings;
import ai.noether.core.training.TrainingResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * A tiny training run in this JVM, through noether-core's real trainer and file store: a linear
 * model in plain Java ({@link LinearEngine}, no engine module, deterministic to the bit) learns a
 * small regression problem in a few updates, with the callbacks under test registered as a run
 * registers them. Checkpoints ({@code .th} files), {@code history.jsonl} and whatever the callbacks
 * write land in {@code <outputDir>/<runId>/<stage>}, as in a real run.
 *
 * <pre>{@code
 * TinyRun.Result run = TinyRun.in(tempDir).callback("my-callback", new MyCallback()).epochs(2).run();
 * assertThat(run.history().series("my/metric")).hasSize(2);
 * assertThat(run.checkpointFiles()).contains("mlp_cp=last_model.th");
 * }</pre>
 *
 * <p>{@link Builder#interruptAfterUpdate} stops it as a SIGTERM would (an emergency checkpoint that
 * {@code latest} points at), and {@link Builder#resumeFrom} continues a run from one of its
 * checkpoints the way {@code noether resume} does (weights, optimizer, schedule, callback states,
 * metrics and history), so a callback's state can be checked across a resume.
 */
public final class TinyRun {
  /** The name of the model: its files are {@code mlp_cp=<tag>_model.th} and so on. */
  public static final String MODEL = "mlp";

  private TinyRun() {}

  /** A run that writes under {@code outputDir} (a test's temporary directory). */
  public static Builder in(Path outputDir) {
    return new Builder(outputDir);
  }

  /**
   * What a tiny run left behind.
   *
   * @param layout where its stage lives
   * @param result how training ended (counters, last metrics, final checkpoint, stop)
   * @param model the trained model, for its weights
   */
  public record Result(RunLayout layout, TrainingResult result, TestModel model) {
    /** The stage's directory, {@code <outputDir>/<runId>/<stage>}. */
    public Path stageDir() {
      return layout.stageDir();
    }

    /** The stage's {@code history.jsonl}, read back. */
    public HistoryFile history() {
      try {
        return HistoryFile.read(stageDir().resolve(RunLayout.HISTORY_FILE));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /**
     * The names of the files in the stage's checkpoint directory (hidden ones left out), sorted.
     */
    public TreeSet<String> checkpointFiles() {
      try (Stream<Path> files = Files.list(layout.checkpointDir())) {
        return new TreeSet<>(
            files.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).toList());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /**
     * The contents of one of its checkpoint files ({@code _model.th}, {@code _trainer.th}, ...).
     */
    public Map<String, Object> read(CheckpointTag tag, CheckpointFileKind kind) {
      try {
        return ThReader.read(layout.checkpointFile(CheckpointFileName.of(MODEL, tag, kind)));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** Configures and runs a {@link TinyRun}. */
  public static final class Builder {
    private final Path outputDir;
    private String runId = "run1";
    private String stageName = "train";
    private long epochs = 2;
    private int trainSize = 32;
    private int batchSize = 8;
    private long seed = 3;
    private double learningRate = 0.02;
    private Interval evaluateEvery = Interval.epochs(1);
    private Interval logEvery = Interval.updates(4);
    private final Map<String, Supplier<Callback>> callbacks = new LinkedHashMap<>();
    private @Nullable Long interruptAfterUpdate;
    private @Nullable CheckpointTag resumeFrom;

    private Builder(Path outputDir) {
      this.outputDir = Objects.requireNonNull(outputDir, "outputDir");
    }

    /** The run id (default {@code run1}). */
    public Builder runId(String runId) {
      this.runId = runId;
      return this;
    }

    /** The stage name (default {@code train}). */
    public Builder stageName(String stageName) {
      this.stageName = stageName;
      return this;
    }

    /** Epochs to train (default 2); an epoch is {@code trainSize / batchSize} updates. */
    public Builder epochs(long epochs) {
      this.epochs = epochs;
      return this;
    }

    /** Training samples (default 32; validation always has 32). */
    public Builder trainSize(int trainSize) {
      this.trainSize = trainSize;
      return this;
    }

    /** Samples per update (default 8). */
    public Builder batchSize(int batchSize) {
      this.batchSize = batchSize;
      return this;
    }

    /** The run's seed (default 3). */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** The SGD learning rate (default 0.02). */
    public Builder learningRate(double learningRate) {
      this.learningRate = learningRate;
      return this;
    }

    /** How often the validation split is evaluated (default every epoch). */
    public Builder evaluateEvery(Interval interval) {
      this.evaluateEvery = interval;
      return this;
    }

    /** How often the training loss is logged (default every 4 updates). */
    public Builder logEvery(Interval interval) {
      this.logEvery = interval;
      return this;
    }

    /**
     * Registers a callback under {@code stateKey}, the key its state is saved under (a run uses the
     * factory's state key, or the callback's position). Callbacks run in the order added.
     */
    public Builder callback(String stateKey, Callback callback) {
      Objects.requireNonNull(callback, "callback");
      return callback(stateKey, () -> callback);
    }

    /**
     * As {@link #callback(String, Callback)}, with a new callback for every run of this builder.
     */
    public Builder callback(String stateKey, Supplier<Callback> callback) {
      if (callbacks.putIfAbsent(Objects.requireNonNull(stateKey, "stateKey"), callback) != null) {
        throw new IllegalArgumentException("two callbacks under the state key '" + stateKey + "'");
      }
      return this;
    }

    /**
     * Interrupts training after this update, as SIGTERM does: an emergency checkpoint, then the
     * end.
     */
    public Builder interruptAfterUpdate(long update) {
      this.interruptAfterUpdate = update;
      return this;
    }

    /**
     * Continues the stage from its checkpoint {@code tag} ({@link CheckpointTag#LATEST} after an
     * interrupt).
     */
    public Builder resumeFrom(CheckpointTag tag) {
      this.resumeFrom = tag;
      return this;
    }

    /** Trains to the end (or the interrupt) and returns what it left. */
    public Result run() throws IOException {
      RunLayout layout = RunLayout.of(outputDir, runId, stageName);
      StageId stage = layout.stage();
      LinearEngine engine = new LinearEngine(trainSize);
      StopRequest stop = new StopRequest();
      Trainer.Builder b =
          Trainer.builder()
              .setStage(stage, layout.stageDir())
              .optSeed(seed)
              .setSettings(new TrainerSettings(epochs, 0, 0, batchSize, evaluateEvery, logEvery))
              .setModel(engine.model)
              .setOptimizer(engine.optimizer(), learningRate)
              .setStep(engine.step())
              .setData(engine.data())
              .optStopRequest(stop);
      callbacks.forEach((key, callback) -> b.addCallback(key, callback.get()));
      if (interruptAfterUpdate != null) {
        b.addCallback("testkit-interrupt", new InterruptAfter(interruptAfterUpdate, stop));
      }
      try (FileCheckpointStore store =
          FileCheckpointStore.builder().setOutputDir(outputDir).optFsync(false).build()) {
        b.setStore(store, ThFormat.encoder());
        try (Trainer trainer = b.build()) {
          if (resumeFrom != null) {
            restore(trainer, engine, store, layout, resumeFrom);
          }
          return new Result(layout, trainer.run(), engine.model);
        }
      }
    }

    @SuppressWarnings("unchecked")
    private static void restore(
        Trainer trainer,
        LinearEngine engine,
        FileCheckpointStore store,
        RunLayout layout,
        CheckpointTag tag)
        throws IOException {
      StoredCheckpoint checkpoint = store.resolve(layout.stage(), CheckpointSelector.of(tag));
      Map<String, Object> model =
          ThReader.read(
              layout.checkpointFile(CheckpointFileName.of(MODEL, tag, CheckpointFileKind.MODEL)));
      engine.model.load(
          (Map<String, HostTensor>)
              Objects.requireNonNull(model.get(CheckpointKeys.STATE_DICT), "state_dict"),
          true);
      Map<String, Object> optim =
          ThReader.read(
              layout.checkpointFile(CheckpointFileName.of(MODEL, tag, CheckpointFileKind.OPTIM)));
      Map<String, Object> trainerTree =
          ThReader.read(
              layout.checkpointFile(CheckpointFileName.of(MODEL, tag, CheckpointFileKind.TRAINER)));
      trainer.restore(
          new ResumeState(
              checkpoint.iteration(),
              trainerTree,
              CheckpointLayout.optimizerState(optim, "optim"),
              (Map<String, Object>)
                  Objects.requireNonNull(optim.get(CheckpointKeys.SCHEDULE), "schedule"),
              layout.stage() + "@" + tag.token()));
    }
  }

  /** Interrupts training (as SIGTERM does) after the given update. */
  private record InterruptAfter(long update, StopRequest stop) implements Callback {
    @Override
    public void afterUpdate(TrainingContext context) {
      if (context.iteration().update() == update) {
        stop.requestInterrupt("test interrupt", "signal");
      }
    }
  }
}
