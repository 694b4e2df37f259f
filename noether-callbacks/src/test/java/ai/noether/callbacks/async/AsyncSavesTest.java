package ai.noether.callbacks.async;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.noether.api.callback.Callback;
import ai.noether.api.callback.Interval;
import ai.noether.api.callback.TrainingContext;
import ai.noether.api.checkpoint.CheckpointFile;
import ai.noether.api.checkpoint.CheckpointFileKind;
import ai.noether.api.checkpoint.CheckpointFileName;
import ai.noether.api.checkpoint.CheckpointKeys;
import ai.noether.api.checkpoint.CheckpointSelector;
import ai.noether.api.checkpoint.CheckpointStore;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.RunLayout;
import ai.noether.api.checkpoint.StageClaim;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.StageWriter;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.checkpoint.StoredFile;
import ai.noether.api.checkpoint.TrainingIteration;
import ai.noether.api.data.DataSource;
import ai.noether.api.data.Dataset;
import ai.noether.api.data.TensorDataset;
import ai.noether.api.tensor.HostTensor;
import ai.noether.callbacks.checkpoint.CheckpointCallback;
import ai.noether.callbacks.checkpoint.CheckpointCallbackConfig;
import ai.noether.core.checkpoint.BackgroundCheckpointWriter;
import ai.noether.core.checkpoint.CheckpointLayout;
import ai.noether.core.checkpoint.StagingBuffers;
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
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Saves written in the background from reused staging buffers, with everything real: a DJL MLP on
 * PyTorch (CPU) with dropout, AdamW, the core trainer, the file store and {@code .th} files. The
 * store is wrapped to count commits and aliases and, where a test needs a save in flight, to make
 * each commit slow, so that training goes on while the previous snapshot is being written.
 */
class AsyncSavesTest {
  static final long SEED = 5;
  static final int BATCH = 16;

  /** 96 samples in batches of 16: 6 updates per epoch. */
  static final TensorDataset TRAIN = regression(96, 1);

  static final MlpConfig MLP = new MlpConfig(4, List.of(32, 32), 2, "gelu", 0.1);

  @TempDir Path dir;

