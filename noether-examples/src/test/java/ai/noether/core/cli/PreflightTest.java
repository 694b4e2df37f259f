package ai.noether.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.core.registry.ComponentRegistry;
import ai.noether.core.store.FileCheckpointStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Configuration errors found before training, through the real command line in this JVM: a warm-up
 * longer than the run and a model that does not fit the data are reported by {@code train}, {@code
 * resume} and {@code noether config} with exit status 2, the YAML keys and values involved and what
 * would be valid, all problems at once, no stack trace, and nothing written.
 */
class PreflightTest {
  static final ComponentRegistry REGISTRY = ComponentRegistry.load();

  /** 200 samples in batches of 16: 13 updates per epoch, 26 in all. */
  static final String CONFIG =
      """
      seed: 5
      store: {kind: file, fsync: false}
      dataset: {kind: synthetic-regression, train_samples: 200, valid_samples: 48, input_size: 6, noise: 0.05, data_seed: 3}
      model: {name: net, kind: mlp, input_size: 6, hidden_sizes: [24], output_size: 1, dropout: 0.2}
      optimizer: {kind: adamw, lr: 3.0e-3, schedule: {kind: warmup-cosine, warmup_updates: 8}}
      trainer:
        max_epochs: 2
        batch_size: 16
        loss: mse
        eval_every_n_updates: 10
      """;

  static final String RUN_LENGTH =
      "the run is trainer.max_epochs: 2 (26 updates: 13 per epoch, 200 training samples in"
          + " batches of trainer.batch_size: 16)";

  @TempDir Path dir;
  Path runs;
  Path config;

  @BeforeEach
  void writeConfig() throws IOException {
    runs = dir.resolve("runs");
    config = dir.resolve("stage.yaml");
    Files.writeString(config, CONFIG);
  }

  record Result(int status, String out, String err) {}

