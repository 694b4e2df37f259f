package ai.noether.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.noether.api.ConfigException;
import ai.noether.api.callback.Interval;
import ai.noether.api.checkpoint.CheckpointSelector;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.run.DeviceSpec;
import ai.noether.api.run.EngineConfig;
import ai.noether.core.training.TrainerSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunConfigLoaderTest {
  static final String FULL =
      """
      run_id: quickstart-1
      stage_name: pretrain
      output_dir: out/runs
      seed: 42
      device: gpu:1
      store:
        kind: file
      dataset:
        kind: synthetic-regression
        samples: 1024
        features: 8
      model:
        name: regressor
        kind: mlp
        hidden_sizes: [64, 64]
        initializers:
          - kind: previous-run
            run_id: 260301-101500-a1b2
            model_name: regressor
            checkpoint_tag: latest
      optimizer:
        kind: adamw
        lr: 1.0e-3
        weight_decay: 0.01
        schedule:
          kind: warmup-cosine
          warmup_updates: 100
      trainer:
        max_epochs: 20
        batch_size: 32
        eval_every_n_epochs: 1
        log_every_n_updates: 50
        loss: mse
        callbacks:
          - kind: checkpoint
            every_n_epochs: 5
            keep_last: 2
            save_optim: true
          - kind: ema
            target_factors: [0.999]
          - kind: best-checkpoint
            metric_key: loss/valid/total
      """;

  static final String MINIMAL =
      """
      dataset: {kind: synthetic-regression}
      model: {name: regressor, kind: mlp}
      optimizer: {kind: sgd, lr: 0.1}
      trainer: {max_updates: 10, batch_size: 4}
      """;

  @TempDir Path workingDir;

  RunConfig parse(String yaml, String... overrides) {
    return new RunConfigLoader(workingDir, () -> "generated-id")
        .parse(yaml, "run.yaml", List.of(overrides));
  }

  String error(String yaml, String... overrides) {
    ConfigException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            ConfigException.class, () -> parse(yaml, overrides));
    return e.getMessage();
  }

  @Test
  void everyProblemOfTheRootKeysIsReportedAtOnceInTheOrderWritten() {
    String yaml =
        """
        seed: abc
        schedule: {kind: warmup-cosine, warmup_updates: 10}
        dataset: {kind: synthetic-regression}
        model: {kind: mlp}
        optimizer: {kind: sgd}
        trainer: {max_updates: 10, log_every_n_epochs: 1, log_every_n_updates: 5}
        """;

    assertThat(error(yaml))
        .isEqualTo(
            """
        the configuration has 6 problems:
        run.yaml line 2: unknown key 'schedule'. Did you mean 'optimizer.schedule'? (schedule belongs under \
        optimizer) Valid keys at the top level: run_id, stage_name, output_dir, seed, device, engine, \
        resume_run_id, resume_stage_name, resume_checkpoint, resume_fallback, resume_if_exists, store, dataset, model, optimizer, \
        trainer
        run.yaml line 1: seed: expected an integer, got 'abc'
        run.yaml line 4: model: missing required key 'name' (the model name used in checkpoint file names, e.g. \
        name: regressor)
        run.yaml line 5: optimizer: missing required key 'lr' (the base learning rate, e.g. lr: 1.0e-3)
        run.yaml line 6: trainer: missing required key 'batch_size' (samples per update, e.g. batch_size: 32)
        run.yaml line 6: trainer.log_every_n_epochs and trainer.log_every_n_updates are both set; keep one of \
        them (trainer.log_every_n_epochs is at run.yaml line 6)""");
  }

  @Test
  void aFrameworkKeyInsideAnotherFrameworkBlockSaysWhereItBelongs() {
    assertThat(error(MINIMAL + "batch_size: 8\n"))
        .startsWith(
            "run.yaml line 5: unknown key 'batch_size'. Did you mean"
                + " 'trainer.batch_size'? (batch_size belongs under trainer)");
    ComponentBlock step =
        parse(MINIMAL.replace("batch_size: 4}", "batch_size: 4, seed: 3}")).trainer().step();
    assertThat(
            org.junit.jupiter.api.Assertions.assertThrows(
                    ConfigException.class,
                    () -> ConfigBinder.bind(step, Void.class, "training step 'supervised'"))
                .getMessage())
        .startsWith(
            "run.yaml line 4: unknown key 'trainer.seed'. Did you mean 'seed'? (seed belongs at the top level)");
  }

  @Test
  void blocksAreCheckedWhileReadingSoTheirProblemsComeWithThoseOfTheRootKeys() {
    BlockCheck rejectMlp =
        (role, block) -> {
          if (block.kind().equals("mlp")) {
            throw block.error(role + " rejected");
          }
        };
    ConfigException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            ConfigException.class,
            () ->
                new RunConfigLoader(workingDir, () -> "id")
                    .withBlockCheck(rejectMlp)
                    .parse(MINIMAL.replace("lr: 0.1", "lr: -1"), "run.yaml", List.of()));

    assertThat(e).isInstanceOf(ConfigProblemsException.class);
    assertThat(e.getMessage())
        .isEqualTo(
            """
        the configuration has 2 problems:
        run.yaml line 2: model: model rejected
        run.yaml line 3: optimizer.lr: must be a positive number, was -1.0""");
  }

  @Test
  void bindsEveryRootKeyOfAFullConfiguration() {
    RunConfig config = parse(FULL);

    assertThat(config.runId()).isEqualTo("quickstart-1");
    assertThat(config.stageName()).isEqualTo("pretrain");
    assertThat(config.stage()).isEqualTo(new StageId("quickstart-1", "pretrain"));
    assertThat(config.outputDir()).isEqualTo(workingDir.resolve("out/runs"));
    assertThat(config.layout().stageDir())
        .isEqualTo(workingDir.resolve("out/runs/quickstart-1/pretrain"));
    assertThat(config.seed()).isEqualTo(42);
    assertThat(config.device()).isEqualTo(new DeviceSpec(DeviceSpec.Kind.GPU, 1));
    assertThat(config.optResume()).isEmpty();
    assertThat(config.store().kind()).isEqualTo("file");
    assertThat(config.dataset().kind()).isEqualTo("synthetic-regression");
    assertThat(config.dataset().settings())
        .containsExactly(Map.entry("samples", 1024L), Map.entry("features", 8L));
  }

  @Test
  void bindsModelOptimizerAndTrainerWithTheirComponentBlocks() {
    RunConfig config = parse(FULL);

    assertThat(config.model().name()).isEqualTo("regressor");
    assertThat(config.model().block().kind()).isEqualTo("mlp");
    assertThat(config.model().block().path()).isEqualTo("model");
    assertThat(config.model().block().settings())
        .containsExactly(Map.entry("hidden_sizes", List.of(64L, 64L)));
    assertThat(config.model().initializers())
        .singleElement()
        .satisfies(
            init -> {
              assertThat(init.path()).isEqualTo("model.initializers[0]");
              assertThat(init.kind()).isEqualTo("previous-run");
              assertThat(init.settings())
                  .containsEntry("run_id", "260301-101500-a1b2")
                  .containsEntry("checkpoint_tag", "latest");
              assertThat(init.where()).isEqualTo("run.yaml line 17");
            });

    assertThat(config.optimizer().lr()).isEqualTo(1.0e-3);
    assertThat(config.optimizer().block().kind()).isEqualTo("adamw");
    assertThat(config.optimizer().block().settings())
        .containsExactly(Map.entry("lr", 1.0e-3), Map.entry("weight_decay", 0.01));
    assertThat(config.optimizer().schedule().kind()).isEqualTo("warmup-cosine");
    assertThat(config.optimizer().schedule().path()).isEqualTo("optimizer.schedule");
    assertThat(config.optimizer().schedule().settings())
        .containsExactly(Map.entry("warmup_updates", 100L));

    assertThat(config.trainer().settings())
        .isEqualTo(new TrainerSettings(20, 0, 0, 32, Interval.epochs(1), Interval.updates(50)));
    assertThat(config.trainer().step().kind()).isEqualTo("supervised");
    assertThat(config.trainer().step().settings()).containsExactly(Map.entry("loss", "mse"));
    assertThat(config.trainer().callbacks())
        .extracting(ComponentBlock::kind)
        .containsExactly("checkpoint", "ema", "best-checkpoint");
    assertThat(config.trainer().callbacks())
        .extracting(ComponentBlock::path)
        .containsExactly("trainer.callbacks[0]", "trainer.callbacks[1]", "trainer.callbacks[2]");
    assertThat(config.trainer().callbacks().get(0).settings())
        .containsExactly(
            Map.entry("every_n_epochs", 5L),
            Map.entry("keep_last", 2L),
            Map.entry("save_optim", true));
    assertThat(config.trainer().callbacks().get(1).settings())
        .containsExactly(Map.entry("target_factors", List.of(0.999)));
  }

  @Test
  void fillsInDefaultsForEverythingOptional() {
    RunConfig config = parse(MINIMAL);

    assertThat(config.runId()).isEqualTo("generated-id");
    assertThat(config.stageName()).isEqualTo("train");
    assertThat(config.outputDir()).isEqualTo(workingDir.resolve("runs"));
    assertThat(config.seed()).isZero();
    assertThat(config.device()).isEqualTo(DeviceSpec.AUTO);
    assertThat(config.store().kind()).isEqualTo("file");
    assertThat(config.trainer().step().kind()).isEqualTo("supervised");
    assertThat(config.trainer().settings().evaluation()).isNull();
    assertThat(config.trainer().settings().logging()).isEqualTo(Interval.updates(100));
    assertThat(config.model().initializers()).isEmpty();
    assertThat(config.optimizer().optSchedule()).isEmpty();
    assertThat(config.trainer().callbacks()).isEmpty();
  }

  @Test
  void generatesARunIdWithRunIdsWhenNoneIsGiven() {
    RunConfig config = new RunConfigLoader().parse(MINIMAL, "run.yaml", List.of());

    assertThat(config.runId()).matches("\\d{6}-\\d{6}-[0-9a-z]{4}");
  }

  @Test
  void writesTheResolvedConfigurationWithDefaultsAndTheGeneratedRunId() {
    RunConfig config = parse(MINIMAL);

    assertThat(config.toYaml())
        .isEqualTo(
            """
        run_id: generated-id
        stage_name: train
        output_dir: %s
        seed: 0
        device: auto
        store:
          kind: file
        dataset:
          kind: synthetic-regression
        model:
          name: regressor
          kind: mlp
        optimizer:
          kind: sgd
          lr: 0.1
        trainer:
          kind: supervised
          max_updates: 10
          batch_size: 4
          log_every_n_updates: 100
        """
                .formatted(workingDir.resolve("runs")));
  }

  @Test
  void givesThePlainTreeWithPlainJavaTypes() {
    Map<String, Object> tree = parse(FULL).toPlainTree();

    assertThat(tree).containsEntry("seed", 42L).containsEntry("device", "gpu:1");
    @SuppressWarnings("unchecked")
    Map<String, Object> trainer = (Map<String, Object>) tree.get("trainer");
    assertThat(trainer.get("callbacks"))
        .isEqualTo(
            List.of(
                Map.of(
                    "kind",
                    "checkpoint",
                    "every_n_epochs",
                    5L,
                    "keep_last",
                    2L,
                    "save_optim",
                    true),
                Map.of("kind", "ema", "target_factors", List.of(0.999)),
                Map.of("kind", "best-checkpoint", "metric_key", "loss/valid/total")));
    assertThatThrownBy(() -> tree.put("seed", 1L))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void readingTheResolvedFileAgainGivesTheSameConfiguration() throws Exception {
    RunConfig config = parse(FULL);
    Path file = workingDir.resolve("copy/config.yaml");
    config.writeResolved(file);

    RunConfig again = new RunConfigLoader(workingDir, () -> "other").load(file, List.of());

    assertThat(again.toPlainTree()).isEqualTo(config.toPlainTree());
    assertThat(again.trainer().settings()).isEqualTo(config.trainer().settings());
    assertThat(Files.list(file.getParent())).containsExactly(file);
  }

  @Test
  void stringsThatLookLikeOtherScalarsStayStringsInTheResolvedYaml() {
    RunConfig config =
        parse(
            "run_id: '0123'\n"
                + MINIMAL.replace(
                    "{kind: synthetic-regression}",
                    "{kind: synthetic-regression, a: 'true', b: '1e-3', c: 'null', d: '', e: 'x: y'}"));

    RunConfig again = parse(config.toYaml());

    assertThat(again.toPlainTree()).isEqualTo(config.toPlainTree());
    assertThat(again.dataset().settings())
        .containsExactly(
            Map.entry("a", "true"),
            Map.entry("b", "1e-3"),
            Map.entry("c", "null"),
            Map.entry("d", ""),
            Map.entry("e", "x: y"));
  }

  @Test
  void theResolvedFileLivesInTheStageDirectory() {
    RunConfig config = parse(FULL);

    assertThat(config.resolvedFile())
        .isEqualTo(workingDir.resolve("out/runs/quickstart-1/pretrain/config.yaml"));
  }

  @Test
  void bindsTheResumeKeysAndContinuesInTheResumedStageByDefault() {
    RunConfig config =
        parse(
            MINIMAL
                + """
        resume_run_id: 260301-101500-a1b2
        resume_stage_name: pretrain
        resume_checkpoint: E10
        """);

    ResumeConfig resume = config.optResume().orElseThrow();
    assertThat(resume.stage()).isEqualTo(new StageId("260301-101500-a1b2", "pretrain"));
    assertThat(resume.checkpoint()).isEqualTo(CheckpointSelector.parse("E10"));
    assertThat(config.stageName()).isEqualTo("pretrain");
    assertThat(config.toPlainTree())
        .containsEntry("resume_run_id", "260301-101500-a1b2")
        .containsEntry("resume_stage_name", "pretrain")
        .containsEntry("resume_checkpoint", "E10");
  }

  @Test
  void resumesTheLatestCheckpointOfStageTrainWhenOnlyTheRunIsGiven() {
    RunConfig config = parse(MINIMAL + "resume_run_id: old-run\n");

    ResumeConfig resume = config.optResume().orElseThrow();
    assertThat(resume.stage()).isEqualTo(new StageId("old-run", "train"));
    assertThat(resume.checkpoint()).isEqualTo(CheckpointSelector.of(CheckpointTag.LATEST));
  }

  @Test
  void anUnknownRootKeyNamesTheLineSuggestsAKeyAndListsTheValidOnes() {
    String message = error(MINIMAL + "trainr:\n  max_epochs: 3\n");

    assertThat(message)
        .isEqualTo(
            "run.yaml line 5: unknown key 'trainr'. Did you mean 'trainer'? Valid keys at the top"
                + " level: run_id, stage_name, output_dir, seed, device, engine, resume_run_id, resume_stage_name, resume_checkpoint,"
                + " resume_fallback, resume_if_exists, store, dataset, model, optimizer, trainer");
  }

  @Test
  void aValueOfTheWrongTypeNamesItsPathAndLine() {
    String message =
        error(
            MINIMAL.replace(
                "{max_updates: 10, batch_size: 4}", "\n  max_updates: 10\n  batch_size: abc"));

    assertThat(message)
        .isEqualTo("run.yaml line 6: trainer.batch_size: expected an integer, got 'abc'");
  }

  @Test
  void aFractionIsNotAnInteger() {
    assertThat(error(MINIMAL.replace("max_updates: 10", "max_updates: 10.5")))
        .isEqualTo("run.yaml line 4: trainer.max_updates: expected an integer, got 10.5");
  }

  @Test
  void aMissingRequiredBlockNamesTheFileAndTheKey() {
    String message = error(MINIMAL.replace("model: {name: regressor, kind: mlp}\n", ""));

    assertThat(message).startsWith("run.yaml: missing required key 'model'");
  }

  @Test
  void aMissingKeyPointsAtAMisspeltOne() {
    assertThat(error(MINIMAL.replace("batch_size: 4", "batch_sise: 4")))
        .isEqualTo(
            "run.yaml line 4: trainer: missing"
                + " required key 'batch_size' (samples per update, e.g. batch_size: 32); is 'batch_sise' (run.yaml line 4) a"
                + " misspelling of it?");
  }

  @Test
  void aMissingModelNameNamesTheModelBlock() {
    String message = error(MINIMAL.replace("name: regressor, ", ""));

    assertThat(message).startsWith("run.yaml line 2: model: missing required key 'name'");
  }

  @Test
  void aComponentWithoutKindNamesItsPathAndPointsAtTheListOfKinds() {
    String message =
        error(
            MINIMAL.replace(
                "{max_updates: 10, batch_size: 4}",
                """

          max_updates: 10
          batch_size: 4
          callbacks:
            - kind: ema
            - every_n_epochs: 1
        """));

    assertThat(message)
        .isEqualTo(
            "run.yaml line 9: trainer.callbacks[1]: missing required key 'kind' (a registered"
                + " kind or a factory class name; 'noether kinds' lists them)");
  }

  @Test
  void twoTrainingLimitsAreRejectedNamingBoth() {
    String message =
        error(
            MINIMAL.replace(
                "{max_updates: 10, batch_size: 4}",
                "\n  max_epochs: 2\n  max_updates: 10\n  batch_size: 4"));

    assertThat(message)
        .isEqualTo(
            "run.yaml line 6: trainer.max_epochs and trainer.max_updates are both set; keep one"
                + " of them (trainer.max_epochs is at run.yaml line 5)");
  }

  @Test
  void aTrainerWithoutLimitSaysWhichKeysCanEndTraining() {
    String message = error(MINIMAL.replace("max_updates: 10, ", ""));

    assertThat(message)
        .isEqualTo(
            "run.yaml line 4: trainer: missing how long to train; set one of max_epochs,"
                + " max_updates or max_samples");
  }

  @Test
  void twoEvaluationIntervalsAreRejectedNamingBoth() {
    String message =
        error(
            MINIMAL.replace(
                "batch_size: 4}",
                "batch_size: 4, eval_every_n_epochs: 1, eval_every_n_updates: 5}"));

    assertThat(message)
        .contains("trainer.eval_every_n_epochs and trainer.eval_every_n_updates are both set");
  }

  @Test
  void intervalsMustBePositive() {
    assertThat(error(MINIMAL.replace("batch_size: 4}", "batch_size: 4, log_every_n_updates: 0}")))
        .isEqualTo("run.yaml line 4: trainer.log_every_n_updates: must be positive, was 0");
  }

  @Test
  void resumeKeysWithoutResumeRunIdAreRejected() {
    assertThat(error(MINIMAL + "resume_checkpoint: E3\n"))
        .isEqualTo(
            "run.yaml line 5: resume_checkpoint: is set but"
                + " resume_run_id is not; set resume_run_id to the run to resume, or remove resume_checkpoint");
  }

  @Test
  void resumeIfExistsWithoutAFixedRunIdIsRejectedSayingWhy() {
    assertThat(error(MINIMAL + "resume_if_exists: true\n"))
        .isEqualTo(
            "run.yaml line 5: resume_if_exists: resuming"
                + " if the run exists (resume_if_exists, train --resume-if-exists) needs a fixed run_id: a generated one is new"
                + " on every start, so there would never be anything to resume. Set run_id in the file or on the command line"
                + " (run_id=my-run)");
    assertThat(error(MINIMAL, "resume_if_exists=true")).contains("needs a fixed run_id");
    assertThat(error(MINIMAL + "run_id: r\nresume_if_exists: yes please\n"))
        .isEqualTo("run.yaml line 6: resume_if_exists: expected true or false, got 'yes please'");
  }

  @Test
  void resumeIfExistsIsRecordedOnlyWhenSetAndWithResumeSetsTheResumeKeysInOrder() {
    assertThat(parse(MINIMAL + "run_id: r\n").resumeIfExists()).isFalse();
    assertThat(parse(MINIMAL + "run_id: r\n").toPlainTree()).doesNotContainKey("resume_if_exists");
    RunConfig config = parse(MINIMAL, "run_id=r", "resume_if_exists=true");
    assertThat(config.resumeIfExists()).isTrue();
    assertThat(config.optResume()).isEmpty();

    RunConfig resumed =
        config.withResume(
            new ResumeConfig(new StageId("r", "train"), CheckpointSelector.parse("latest")));
    assertThat(resumed.optResume().orElseThrow().stage()).isEqualTo(new StageId("r", "train"));
    assertThat(resumed.resumeIfExists()).isTrue();
    assertThat(List.copyOf(resumed.toPlainTree().keySet()))
        .containsExactly(
            "run_id",
            "stage_name",
            "output_dir",
            "seed",
            "device",
            "resume_run_id",
            "resume_stage_name",
            "resume_checkpoint",
            "resume_if_exists",
            "store",
            "dataset",
            "model",
            "optimizer",
            "trainer");
    // What the stage saves reads back as the same resume.
    RunConfig again = parse(resumed.toYaml());
    assertThat(again.optResume()).isEqualTo(resumed.optResume());
    assertThat(again.toPlainTree()).isEqualTo(resumed.toPlainTree());
  }

  @Test
  void accumulateGradBatchesIsOneByDefaultAndMustBePositive() {
    assertThat(parse(MINIMAL).trainer().settings().accumulateGradBatches()).isEqualTo(1);
    assertThat(
            parse(MINIMAL, "trainer.accumulate_grad_batches=4")
                .trainer()
                .settings()
                .accumulateGradBatches())
        .isEqualTo(4);
    assertThat(parse(MINIMAL, "trainer.accumulate_grad_batches=4").trainer().step().settings())
        .doesNotContainKey("accumulate_grad_batches");
    assertThat(error(MINIMAL, "trainer.accumulate_grad_batches=0"))
        .endsWith("trainer.accumulate_grad_batches: must be positive, was 0");
  }

  @Test
  void maxFailedSavesIsThreeByDefaultAndMustBePositive() {
    assertThat(parse(MINIMAL).trainer().maxFailedSaves()).isEqualTo(3);
    assertThat(parse(MINIMAL, "trainer.max_failed_saves=7").trainer().maxFailedSaves())
        .isEqualTo(7);
    assertThat(error(MINIMAL, "trainer.max_failed_saves=0"))
        .endsWith("trainer.max_failed_saves: must be positive, was 0");
  }

  @Test
  void aResumeCheckpointThatSelectsNothingIsRejected() {
    assertThat(error(MINIMAL + "resume_run_id: old\nresume_checkpoint: 'E3 U4'\n"))
        .startsWith(
            "run.yaml line 6: resume_checkpoint: 'E3 U4' selects no checkpoint; use latest, last");
  }

  @Test
  void aRunIdThatCouldEscapeTheOutputDirectoryIsRejected() {
    assertThat(error("run_id: ../other\n" + MINIMAL))
        .isEqualTo(
            "run.yaml line 1: run_id: run id '../other' starts with '.'; it must start with a letter or digit");
  }

  @Test
  void engineThreadsComeFromTheEngineBlockOrTheCommandLineElseFromTheCores() {
    RunConfig plain = parse(MINIMAL);
    assertThat(plain.engine()).isEqualTo(EngineConfig.DEFAULT);
    assertThat(plain.toPlainTree())
        .as("machine-dependent defaults are not written")
        .doesNotContainKey("engine");
    assertThat(plain.engine().threadsOn(16)).isEqualTo(15);
    assertThat(plain.engine().threadsOn(1)).isEqualTo(1);
    assertThat(plain.engine().interopThreadsOn(16)).isEqualTo(1);

    RunConfig written = parse("engine: {threads: 6, interop_threads: 2}\n" + MINIMAL);
    assertThat(written.engine()).isEqualTo(new EngineConfig(6, 2));
    assertThat(written.engine().threadsOn(64)).isEqualTo(6);
    assertThat(List.copyOf(written.toPlainTree().keySet())).containsSequence("device", "engine");
    assertThat(parse(written.toYaml()).engine())
        .as("read back from the resolved file")
        .isEqualTo(new EngineConfig(6, 2));

    assertThat(parse(MINIMAL, "engine.threads=3").engine()).isEqualTo(new EngineConfig(3, null));
    assertThat(parse(MINIMAL, "engine.interop_threads=4").engine())
        .isEqualTo(new EngineConfig(null, 4));
  }

  @Test
  void badEngineSettingsNameTheKeyAndWhatIsValid() {
    assertThat(error(MINIMAL, "engine.threads=0"))
        .endsWith("engine.threads: must be positive, was 0");
    assertThat(error(MINIMAL, "engine.interop_threads=many"))
        .endsWith("engine.interop_threads: expected an integer, got 'many'");
    assertThat(error("engine: {thread: 4}\n" + MINIMAL))
        .contains("unknown key 'engine.thread'. Did you mean 'threads'?")
        .endsWith("Valid keys in engine: threads, interop_threads");
    assertThat(error("engine: 4\n" + MINIMAL)).startsWith("run.yaml line 1: engine");
  }

  @Test
  void anUnknownDeviceListsTheValidForms() {
    assertThat(error("device: tpu\n" + MINIMAL))
        .isEqualTo(
            "run.yaml line 1: device: device 'tpu' is not valid; use auto, cpu, gpu or gpu:N (e.g. gpu:1)");
  }

  @Test
  void aNonPositiveLearningRateIsRejected() {
    assertThat(error(MINIMAL.replace("lr: 0.1", "lr: -0.1")))
        .isEqualTo("run.yaml line 3: optimizer.lr: must be a positive number, was -0.1");
  }

  @Test
  void aBlockThatIsNotAMappingIsRejected() {
    assertThat(
            error(
                MINIMAL.replace(
                    "dataset: {kind: synthetic-regression}", "dataset: synthetic-regression")))
        .isEqualTo(
            "run.yaml line 1: dataset must be a mapping of keys, got 'synthetic-regression'");
  }

  @Test
  void invalidYamlNamesTheFileAndLine() {
    assertThat(error(MINIMAL + "seed: [1, 2\nstage_name: x\n"))
        .isEqualTo(
            "run.yaml line 6: not valid YAML: while parsing a flow sequence; expected ',' or ']', but got :");
  }

  @Test
  void aKeyWrittenTwiceIsRejectedWithBothLines() {
    assertThat(error(MINIMAL + "seed: 1\nseed: 2\n"))
        .isEqualTo("run.yaml line 6: key 'seed' appears twice (lines 5 and 6); keep one");
  }

  @Test
  void aMissingFileIsNamed() {
    Path missing = workingDir.resolve("nope.yaml");

    assertThatThrownBy(() -> new RunConfigLoader().load(missing, List.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage("config file " + missing + " does not exist");
  }

  @Test
  void messagesAboutALoadedFileNameTheFileAsGiven() throws Exception {
    Path file = workingDir.resolve("bad.yaml");
    Files.writeString(file, MINIMAL + "sed: 3\n");

    assertThatThrownBy(() -> new RunConfigLoader().load(file, List.of()))
        .hasMessageStartingWith(file + " line 5: unknown key 'sed'. Did you mean 'seed'?");
  }
}