  static TensorDataset regression(int samples, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] x = new float[samples * 4];
    float[] y = new float[samples * 2];
    for (int s = 0; s < samples; s++) {
      for (int i = 0; i < 4; i++) {
        x[s * 4 + i] = (float) random.nextGaussian();
      }
      y[s * 2] = x[s * 4] - 0.5f * x[s * 4 + 1];
      y[s * 2 + 1] = 0.3f * x[s * 4 + 2] * x[s * 4 + 3];
    }
    return new TensorDataset(
        HostTensor.ofFloats(new long[] {samples, 4}, x),
        HostTensor.ofFloats(new long[] {samples, 2}, y));
  }

  static final DataSource DATA =
      new DataSource() {
        @Override
        public Dataset train() {
          return TRAIN;
        }

        @Override
        public Optional<Dataset> validation() {
          return Optional.empty();
        }
      };

  /** What a run did, besides its files. */
  record Run(
      TrainingResult result,
      CountingStore store,
      List<Long> allocationsPerUpdate,
      long stagedBytes,
      long snapshots,
      List<Long> snapshotsPerUpdate,
      int copyThreads) {}

  /**
   * Trains from scratch (or from {@code resumeFrom}) to {@code maxUpdates}, with a checkpoint every
   * {@code every} updates (none if 0), as a new process would.
   *
   * @param commitDelayMs how long each commit sleeps before writing (a slow disk)
   * @param interruptAfter the update after which training is interrupted (as by SIGTERM), or 0
   */
  static Run train(
      Path outputDir,
      long maxUpdates,
      int every,
      CheckpointTag resumeFrom,
      long commitDelayMs,
      long interruptAfter)
      throws IOException {
    RunLayout layout = RunLayout.of(outputDir, "run1", "train");
    StopRequest stop = new StopRequest();
    List<Long> allocations = new ArrayList<>();
    List<Long> snapshots = new ArrayList<>();
    Trainer[] running = new Trainer[1];
    try (DjlModel model =
            MlpModelFactory.build("mlp", MLP, Device.cpu(), Seeds.forInitialization(SEED, 0));
        SupervisedStep step = new SupervisedStep(model, DATA, SupervisedStepConfig.of("mse"));
        CountingStore store =
            new CountingStore(
                FileCheckpointStore.builder().setOutputDir(outputDir).optFsync(false).build(),
                commitDelayMs)) {
      Trainer.Builder builder =
          Trainer.builder()
              .setStage(layout.stage(), layout.stageDir())
              .optSeed(SEED)
              .setSettings(
                  new TrainerSettings(0, maxUpdates, 0, BATCH, null, Interval.updates(1000)))
              .setModel(model)
              .setOptimizer(AdamOptimizer.adamW(model, AdamConfig.of(3e-3)), 3e-3)
              .setStep(step)
              .setData(DATA)
              .setStore(store, ThFormat.encoder())
              .optStopRequest(stop);
      if (every > 0) {
        builder.addCallback(
            "checkpoint",
            new CheckpointCallback(CheckpointCallbackConfig.every(Interval.updates(every))));
      }
      builder.addCallback(
          "probe",
          new Callback() {
            @Override
            public void afterUpdate(TrainingContext context) {
              allocations.add(writer(running[0]).staging().allocations());
              snapshots.add(writer(running[0]).staging().snapshots());
              if (context.iteration().update() == interruptAfter) {
                stop.requestInterrupt("test interrupt", "signal");
              }
            }
          });
      try (Trainer trainer = builder.build()) {
        running[0] = trainer;
        if (resumeFrom != null) {
          restore(trainer, model, store, layout, resumeFrom);
        }
        TrainingResult result = trainer.run();
        BackgroundCheckpointWriter writer = writer(trainer);
        return new Run(
            result,
            store,
            allocations,
            writer.staging().capacityBytes(),
            writer.staging().snapshots(),
            snapshots,
            writer.staging().copyThreads());
      }
    }
  }

  static BackgroundCheckpointWriter writer(Trainer trainer) {
    return (BackgroundCheckpointWriter) trainer.checkpoints();
  }

  @SuppressWarnings("unchecked")
  static void restore(
      Trainer trainer, DjlModel model, CheckpointStore store, RunLayout layout, CheckpointTag tag)
      throws IOException {
    StoredCheckpoint checkpoint =
        ((CountingStore) store).delegate.resolve(layout.stage(), CheckpointSelector.of(tag));
    CheckpointTag at = checkpoint.tag();
    Map<String, Object> weights =
        ThReader.read(
            layout.checkpointFile(CheckpointFileName.of("mlp", at, CheckpointFileKind.MODEL)));
    model.load((Map<String, HostTensor>) weights.get(CheckpointKeys.STATE_DICT), true);
    Map<String, Object> optim =
        ThReader.read(
            layout.checkpointFile(CheckpointFileName.of("mlp", at, CheckpointFileKind.OPTIM)));
    Map<String, Object> tree =
        ThReader.read(
            layout.checkpointFile(CheckpointFileName.of("mlp", at, CheckpointFileKind.TRAINER)));
    trainer.restore(
        new ResumeState(
            checkpoint.iteration(),
            tree,
            CheckpointLayout.optimizerState(optim, "optim"),
            (Map<String, Object>) optim.get(CheckpointKeys.SCHEDULE),
            layout.stage() + "@" + at.token()));
  }

  static Path file(Path outputDir, String name) {
    return RunLayout.of(outputDir, "run1", "train").checkpointDir().resolve(name);
  }

  static long modelBytes() throws IOException {
    try (DjlModel model =
        MlpModelFactory.build("mlp", MLP, Device.cpu(), Seeds.forInitialization(SEED, 0))) {
      return model.stateDict().values().stream().mapToLong(HostTensor::byteSize).sum();
    }
  }

  static void assertSameFinalState(Path actual, Path expected) throws IOException {
    for (String kind : List.of("model", "optim")) {
      String name = "mlp_cp=last_" + kind + ".th";
      assertThat(Files.mismatch(file(actual, name), file(expected, name)))
          .as("%s is byte for byte the same", name)
          .isEqualTo(-1L);
    }
  }

  @Test
  void stagingBuffersAreAllocatedAtTheFirstSavesAndReusedByEveryLaterOne() throws IOException {
    Run run = train(dir.resolve("every-update"), 60, 1, null, 0, 0);

    assertThat(run.snapshots())
        .as("one snapshot per update, and the final one, compared before it is aliased")
        .isEqualTo(61);
    List<Long> allocations = run.allocationsPerUpdate();
    // The first save (after update 1) allocates the model's and the optimizer's buffers; nothing
    // after it.
    assertThat(allocations.get(1)).isPositive();
    assertThat(allocations.get(allocations.size() - 1))
        .as("allocations after 60 saves")
        .isEqualTo(allocations.get(1));
    // Sized once: the weights and AdamW's two moments, nothing more.
    assertThat(run.stagedBytes()).isEqualTo(3 * modelBytes());
  }

  @Test
  void theStagingBuffersAreAllocatedAfterTheFirstUpdateBeforeTheFirstPeriodicSave()
      throws IOException {
    Run run = train(dir.resolve("every-5"), 12, 5, null, 0, 0);

    assertThat(run.snapshotsPerUpdate().get(0)).as("no save yet after update 1").isZero();
    assertThat(run.allocationsPerUpdate().get(0)).as("allocated after update 1").isPositive();
    // The saves at updates 5 and 10 and the final one allocate nothing: the pool was sized before
    // them.
    assertThat(run.allocationsPerUpdate()).containsOnly(run.allocationsPerUpdate().get(0));
    assertThat(run.stagedBytes())
        .as("the weights and AdamW's two moments")
        .isEqualTo(3 * modelBytes());
    assertThat(run.snapshots()).as("two periodic saves and the final one").isEqualTo(3);
  }

  @Test
  void snapshotsCopiedWithSeveralThreadsWriteTheSameFilesAsWithOne() throws IOException {
    Path one = dir.resolve("one");
    Path four = dir.resolve("four");
    assertThat(trainWithCopyThreads(one, 1).copyThreads()).isEqualTo(1);
    assertThat(trainWithCopyThreads(four, 4).copyThreads()).isEqualTo(4);

    Path checkpoints = RunLayout.of(one, "run1", "train").checkpointDir();
    List<String> names;
    try (var files = Files.list(checkpoints)) {
      names =
          files
              .map(p -> p.getFileName().toString())
              .filter(n -> n.endsWith("_model.th") || n.endsWith("_optim.th"))
              .sorted()
              .toList();
    }
    assertThat(names).as("periodic checkpoints and the final one").hasSizeGreaterThanOrEqualTo(8);
    for (String name : names) {
      assertThat(Files.mismatch(file(four, name), file(one, name)))
          .as("%s byte for byte", name)
          .isEqualTo(-1L);
    }
  }

  private static Run trainWithCopyThreads(Path outputDir, int threads) throws IOException {
    String before = System.getProperty(StagingBuffers.COPY_THREADS_PROPERTY);
    System.setProperty(StagingBuffers.COPY_THREADS_PROPERTY, Integer.toString(threads));
    try {
      return train(outputDir, 12, 3, null, 0, 0);
    } finally {
      if (before == null) {
        System.clearProperty(StagingBuffers.COPY_THREADS_PROPERTY);
      } else {
        System.setProperty(StagingBuffers.COPY_THREADS_PROPERTY, before);
      }
    }
  }

  @Test
  void savesFromReusedBuffersResumeBitForBitEvenWhileTheNextSaveOverwritesThem()
      throws IOException {
    Path straight = dir.resolve("straight");
    train(straight, 36, 0, null, 0, 0);
    // A slow disk: every save is still being written while training goes on and the next one waits.
    Path saved = dir.resolve("saved");
    Run run = train(saved, 36, 2, null, 20, 0);
    assertSameFinalState(saved, straight);
    assertThat(run.store().commits.get()).isEqualTo(18);

    // Each checkpoint holds the state of its own update, not of a later snapshot in the same
    // buffers.
    Path resumed = dir.resolve("resumed");
    for (String kind : List.of("model", "optim", "trainer")) {
      Path target = file(resumed, "mlp_cp=E2_U14_S224_" + kind + ".th");
      Files.createDirectories(target.getParent());
      Files.copy(file(saved, "mlp_cp=E2_U14_S224_" + kind + ".th"), target);
    }
    train(resumed, 36, 0, CheckpointTag.parse("E2_U14_S224"), 0, 0);
    assertSameFinalState(resumed, straight);
  }

  @Test
  void anInterruptWhileASaveIsInFlightWritesTheEmergencyCheckpointAfterItAndResumesBitForBit()
      throws IOException {
    Path straight = dir.resolve("straight");
    train(straight, 30, 0, null, 0, 0);
    Path resumed = dir.resolve("resumed");
    // The save at update 10 takes 300 ms: the interrupt at update 11 finds it in flight.
    Run interrupted = train(resumed, 30, 10, null, 300, 11);
    assertThat(interrupted.result().interrupted()).isTrue();
    assertThat(file(resumed, "mlp_cp=E1_U10_S160_model.th"))
        .as("the save in flight completed")
        .exists();
    assertThat(file(resumed, "mlp_cp=E1_U11_S176.signal_model.th")).exists();

    train(resumed, 30, 10, CheckpointTag.LATEST, 0, 0);
    assertSameFinalState(resumed, straight);
  }

  /**
   * A child process trains with a save after every update on a slow disk, so that a background save
   * is nearly always in flight; it is killed with {@code kill -9} once a save is seen half written.
   * Training resumed from {@code latest} ends bit for bit where the uninterrupted run did.
   */
  @Test
  void aProcessKilledWhileABackgroundSaveIsInFlightResumesFromLatestBitForBit() throws Exception {
    Path straight = dir.resolve("straight");
    train(straight, 36, 0, null, 0, 0);
    Path killed = dir.resolve("killed");
    Path checkpoints = RunLayout.of(killed, "run1", "train").checkpointDir();
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "-Dai.djl.offline=true",
                "-Dai.djl.pytorch.num_threads=1",
                "-Dai.djl.pytorch.num_interop_threads=1",
                Child.class.getName(),
                killed.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("child.log").toFile())
            .start();
    String inFlight = null;
    try {
      long deadline = System.nanoTime() + 120_000_000_000L;
      while (inFlight == null) {
        if (!child.isAlive() || System.nanoTime() > deadline) {
          throw new AssertionError(
              "no save was seen in flight\n" + Files.readString(dir.resolve("child.log")));
        }
        // After some committed saves, so that latest exists; then at a half-written file.
        if (Files.exists(checkpoints.resolve(".noether/latest.manifest"))
            && Files.isDirectory(checkpoints)) {
          inFlight = halfWritten(checkpoints);
        }
        Thread.sleep(5);
      }
      child.destroyForcibly(); // SIGKILL
      assertThat(child.waitFor()).isEqualTo(137);
    } finally {
      child.destroyForcibly();
    }

    train(killed, 36, 0, CheckpointTag.LATEST, 0, 0);
    assertSameFinalState(killed, straight);
    assertThat(halfWritten(checkpoints))
        .as("the resumed writer cleared what the kill cut short (%s)", inFlight)
        .isNull();
  }

  /**
   * A stored copy the writer has started to fill and no manifest names yet (a commit in flight), or
   * null.
   */
  private static String halfWritten(Path checkpoints) throws IOException {
    Path store = checkpoints.resolve(".noether");
    Path data = store.resolve("data");
    if (!Files.isDirectory(data)) {
      return null;
    }
    StringBuilder manifests = new StringBuilder();
    try (var names = Files.list(store)) {
      for (Path m : names.filter(p -> p.getFileName().toString().endsWith(".manifest")).toList()) {
        try {
          manifests.append(Files.readString(m));
        } catch (IOException e) {
          return null; // replaced while read: a commit is completing; look again
        }
      }
    }
    try (var blobs = Files.list(data)) {
      for (Path blob : blobs.toList()) {
        String name = blob.getFileName().toString();
        if (manifests.indexOf(name) < 0 && sizeOf(blob) > 0) {
          return name;
        }
      }
    }
    return null;
  }

  private static long sizeOf(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      return 0; // committed or cleaned up meanwhile
    }
  }

  /**
   * The process the kill test kills: trains to 36 updates, saving after each one on a slow disk.
   */
  static final class Child {
    public static void main(String[] args) throws IOException {
      train(Path.of(args[0]), 36, 1, null, 150, 0);
    }
  }

  @Test
  void theFinalCheckpointAtAnUpdateAPeriodicSaveAlreadyWroteIsAnAliasNotASecondWrite()
      throws IOException {
    Path out = dir.resolve("aligned");
    Run run = train(out, 24, 6, null, 0, 0);

    assertThat(run.store().commits.get())
        .as("the periodic saves at 6, 12, 18, 24 and nothing more")
        .isEqualTo(4);
    assertThat(run.store().aliases.get()).isEqualTo(1);
    assertThat(run.result().finalCheckpoint().iteration().update()).isEqualTo(24);
    Path periodic = file(out, "mlp_cp=E4_U24_S384_model.th");
    assertThat(Files.isSameFile(file(out, "mlp_cp=last_model.th"), periodic)).isTrue();
    assertThat(
            Files.isSameFile(
                file(out, "mlp_cp=latest_optim.th"), file(out, "mlp_cp=E4_U24_S384_optim.th")))
        .isTrue();

    // Not aligned: the final state is new and written once.
    Run unaligned = train(dir.resolve("unaligned"), 22, 6, null, 0, 0);
    assertThat(unaligned.store().commits.get()).isEqualTo(4);
    assertThat(unaligned.store().aliases.get()).isZero();
  }

  /**
   * A file that stops for a while halfway through being written (a slow disk): a save is then in
   * flight, with a partly written pending file, for that long.
   */
  record HalfwayPause(CheckpointFile file, long pauseMs) implements CheckpointFile {
    @Override
    public CheckpointFileName name() {
      return file.name();
    }

    @Override
    public long size() {
      return file.size();
    }

    @Override
    public void writeTo(WritableByteChannel out) throws IOException {
      long half = file.size() / 2;
      long[] written = {0};
      file.writeTo(
          new WritableByteChannel() {
            @Override
            public int write(ByteBuffer src) throws IOException {
              int n = out.write(src);
              if (written[0] < half && written[0] + n >= half) {
                try {
                  Thread.sleep(pauseMs);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  throw new java.io.InterruptedIOException("interrupted");
                }
              }
              written[0] += n;
              return n;
            }

            @Override
            public boolean isOpen() {
              return out.isOpen();
            }

            @Override
            public void close() throws IOException {
              out.close();
            }
          });
    }
  }

  /** A file store that counts commits and aliases, and can make each commit slow. */
  static final class CountingStore implements CheckpointStore {
    final FileCheckpointStore delegate;
    final long commitDelayMs;
    final AtomicInteger commits = new AtomicInteger();
    final AtomicInteger aliases = new AtomicInteger();

    CountingStore(FileCheckpointStore delegate, long commitDelayMs) {
      this.delegate = delegate;
      this.commitDelayMs = commitDelayMs;
    }

    @Override
    public StoredCheckpoint commit(
        StageId stage,
        CheckpointTag tag,
        TrainingIteration iteration,
        List<CheckpointFile> files,
        Set<CheckpointTag> aliasTags)
        throws IOException {
      commits.incrementAndGet();
      List<CheckpointFile> slow =
          files.stream().<CheckpointFile>map(f -> new HalfwayPause(f, commitDelayMs)).toList();
      return delegate.commit(stage, tag, iteration, commitDelayMs > 0 ? slow : files, aliasTags);
    }

    @Override
    public StoredCheckpoint alias(StageId stage, CheckpointTag target, Set<CheckpointTag> aliasTags)
        throws IOException {
      aliases.incrementAndGet();
      return delegate.alias(stage, target, aliasTags);
    }

    @Override
    public List<StoredCheckpoint> list(StageId stage) throws IOException {
      return delegate.list(stage);
    }

    @Override
    public boolean exists(StageId stage) throws IOException {
      return delegate.exists(stage);
    }

    @Override
    public String location() {
      return delegate.location();
    }

    @Override
    public SeekableByteChannel open(StoredCheckpoint checkpoint, StoredFile file)
        throws IOException {
      return delegate.open(checkpoint, file);
    }

    @Override
    public void verify(StoredCheckpoint checkpoint) throws IOException {
      delegate.verify(checkpoint);
    }

    @Override
    public void delete(StageId stage, CheckpointTag tag) throws IOException {
      delegate.delete(stage, tag);
    }

    @Override
    public StageClaim claim(StageId stage, StageWriter writer) throws IOException {
      return delegate.claim(stage, writer);
    }

    @Override
    public List<String> runs() throws IOException {
      return delegate.runs();
    }

    @Override
    public List<String> stages(String runId) throws IOException {
      return delegate.stages(runId);
    }

    @Override
    public void close() throws IOException {
      delegate.close();
    }
  }
}