  Result cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status =
        new NoetherCli(() -> REGISTRY, TrainingLauncher.withoutSignalHandlers(), dir)
            .execute(new PrintWriter(out), new PrintWriter(err), args);
    return new Result(status, out.toString(), err.toString());
  }

  Result train(String... overrides) {
    List<String> args =
        new ArrayList<>(List.of("train", config.toString(), "output_dir=" + runs, "run_id=r"));
    args.addAll(List.of(overrides));
    return cli(args.toArray(String[]::new));
  }

  Result checkConfig(String... overrides) {
    List<String> args =
        new ArrayList<>(List.of("config", config.toString(), "output_dir=" + runs, "run_id=r"));
    args.addAll(List.of(overrides));
    return cli(args.toArray(String[]::new));
  }

  static void assertConfigError(Result r) {
    assertThat(r.status).as(r.err).isEqualTo(NoetherCli.USAGE);
    assertThat(r.err)
        .doesNotContain("\tat ")
        .doesNotContain("Exception")
        .doesNotContain("please report")
        .doesNotContain("resume");
  }

  /** Every regular file under the output directory. */
  List<String> filesWritten() throws IOException {
    if (!Files.exists(runs)) {
      return List.of();
    }
    try (Stream<Path> all = Files.walk(runs)) {
      // The writer lease (.noether/leases/) records who last trained a stage; it is not stage
      // content.
      return all.filter(Files::isRegularFile)
          .map(p -> runs.relativize(p).toString())
          .filter(f -> !f.startsWith(".noether/leases/"))
          .sorted()
          .toList();
    }
  }

  /** Every regular file under the output directory with a digest of its bytes. */
  Map<String, String> contents() throws IOException {
    Map<String, String> all = new TreeMap<>();
    for (String f : filesWritten()) {
      all.put(f, Arrays.toString(digest(Files.readAllBytes(runs.resolve(f)))));
    }
    return all;
  }

  private static byte[] digest(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void aWarmupLongerThanTheRunIsAConfigurationErrorOfTrainBeforeAnythingIsWritten()
      throws Exception {
    Result r = train("optimizer.schedule.warmup_updates=500");

    assertConfigError(r);
    assertThat(r.err)
        .startsWith(
            "the configuration has a problem (found before training; nothing was trained or written):\n"
                + "  command-line argument 'optimizer.schedule.warmup_updates=500': optimizer.schedule.warmup_updates: 500 updates"
                + " of warm-up do not fit the run: "
                + RUN_LENGTH
                + ", and the cosine decay after the warm-up needs at least one"
                + " of them. Set warmup_updates to at most 25, use warmup_fraction (e.g. 0.05 of the run), or train longer.\n");
    assertThat(filesWritten()).isEmpty();
  }

  @Test
  void aLinearWarmupLongerThanAnUpdateLimitIsAConfigurationError() throws Exception {
    Result r =
        train(
            "optimizer.schedule={kind: linear-warmup, warmup_updates: 30}",
            "trainer.max_updates=20");

    assertConfigError(r);
    assertThat(r.err)
        .contains(
            "optimizer.schedule.warmup_updates: 30 updates of warm-up do not fit the run: the run is"
                + " trainer.max_updates: 20. Set warmup_updates to at most 20");
    assertThat(filesWritten()).isEmpty();
  }

  @Test
  void configReportsAWarmupLongerThanTheRunWithExitStatusTwo() throws Exception {
    Files.writeString(config, CONFIG.replace("warmup_updates: 8", "warmup_updates: 26"));

    Result r = checkConfig();

    assertConfigError(r);
    assertThat(r.err)
        .contains(
            "stage.yaml line 5: optimizer.schedule.warmup_updates: 26 updates of warm-up do not fit"
                + " the run: "
                + RUN_LENGTH);
    assertThat(r.out).isEmpty();
    assertThat(filesWritten()).isEmpty();
  }

  @Test
  void resumeWithAWarmupLongerThanTheRunIsAConfigurationErrorThatLeavesTheStageAsItWas()
      throws Exception {
    Files.writeString(config, CONFIG + "  callbacks: [{kind: test-interrupt, at_update: 6}]\n");
    assertThat(train().status).isEqualTo(NoetherCli.INTERRUPTED);
    Map<String, String> before = contents();

    Result r =
        cli("resume", "r", "--output-dir", runs.toString(), "optimizer.schedule.warmup_updates=40");

    assertConfigError(r);
    assertThat(r.err)
        .contains(
            "optimizer.schedule.warmup_updates: 40 updates of warm-up do not fit the run: "
                + RUN_LENGTH);
    assertThat(contents()).as("every file of the run, byte for byte").isEqualTo(before);
    assertThat(FileCheckpointStore.open(runs).list(new StageId("r", "train")))
        .extracting(StoredCheckpoint::describe)
        .containsExactly("E0_U6_S96.interrupt", "latest @ E0_U6_S96");
  }

  @Test
  void anInputSizeThatDoesNotMatchTheDataIsFoundBeforeTrainingWithoutACheckpoint()
      throws Exception {
    Result r = train("model.input_size=5");

    assertConfigError(r);
    assertThat(r.err)
        .contains(
            "command-line argument 'model.input_size=5': model.input_size: 5 does not match the"
                + " training features of dataset (dataset.kind: synthetic-regression), which have 6 values per sample"
                + " ([6] float32); set input_size: 6, or change the dataset.");
    assertThat(r.err).doesNotContain(".error");
    assertThat(filesWritten()).isEmpty();

    Result checked = checkConfig("model.input_size=5");
    assertConfigError(checked);
    assertThat(checked.err).isEqualTo(r.err);
  }

  @Test
  void everyProblemIsReportedAtOnce() throws Exception {
    Result r =
        train("model.input_size=5", "model.output_size=3", "optimizer.schedule.warmup_updates=500");

    assertConfigError(r);
    assertThat(r.err).startsWith("the configuration has 3 problems");
    assertThat(r.err)
        .contains("model.input_size: 5 does not match")
        .contains("optimizer.schedule.warmup_updates: 500 updates of warm-up do not fit the run")
        .contains(
            "trainer.loss: mse compares each predicted value with its target, but the predictions of the model"
                + " (model.kind: mlp, model.output_size: 3) are [3] per sample and the training targets of dataset"
                + " (dataset.kind: synthetic-regression) are [1] float32; make the model predict 1 value per sample");
    assertThat(filesWritten()).isEmpty();
  }

  @Test
  void classIndicesBeyondTheModelsClassesAreFoundBeforeTraining() {
    Result r = train("trainer.loss=softmax-cross-entropy", "model.output_size=2");

    assertConfigError(r);
    assertThat(r.err)
        .contains(
            "trainer.loss: softmax-cross-entropy needs whole-number class indices, but the training"
                + " targets of dataset (dataset.kind: synthetic-regression) hold other values (e.g. ");
  }

  @Test
  void sigmoidBceTargetsOutsideZeroToOneAreFoundBeforeTraining() {
    Result r = train("trainer.loss=sigmoid-bce");

    assertConfigError(r);
    assertThat(r.err)
        .contains(
            "trainer.loss: sigmoid-bce needs targets between 0 and 1 (probabilities or 0/1 labels),"
                + " but the training targets of dataset (dataset.kind: synthetic-regression) range from ");
  }

  @Test
  void theDryForwardPassFindsWhatAPluginModelCannotCheckAndNamesTheModelAndDataBlocks()
      throws Exception {
    Result r = train("model={name: net, kind: test-unchecked-mlp, input_size: 5, output_size: 1}");

    assertConfigError(r);
    assertThat(r.err)
        .contains(
            "the model block (command-line argument 'model={name: net, kind: test-unchecked-mlp,"
                + " input_size: 5, output_size: 1}': model.kind: test-unchecked-mlp, model.name: net) and the dataset block"
                + " ("
                + config
                + " line 3: dataset.kind: synthetic-regression) do not fit each other: a dry forward pass of the"
                + " training step (trainer.kind: supervised) on one batch of 16 training samples (features [6] float32,"
                + " targets [1] float32 per sample) failed before training: model 'net' on inputs (16, 6) with targets"
                + " (16, 1) and loss mse: ");
    assertThat(r.err)
        .endsWith(
            "Nothing was trained or written; fix the model or dataset block and start again.\n");
    assertThat(filesWritten()).isEmpty();

    Result checked =
        checkConfig("model={name: net, kind: test-unchecked-mlp, input_size: 5, output_size: 1}");
    assertConfigError(checked);
    assertThat(checked.err).contains("a dry forward pass of the training step");
  }

  @Test
  void aFailureAtTheFirstUpdateOfAFreshStageWritesNoCheckpointAndSuggestsNoResume()
      throws Exception {
    Result r = train("trainer.kind=test-failing-step", "trainer.loss=");

    assertThat(r.status).as(r.err).isEqualTo(NoetherCli.FAILURE);
    assertThat(r.err)
        .isEqualTo(
            """
        training r/train failed at E0_U0_S0: shapes [16, 6] and [8, 24] cannot be multiplied
        It failed at the first update of a fresh stage, before anything was trained, so no checkpoint was written \
        and there is nothing to resume: fix the cause (the configuration or the data named above) and start the run \
        again with the same command.
        """);
    assertThat(filesWritten()).noneMatch(f -> f.endsWith(".th"));

    Result again = train("trainer.kind=test-failing-step", "trainer.loss=");
    assertThat(again.err)
        .as("the same command starts again instead of refusing an occupied stage")
        .startsWith("training r/train failed at E0_U0_S0");
  }

  @Test
  void configPrintsWarningsForLegalButDoubtfulSettingsAndSucceeds() {
    Result r = checkConfig("optimizer.schedule={kind: step, step_size: 100}");

    assertThat(r.status).as(r.err).isEqualTo(NoetherCli.OK);
    assertThat(r.err)
        .isEqualTo(
            "warning: optimizer.schedule.step_size: 100 updates: the run (trainer.max_epochs: 2"
                + " (26 updates: 13 per epoch, 200 training samples in batches of trainer.batch_size: 16)) ends before the first"
                + " reduction, so the learning rate stays at optimizer.lr. Use a step_size below 26 or a constant schedule.\n");
    assertThat(r.out).contains("kind: step");
  }
}
