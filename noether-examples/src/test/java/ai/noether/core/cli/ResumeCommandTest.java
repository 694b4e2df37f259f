package ai.noether.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.api.checkpoint.CheckpointFileKind;
import ai.noether.api.checkpoint.CheckpointKeys;
import ai.noether.api.checkpoint.CheckpointSelector;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.checkpoint.StoredFile;
import ai.noether.core.format.th.ThReader;
import ai.noether.core.registry.ComponentRegistry;
import ai.noether.core.store.FileCheckpointStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code noether resume} as a user meets it: the messages of every way a resume can be wrong (each
 * listing what exists, exit status 2, no stack trace), the report of allowed configuration changes,
 * and the lineage a resumed stage records. The command line runs in this JVM with the real
 * launcher, minus its signal handlers.
 */
class ResumeCommandTest {
  static final ComponentRegistry REGISTRY = ComponentRegistry.load();

  /**
   * 13 updates per epoch, 52 in all; a checkpoint every 20 updates and one of the best validation
   * loss.
   */
  static final String UNINTERRUPTED_CONFIG =
      """
      seed: 5
      store: {kind: file, fsync: false}
      dataset: {kind: synthetic-regression, train_samples: 200, valid_samples: 48, input_size: 6, noise: 0.05, data_seed: 3}
      model: {name: net, kind: mlp, input_size: 6, hidden_sizes: [24, 24], output_size: 1, activation: gelu, dropout: 0.2}
      optimizer: {kind: adamw, lr: 3.0e-3, schedule: {kind: warmup-cosine, warmup_updates: 8}}
      trainer:
        max_epochs: 4
        batch_size: 16
        loss: mse
        eval_every_n_updates: 10
        callbacks:
          - {kind: checkpoint, every_n_updates: 20}
          - {kind: best-checkpoint, metric_key: loss/valid/total}
      """;

  /** {@link #UNINTERRUPTED_CONFIG} interrupted at update 24. */
  static final String CONFIG =
      UNINTERRUPTED_CONFIG + "    - {kind: test-interrupt, at_update: 24}\n";

  @TempDir static Path shared;
  static Path runs;
  static Path config;

  /**
   * {@code run-a}: interrupted at update 24, then resumed to its end; {@code run-b}: only
   * interrupted.
   */
  @BeforeAll
  static void trainTwoRuns() throws Exception {
    runs = shared.resolve("runs");
    config = shared.resolve("stage.yaml");
    Files.writeString(config, CONFIG);
    for (String run : List.of("run-a", "run-b")) {
      assertThat(
              cli(shared, "train", config.toString(), "output_dir=" + runs, "run_id=" + run).status)
          .isEqualTo(NoetherCli.INTERRUPTED);
    }
    Result resumed = cli(shared, "resume", "run-a", "--output-dir", runs.toString());
    assertThat(resumed.status).as(resumed.err).isEqualTo(NoetherCli.OK);
  }

  record Result(int status, String out, String err) {}

  static Result cli(Path workingDir, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status =
        new NoetherCli(() -> REGISTRY, TrainingLauncher.withoutSignalHandlers(), workingDir)
            .execute(new PrintWriter(out), new PrintWriter(err), args);
    return new Result(status, out.toString(), err.toString());
  }

  static Result resume(String... args) {
    String[] all = new String[args.length + 3];
    all[0] = "resume";
    all[1] = "--output-dir";
    all[2] = runs.toString();
    System.arraycopy(args, 0, all, 3, args.length);
    return cli(shared, all);
  }

  static void assertUsageError(Result r) {
    assertThat(r.status).as(r.err).isEqualTo(NoetherCli.USAGE);
    assertThat(r.err).doesNotContain("\tat ").doesNotContain("Exception");
  }

  @Test
  void anUnknownRunIsAnErrorListingTheRunsInTheOutputDirectory() {
    Result r = resume("run-c");

    assertUsageError(r);
    assertThat(r.err)
        .isEqualTo(
            "there is no run 'run-c' in "
                + runs
                + "; runs there: run-a, run-b. (A job killed"
                + " before it wrote anything leaves no run: 'noether train <config.yaml> run_id=run-c --resume-if-exists' starts"
                + " it, and resumes it once it has a checkpoint.)\n");
  }

  @Test
  void anUnknownStageIsAnErrorListingTheStagesOfTheRun() {
    Result r = resume("run-a", "--stage", "finetune");

    assertUsageError(r);
    assertThat(r.err)
        .startsWith("run 'run-a' has no stage 'finetune' with a saved configuration")
        .endsWith("; stages there: train\n");
  }

