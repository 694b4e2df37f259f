package ai.noether.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.api.checkpoint.CheckpointFileKind;
import ai.noether.api.checkpoint.CheckpointFileName;
import ai.noether.api.checkpoint.CheckpointKeys;
import ai.noether.api.checkpoint.CheckpointSelector;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.TrainingIteration;
import ai.noether.core.checkpoint.CheckpointContents;
import ai.noether.core.config.RunConfig;
import ai.noether.core.config.RunConfigLoader;
import ai.noether.core.format.th.ThFormat;
import ai.noether.core.registry.ComponentRegistry;
import ai.noether.core.store.FileCheckpointStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NoetherCliTest {
  static final ComponentRegistry REGISTRY = ComponentRegistry.load();
  static final String RUN =
      """
      run_id: run-1
      store: {kind: test-store}
      dataset: {kind: test-dataset, samples: 64}
      model: {name: net, kind: test-model}
      optimizer: {kind: test-optimizer, lr: 0.1}
      trainer:
        kind: test-step
        max_epochs: 2
        batch_size: 4
        callbacks:
          - kind: test-counting
            every_n_epochs: 1
      """;

  @TempDir Path dir;
  Path config;
  final RecordingLauncher launcher = new RecordingLauncher();

  @BeforeEach
  void writeConfig() throws Exception {
    config = dir.resolve("run.yaml");
    Files.writeString(config, RUN);
  }

  /**
   * Runs the command line in {@code dir} with the launcher of the class path, as a test of one
   * command does: its exit status, standard output and standard error.
   */
  static String[] runIn(Path dir, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status =
        new NoetherCli(() -> REGISTRY, RunLauncher.fromClassPath(), dir)
            .execute(new PrintWriter(out), new PrintWriter(err), args);
    return new String[] {Integer.toString(status), out.toString(), err.toString()};
  }

  Result run(RunLauncher launcher, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status =
        new NoetherCli(() -> REGISTRY, launcher, dir)
            .execute(new PrintWriter(out), new PrintWriter(err), args);
    return new Result(status, out.toString(), err.toString());
  }

  Result run(String... args) {
    return run(launcher, args);
  }

  @Test
  void kindsListsEveryCategoryWithDescriptionsSourcesAndIgnoredDuplicates() {
    Result r = run("kinds");
    String source =
        REGISTRY.registrations(ai.noether.core.registry.ComponentCategory.CALLBACK).get(0).source();

    assertThat(r.status).isEqualTo(NoetherCli.OK);
    assertThat(r.out)
        .contains(
            """
        callback (ai.noether.api.spi.CallbackFactory)
          test-counting   Counts updates (test plugin)  [%1$s]
          test-injected   (no description)  [%1$s]
          test-rejecting  (no description)  [%1$s]
        """
                .formatted(source));
    assertThat(r.out)
        .contains(
            """
        initializer (ai.noether.api.spi.InitializerFactory)
          none registered; noether-initializers provides the standard ones
        """);
    assertThat(r.out)
        .contains(
            """
        ignored (an earlier provider on the class path has the same kind)
          callback 'test-counting': ai.noether.core.registry.TestPlugins$ShadowingCallbackFactory  [%s]
        """
                .formatted(source));
    assertThat(r.err).isEmpty();
  }

  @Test
  void configPrintsTheResolvedConfigurationWithOverridesApplied() {
    Result r = run("config", "run.yaml", "trainer.max_updates=5", "seed=3");

    assertThat(r.status).isEqualTo(NoetherCli.OK);
    assertThat(r.err).isEmpty();
    assertThat(r.out)
        .isEqualTo(
            """
        run_id: run-1
        stage_name: train
        output_dir: %s
        seed: 3
        device: auto
        store:
          kind: test-store
        dataset:
          kind: test-dataset
          samples: 64
        model:
          name: net
          kind: test-model
        optimizer:
          kind: test-optimizer
          lr: 0.1
        trainer:
          kind: test-step
          batch_size: 4
          callbacks:
            - kind: test-counting
              every_n_epochs: 1
              keep_last: 1
          max_updates: 5
          log_every_n_updates: 100
        """
                .formatted(dir.resolve("runs")));
  }

  @Test
  void kindsOfOneKindListsItsKeysWithTypesDefaultsAndDocumentation() {
    Result r = run("kinds", "test-counting");

    assertThat(r.status).isEqualTo(NoetherCli.OK);
    assertThat(r.out)
        .contains(
            "test-counting (callback)  [",
            "  factory "
                + ai.noether.core.registry.TestPlugins.CountingCallbackFactory.class.getName()
                + ", config "
                + ai.noether.core.registry.TestPlugins.CountingCallbackFactory.Config.class
                    .getName());
    assertThat(r.out)
        .contains(
            """
          key              type     default   documentation
          every_n_epochs   integer  -
          every_n_updates  integer  -
          every_n_samples  integer  -
          every_n_minutes  integer  -
          keep_last        integer  1         how many checkpoints to keep
        """);
    assertThat(run("kinds", "test-scaled").out).contains("  factor  number  required");
  }

  @Test
  void kindsOfAnUnknownKindSuggestsTheNearestAndExitsWithTwo() {
    Result r = run("kinds", "test-countng");

    assertThat(r.status).isEqualTo(NoetherCli.USAGE);
    assertThat(r.err).startsWith("unknown kind 'test-countng'. Did you mean 'test-counting'?");
  }

  @Test
  void aConfigurationErrorPrintsOnlyTheMessageAndExitsWithTwo() {
    Result r = run("config", "run.yaml", "trainer.callbacks[0].keep_lst=3");

    assertThat(r.status).isEqualTo(NoetherCli.USAGE);
    assertThat(r.out).isEmpty();
    assertThat(r.err)
        .isEqualTo(
            "command-line argument 'trainer.callbacks[0].keep_lst=3': unknown key"
                + " 'trainer.callbacks[0].keep_lst'. Did you mean 'keep_last'? Valid keys of callback 'test-counting': kind,"
                + " every_n_epochs, every_n_updates, every_n_samples, every_n_minutes, keep_last"
                + System.lineSeparator());
  }

  @Test
  void configReportsTheProblemsOfTheRootKeysAndOfEveryBlockInOneRound() {
    Result r =
        run(
            "config",
            "run.yaml",
            "optimizer.lr=-1",
            "trainer.callbacks[0].keep_lst=3",
            "model.kind=test-modle");

    assertThat(r.status).isEqualTo(NoetherCli.USAGE);
    assertThat(r.err)
        .startsWith(
            "the configuration has 3 problems:"
                + System.lineSeparator()
                + "command-line argument 'model.kind=test-modle': model: unknown model kind 'test-modle'. Did you mean"
                + " 'test-model'?");
    assertThat(r.err)
        .contains(
            System.lineSeparator()
                + "command-line argument 'optimizer.lr=-1': optimizer.lr: must be"
                + " a positive number, was -1.0"
                + System.lineSeparator());
    assertThat(r.err)
        .contains(
            System.lineSeparator()
                + "command-line argument 'trainer.callbacks[0].keep_lst=3':"
                + " unknown key 'trainer.callbacks[0].keep_lst'. Did you mean 'keep_last'?");
  }

  @Test
  void configChecksTheComponentsAgainstTheRunBeforeTraining() {
    Result r =
        run(
            "config",
            "run.yaml",
            "optimizer.schedule={kind: linear-warmup, warmup_updates: 40}",
            "trainer.max_samples=64");

    assertThat(r.status).isEqualTo(NoetherCli.USAGE);
    assertThat(r.out).isEmpty();
    assertThat(r.err)
        .isEqualTo(
            """
        the configuration has a problem (found before training; nothing was trained or written):
          command-line argument 'optimizer.schedule={kind: linear-warmup, warmup_updates: 40}': \
        optimizer.schedule.warmup_updates: 40 updates of warm-up do not fit the run: the run is trainer.max_samples: 64 \
        (16 updates: 16 per epoch, 64 training samples in batches of trainer.batch_size: 4). Set warmup_updates to at \
        most 16, use warmup_fraction (e.g. 0.05 of the run), or train longer.
        """);
  }

  @Test
  void configPrintsWarningsAndSucceeds() {
    Result r = run("config", "run.yaml", "trainer.eval_every_n_epochs=1");

    assertThat(r.status).isEqualTo(NoetherCli.OK);
    assertThat(r.err)
        .isEqualTo(
            "warning: trainer.eval_every_n_epochs: 1, but the dataset (dataset.kind: test-dataset)"
                + " has no validation split: nothing is evaluated. Remove eval_every_n_epochs or add a validation split.\n");
    assertThat(r.out).startsWith("run_id: run-1");
  }

  @Test
  void configRefusesAnEmptyTrainingSplit() {
    Result r = run("config", "run.yaml", "dataset.samples=0");

    assertThat(r.status).isEqualTo(NoetherCli.USAGE);
    assertThat(r.err)
        .isEqualTo(
            "run.yaml line 3: dataset: the training split is empty;"
                + " training needs at least one sample\n");
  }

  @Test
  void anUnknownKindInTheFileIsAConfigurationError() throws Exception {
    Files.writeString(config, RUN.replace("kind: test-counting", "kind: ema"));

    Result r = run("config", "run.yaml");

    assertThat(r.status).isEqualTo(NoetherCli.USAGE);
    assertThat(r.err)
        .startsWith("run.yaml line 11: trainer.callbacks[0]: unknown callback kind 'ema'.")
        .doesNotContain("\tat ");
  }

  @Test
  void aMissingConfigFileIsAConfigurationError() {
    Result r = run("config", "missing.yaml");

    assertThat(r.status).isEqualTo(NoetherCli.USAGE);
    assertThat(r.err).isEqualTo("config file missing.yaml does not exist" + System.lineSeparator());
  }

  @Test
  void aMissingArgumentIsAUsageError() {
    Result r = run("config");

    assertThat(r.status).isEqualTo(NoetherCli.USAGE);
    assertThat(r.err)
        .contains("Missing required parameter: 'CONFIG'")
        .contains("Usage: noether config");
  }

  @Test
  void noCommandShowsTheUsageAndTheExitCodes() {
    Result r = run();

    assertThat(r.status).isEqualTo(NoetherCli.USAGE);
    assertThat(r.err)
        .contains("Usage: noether")
        .contains("train")
        .contains("resume")
        .contains("kinds")
        .contains("runs")
        .contains("Exit codes:")
        .containsPattern("3 +training interrupted by a signal")
        .containsPattern("124 +a graceful stop took longer")
        .containsPattern("130 +a second Ctrl\\+C");
  }

  @Test
  void trainHandsTheValidatedConfigurationToTheLauncherAndExitsWithItsStatus() {
    launcher.status = NoetherCli.INTERRUPTED;

    Result r = run("train", "run.yaml", "trainer.max_updates=7");

    assertThat(r.status).isEqualTo(NoetherCli.INTERRUPTED);
    assertThat(launcher.launched)
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.runId()).isEqualTo("run-1");
              assertThat(c.trainer().settings().maxUpdates()).isEqualTo(7);
              assertThat(c.optResume()).isEmpty();
            });
  }

  @Test
  void trainDoesNotLaunchAnInvalidConfiguration() throws Exception {
    Files.writeString(config, RUN.replace("samples: 64", "samples: many"));

    Result r = run("train", "run.yaml");

    assertThat(r.status).isEqualTo(NoetherCli.USAGE);
    assertThat(r.err)
        .isEqualTo(
            "run.yaml line 3: dataset.samples: expected an integer, got 'many'"
                + System.lineSeparator());
    assertThat(launcher.launched).isEmpty();
  }

  @Test
  void trainWithoutARunLauncherSaysTrainingIsNotAvailable() {
    Result r = run(RunLauncher.unavailable(), "train", "run.yaml");

    assertThat(r.status).isEqualTo(NoetherCli.FAILURE);
    assertThat(r.err)
        .startsWith(
            "training is not available here: this command line was built without a run launcher")
        .doesNotContain("\tat ");
  }

  @Test
  void resumeContinuesAStageWithItsSavedConfigurationAndTheChosenCheckpoint() throws Exception {
    saveStage("run-1", "train");

    Result r = run("resume", "run-1", "--checkpoint", "E2", "seed=5");

    assertThat(r.status).isEqualTo(NoetherCli.OK);
    assertThat(launcher.launched)
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.runId()).isEqualTo("run-1");
              assertThat(c.stageName()).isEqualTo("train");
              assertThat(c.seed()).isEqualTo(5);
              assertThat(c.outputDir()).isEqualTo(dir.resolve("runs"));
              assertThat(c.resume().stage()).isEqualTo(new StageId("run-1", "train"));
              assertThat(c.resume().checkpoint()).isEqualTo(CheckpointSelector.parse("E2"));
            });
  }

  @Test
  void resumeWithoutCheckpointTakesTheLatestEvenIfTheSavedConfigurationResumedFromAnother()
      throws Exception {
    saveStage("run-1", "train", "resume_run_id=run-0", "resume_checkpoint=E1");

    run("resume", "run-1");

    assertThat(launcher.launched)
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.resume().stage()).isEqualTo(new StageId("run-1", "train"));
              assertThat(c.resume().checkpoint()).isEqualTo(CheckpointSelector.parse("latest"));
            });
  }

  @Test
  void resumeTakesTheConfigurationSavedInTheCheckpointNotTheEditableConfigYaml() throws Exception {
    saveStage("run-1", "train", "seed=3");
    Path sideFile = dir.resolve("runs/run-1/train/config.yaml");
    // still a valid configuration: nothing but the checkpoint can tell that it changed
    String edited = Files.readString(sideFile).replace("seed: 3", "seed: 4");
    assertThat(edited).isNotEqualTo(Files.readString(sideFile));
    Files.writeString(sideFile, edited);

    Result r = run("resume", "run-1", "trainer.max_epochs=3");

    assertThat(r.status).as(r.err).isEqualTo(NoetherCli.OK);
    assertThat(launcher.launched)
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.seed())
                  .as("the seed the checkpoint was trained with, not config.yaml's")
                  .isEqualTo(3);
              assertThat(c.trainer().settings().maxEpochs())
                  .as("overrides still apply")
                  .isEqualTo(3);
            });
  }

  @Test
  void resumeOfAnUnknownRunListsTheRunsThere() throws Exception {
    saveStage("run-1", "train");

    Result r = run("resume", "run-9");

    assertThat(r.status).isEqualTo(NoetherCli.USAGE);
    assertThat(r.err)
        .isEqualTo(
            "there is no run 'run-9' in "
                + dir.resolve("runs")
                + "; runs there: run-1. (A job"
                + " killed before it wrote anything leaves no run: 'noether train <config.yaml> run_id=run-9 --resume-if-exists'"
                + " starts it, and resumes it once it has a checkpoint.)"
                + System.lineSeparator());
  }

  @Test
  void resumeOfARunWithSeveralStagesAsksForOne() throws Exception {
    saveStage("run-1", "pretrain");
    saveStage("run-1", "finetune");

    Result r = run("resume", "run-1");

    assertThat(r.status).isEqualTo(NoetherCli.USAGE);
    assertThat(r.err)
        .isEqualTo(
            "run 'run-1' has several stages: finetune, pretrain; choose one with --stage"
                + System.lineSeparator());
    assertThat(run("resume", "run-1", "--stage", "pretrain").status).isEqualTo(NoetherCli.OK);
  }

  @Test
  void resumeRejectsARunIdThatCouldEscapeTheOutputDirectory() {
    Result r = run("resume", "../etc");

    assertThat(r.status).isEqualTo(NoetherCli.USAGE);
    assertThat(r.err).startsWith("run id '../etc' starts with '.'");
  }

  @Test
  void resumeWithoutARunIdTakesTheStageStartedMostRecently() throws Exception {
    saveStage("run-1", "train");
    saveStage("run-2", "finetune");
    Files.setLastModifiedTime(
        dir.resolve("runs/run-1/train/config.yaml"),
        java.nio.file.attribute.FileTime.fromMillis(1000));

    Result r = run("resume", "--interrupt-at-update", "9");

    assertThat(r.status).isEqualTo(NoetherCli.OK);
    assertThat(r.out).contains("resuming the most recent run: run-2, stage finetune");
    assertThat(launcher.launched)
        .singleElement()
        .satisfies(c -> assertThat(c.resume().stage()).isEqualTo(new StageId("run-2", "finetune")));
    assertThat(launcher.options).containsExactly(new LaunchOptions(9));
  }

  @Test
  void resumeWithoutARunIdAndNoRunsSaysSo() {
    Result r = run("resume");

    assertThat(r.status).isEqualTo(NoetherCli.USAGE);
    assertThat(r.err)
        .startsWith("there are no runs to resume: " + dir.resolve("runs") + " does not exist");
  }

  @Test
  void interruptAtUpdateZeroIsAUsageErrorNotSilentlyIgnored() throws Exception {
    saveStage("run-1", "train");

    Result train = run("train", config.toString(), "--interrupt-at-update", "0");
    Result resume = run("resume", "run-1", "--interrupt-at-update", "0");

    for (Result r : List.of(train, resume)) {
      assertThat(r.status).isEqualTo(NoetherCli.USAGE);
      assertThat(r.err)
          .startsWith(
              "--interrupt-at-update 0: give the update after which to interrupt, a number of"
                  + " at least 1");
    }
    assertThat(launcher.launched).isEmpty();
  }

  @Test
  void resumeFromAMissingOutputDirectoryThatWasGivenSaysToCheckIt() {
    Result given = run("resume", "--output-dir", dir.resolve("missing").toString());
    Result defaulted = run("resume");

    assertThat(given.status).isEqualTo(NoetherCli.USAGE);
    assertThat(given.err)
        .isEqualTo(
            "there are no runs to resume: "
                + dir.resolve("missing")
                + " does not exist;"
                + " check the --output-dir you gave"
                + System.lineSeparator());
    assertThat(defaulted.err)
        .contains("give --output-dir, the output_dir the run was trained with");
  }

  @Test
  void anUnknownRunIsAUsageErrorForRunsAsForResume() throws Exception {
    saveStage("run-1", "train");

    Result runs = run("runs", "run-9");
    Result resume = run("resume", "run-9");

    assertThat(runs.status).isEqualTo(NoetherCli.USAGE).isEqualTo(resume.status);
    assertThat(runs.err)
        .startsWith("run 'run-9' does not exist in output_dir")
        .contains("runs there: run-1")
        .doesNotContain("\tat ");
  }

  @Test
  void resumeListsOnlyRunsNotEveryFolderOfTheOutputDirectory() throws Exception {
    saveStage("run-1", "train");
    Files.createDirectories(dir.resolve("runs/some-folder/sub"));

    Result r = run("resume", "run-9");

    assertThat(r.err).contains("runs there: run-1.").doesNotContain("some-folder");
  }

  @Test
  void checkpointSizesAreShownInUnitsThatFitThem() throws Exception {
    saveStage("run-1", "train");

    Result r = run("runs", "run-1");

    assertThat(r.status).isEqualTo(NoetherCli.OK);
    assertThat(r.out)
        .containsPattern("E2_U20_S640 +E2_U20_S640 +[0-9.]+ (bytes|KB) ")
        .doesNotContain("0.0 MB");
  }

  @Test
  void helpBreaksLinesAtSpacesOnlyNeverInsideAKeyPathOrAnOverride() {
    List<String> helps = new ArrayList<>();
    for (String command : List.of("train", "resume", "runs", "verify", "config", "kinds")) {
      Result r = run(command, "--help");
      assertThat(r.status).isEqualTo(NoetherCli.OK);
      helps.add(r.out);
    }
    helps.add(run().err);
    String all = String.join("\n", helps);

    assertThat(all.lines()).allSatisfy(l -> assertThat(l.length()).as(l).isLessThanOrEqualTo(80));
    // BreakIterator allows a break after "key." and "trainer.": picocli's own wrapping split them.
    assertThat(all)
        .doesNotContainPattern("[A-Za-z_]\\.\\s*\\n\\s*[a-z_]+=")
        .contains("key.path=value")
        .contains("trainer.callbacks[0].every_n_epochs=2");
    assertThat(all).containsPattern("\\n {10,}\\S").as("continuation lines stay indented");
  }

  @Test
  void resumeWithOnlyOverridesTakesTheMostRecentRunInsteadOfReadingTheFirstOverrideAsARunId()
      throws Exception {
    saveStage("run-1", "train");

    Result r = run("resume", "trainer.max_epochs=3", "seed=7");

    assertThat(r.status).as(r.err).isEqualTo(NoetherCli.OK);
    assertThat(launcher.launched)
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.runId()).isEqualTo("run-1");
              assertThat(c.trainer().settings().maxEpochs()).isEqualTo(3);
              assertThat(c.seed()).isEqualTo(7);
            });
  }

  private void saveStage(String runId, String stage, String... overrides) throws Exception {
    List<String> args = new ArrayList<>(List.of("run_id=" + runId, "stage_name=" + stage));
    args.addAll(List.of(overrides));
    RunConfig saved = new RunConfigLoader(dir, () -> "unused").load(config, args);
    saved.writeResolved(saved.resolvedFile());
    // resume takes its configuration from the checkpoint's trainer file, as a trainer writes it
    TrainingIteration iteration = new TrainingIteration(2, 20, 640);
    CheckpointTag tag = CheckpointTag.at(iteration);
    Map<String, Object> trainer = new LinkedHashMap<>();
    trainer.put(CheckpointKeys.CHECKPOINT_TAG, tag.token());
    trainer.put(CheckpointKeys.TRAINING_ITERATION, CheckpointContents.iterationTree(iteration));
    trainer.put(CheckpointKeys.CONFIG, saved.toPlainTree());
    try (FileCheckpointStore store = FileCheckpointStore.open(saved.outputDir())) {
      store.commit(
          saved.stage(),
          tag,
          iteration,
          List.of(
              ThFormat.encoder()
                  .encode(CheckpointFileName.of("net", tag, CheckpointFileKind.TRAINER), trainer)),
          Set.of(CheckpointTag.LATEST));
    }
  }

  record Result(int status, String out, String err) {}

  /** Stands in for the run assembly: records what it was asked to launch. */
  static final class RecordingLauncher implements RunLauncher {
    final List<RunConfig> launched = new ArrayList<>();
    final List<LaunchOptions> options = new ArrayList<>();
    int status = NoetherCli.OK;

    @Override
    public int launch(
        RunConfig config, ComponentRegistry registry, PrintWriter out, LaunchOptions options) {
      launched.add(config);
      this.options.add(options);
      return status;
    }
  }
}