  @Test
  void aSelectorThatMatchesNoCheckpointIsAnErrorListingTheCheckpointsWithTheirIterations() {
    Result r = resume("run-a", "--checkpoint", "U30");

    assertUsageError(r);
    assertThat(r.err)
        .startsWith(
            "cannot resume run 'run-a' stage 'train' from --checkpoint U30: no checkpoint "
                + "matches 'U30' in run 'run-a' stage 'train'")
        .doesNotContain("resume_checkpoint");
    assertThat(r.err)
        .contains(
            "Its checkpoints: E1_U20_S312, E1_U24_S376.interrupt, E3_U40_S616, E4_U52_S800, "
                + "best.loss~valid~total @ E4_U52_S800, last @ E4_U52_S800, latest @ E4_U52_S800.");
  }

  @Test
  void theYamlResumeKeysNamingAnUnknownRunAreAnErrorListingTheRuns() {
    Result r = cli(shared, "train", config.toString(), "output_dir=" + runs, "resume_run_id=run-z");

    assertUsageError(r);
    assertThat(r.err)
        .contains(
            "cannot resume from resume_run_id: run-z, resume_stage_name: train, resume_checkpoint: latest")
        .contains("runs there: run-a, run-b");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "model.hidden_sizes=[24, 32] | model.hidden_sizes[1]: 24 -> 32 | the model architecture must match the checkpoint's weights",
        "trainer.batch_size=8        | trainer.batch_size: 16 -> 8     | the epoch position and sample counter refer to this batch size",
        "dataset.train_samples=300   | dataset.train_samples: 200 -> 300 | the checkpoint's position in the data order refers to this dataset",
        "optimizer.kind=adam         | optimizer.kind: adamw -> adam   | the saved optimizer state belongs to this optimizer kind"
      })
  void aChangeTheCheckpointCannotHonourIsAnErrorNamingTheKeyAndWhy(
      String override, String change, String reason) throws Exception {
    Path savedConfig = runs.resolve("run-b/train/config.yaml");
    String before = Files.readString(savedConfig);

    Result r = resume("run-b", override);

    assertUsageError(r);
    assertThat(r.err)
        .startsWith("cannot resume run-b/train from run-b/train@latest (E1_U24_S376)")
        .contains("✗ " + change + "  [" + reason + "]")
        .contains("previous-run initializer (docs/initializers.md)");
    assertThat(Files.readString(savedConfig))
        .as("the saved configuration is left alone")
        .isEqualTo(before);
    assertThat(FileCheckpointStore.open(runs).list(new StageId("run-b", "train")))
        .extracting(StoredCheckpoint::describe)
        .containsExactly(
            "E1_U20_S312",
            "best.loss~valid~total @ E1_U20_S312",
            "E1_U24_S376.interrupt",
            "latest @ E1_U24_S376");
  }

  @Test
  void anAllowedChangeIsReportedAndTheRunContinues(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("runs");
    assertThat(cli(dir, "train", config.toString(), "output_dir=" + out, "run_id=longer").status)
        .isEqualTo(NoetherCli.INTERRUPTED);

    Result r =
        cli(
            dir,
            "resume",
            "longer",
            "--output-dir",
            out.toString(),
            "trainer.max_epochs=5",
            "trainer.log_every_n_updates=5");

    assertThat(r.status).as(r.err).isEqualTo(NoetherCli.OK);
    assertThat(r.out)
        .startsWith(
            """
        resuming longer/train from longer/train@latest (E1_U24_S376) with configuration changes:
            trainer.max_epochs: 4 -> 5
            trainer.log_every_n_updates: 100 -> 5
        """);
    assertThat(r.out).contains("run longer, stage train: finished at E5_U65_S1000");
  }

  @Test
  void aModelOnlyBestCheckpointCannotBeResumedAndTheMessageSaysWhatToDoInstead() {
    Result r = resume("run-a", "--checkpoint", "best.loss/valid/total");

    assertUsageError(r);
    assertThat(r.err)
        .contains(
            "has no trainer file for 'net' (model-only checkpoints such as best.* cannot be "
                + "resumed; resume from latest or an iteration, or start a new run from these weights with a previous-run "
                + "initializer)");
  }

  @Test
  void resumingIntoAnotherStageWritesANewStageDirectoryThatStartsWithTheHistoryUpToTheCheckpoint(
      @TempDir Path dir) throws Exception {
    Path out = dir.resolve("runs");
    assertThat(cli(dir, "train", config.toString(), "output_dir=" + out, "run_id=run-c").status)
        .isEqualTo(NoetherCli.INTERRUPTED);
    Path train = out.resolve("run-c/train");
    List<String> trainHistory = Files.readAllLines(train.resolve("history.jsonl"));
    List<StoredCheckpoint> trainCheckpoints =
        FileCheckpointStore.open(out).list(new StageId("run-c", "train"));

    Result r = cli(dir, "resume", "run-c", "--output-dir", out.toString(), "stage_name=finetune");

    assertThat(r.status).as(r.err).isEqualTo(NoetherCli.OK);
    Path finetune = out.resolve("run-c/finetune");
    assertThat(finetune.resolve("checkpoints/net_cp=last_model.th")).isRegularFile();
    assertThat(finetune.resolve("config.yaml"))
        .content()
        .contains("stage_name: finetune", "resume_stage_name: train");
    List<String> history = Files.readAllLines(finetune.resolve("history.jsonl"));
    assertThat(history.subList(0, trainHistory.size())).isEqualTo(trainHistory);
    assertThat(history.get(trainHistory.size()))
        .isEqualTo(
            "{\"event\":\"resume\",\"epoch\":1,\"update\":24,\"sample\":376,\"source\":\"run-c/train@latest (E1_U24_S376)\"}");
    assertThat(FileCheckpointStore.open(out).list(new StageId("run-c", "train")))
        .as("the stage resumed from is left as it was")
        .isEqualTo(trainCheckpoints);

    List<StoredCheckpoint> finetuneCheckpoints =
        FileCheckpointStore.open(out).list(new StageId("run-c", "finetune"));
    Result again =
        cli(
            dir,
            "resume",
            "run-c",
            "--stage",
            "train",
            "--output-dir",
            out.toString(),
            "stage_name=finetune");

    assertUsageError(again);
    assertThat(again.err)
        .startsWith(
            "stage run-c/finetune already has " + finetuneCheckpoints.size() + " checkpoint(s)")
        .contains("continuing run-c/train into it would mix two trainings");
    assertThat(FileCheckpointStore.open(out).list(new StageId("run-c", "finetune")))
        .as("the existing stage is left as it was")
        .isEqualTo(finetuneCheckpoints);
    assertThat(Files.readAllLines(finetune.resolve("history.jsonl"))).isEqualTo(history);
  }

  @Test
  void resumingAFinishedStageWithoutRaisingItsLengthIsRefusedWithTheLimitToRaise()
      throws Exception {
    List<StoredCheckpoint> before =
        FileCheckpointStore.open(runs).list(new StageId("run-a", "train"));

    Result last = resume("run-a", "--checkpoint", "last");
    Result latest = resume("run-a");

    for (Result r : List.of(last, latest)) {
      assertUsageError(r);
      assertThat(r.err)
          .contains("of run-a/train is where the stage finished training (trainer.max_epochs: 4)")
          .contains("'noether resume run-a --stage train trainer.max_epochs=8'");
    }
    assertThat(FileCheckpointStore.open(runs).list(new StageId("run-a", "train")))
        .as("the final checkpoint is not rewritten")
        .isEqualTo(before);
  }

  @Test
  void aResumedStageRecordsInEveryNewCheckpointWhichCheckpointItContinuedFrom() throws Exception {
    FileCheckpointStore store = FileCheckpointStore.open(runs);
    StageId stage = new StageId("run-a", "train");
    StoredCheckpoint emergency =
        store.resolve(stage, CheckpointSelector.parse("E1_U24_S376.interrupt"));
    StoredCheckpoint last = store.resolve(stage, CheckpointSelector.parse("last"));

    List<?> lineage = (List<?>) trainerFile(store, last).get(CheckpointKeys.LINEAGE);

    assertThat(lineage).hasSize(1);
    Map<?, ?> entry = (Map<?, ?>) lineage.get(0);
    assertThat(entry.get(CheckpointKeys.RUN_ID)).isEqualTo("run-a");
    assertThat(entry.get(CheckpointKeys.STAGE_NAME)).isEqualTo("train");
    assertThat(entry.get(CheckpointKeys.CHECKPOINT_TAG))
        .as("the tag it was committed under, not 'latest'")
        .isEqualTo("E1_U24_S376.interrupt");
    assertThat(entry.get(CheckpointKeys.TRAINING_ITERATION)).isEqualTo("E1_U24_S376");
    assertThat(entry.get(CheckpointKeys.CHECKSUM))
        .isEqualTo(
            "crc32c:"
                + emergency.files().stream()
                    .map(f -> f.name().kind().suffix() + "=" + String.format("%08x", f.crc32c()))
                    .collect(Collectors.joining(",")));
    assertThat(trainerFile(store, emergency).get(CheckpointKeys.LINEAGE))
        .as("the original run has none")
        .isEqualTo(List.of());
  }

  private static Map<String, Object> trainerFile(
      FileCheckpointStore store, StoredCheckpoint checkpoint) throws Exception {
    StoredFile file = checkpoint.file("net", null, CheckpointFileKind.TRAINER).orElseThrow();
    try (FileChannel channel = store.open(checkpoint, file)) {
      return ThReader.read(channel, file.name().format());
    }
  }
}
