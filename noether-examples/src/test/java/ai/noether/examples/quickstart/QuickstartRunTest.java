package ai.noether.examples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.noether.api.ConfigException;
import ai.noether.api.checkpoint.CheckpointSelector;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.data.TensorDataset;
import ai.noether.api.model.Model;
import ai.noether.api.tensor.HostTensor;
import ai.noether.core.config.RunConfig;
import ai.noether.core.config.RunConfigLoader;
import ai.noether.core.registry.ComponentCategory;
import ai.noether.core.registry.ComponentRegistry;
import ai.noether.core.resume.CheckpointReader;
import ai.noether.core.resume.CheckpointResolver;
import ai.noether.core.run.StageAssembly;
import ai.noether.core.training.StopRequest;
import ai.noether.core.training.TrainingResult;
import ai.noether.djl.model.DjlModel;
import ai.noether.djl.tensor.HostTransfer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The quickstart configuration trained for a few epochs through the real run assembly. */
class QuickstartRunTest {
  static final Path QUICKSTART = Path.of("configs/quickstart.yaml");
  static final ComponentRegistry REGISTRY = ComponentRegistry.load();

  @TempDir Path dir;

  private RunConfig config(String... overrides) {
    List<String> all =
        new java.util.ArrayList<>(
            List.of(
                "output_dir=" + dir,
                "run_id=quick",
                "trainer.max_epochs=4",
                "trainer.callbacks[0].every_n_epochs=1"));
    all.addAll(List.of(overrides));
    RunConfig config = new RunConfigLoader().load(QUICKSTART, all);
    REGISTRY.validate(config);
    return config;
  }

  @Test
  void writesCheckpointsWithNoethersNamesAndTheLatestModelPredictsLikeTheTrainedOne()
      throws Exception {
    RunConfig config = config();
    float[] trained;
    try (StageAssembly stage = StageAssembly.assemble(config, REGISTRY, new StopRequest())) {
      TrainingResult result = stage.trainer().run();
      assertThat(result.iteration().toString()).isEqualTo("E4_U256_S8192");
      assertThat(result.metrics().get("loss/valid/total")).isLessThan(0.1);
      trained = predict(stage.model(), validation(config));
    }

    try (Stream<Path> files = Files.list(config.layout().checkpointDir())) {
      assertThat(files.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")))
          .contains(
              "mlp_cp=E2_U128_S4096_model.th",
              "mlp_cp=E3_U192_S6144_optim.th",
              "mlp_cp=E4_U256_S8192_trainer.th",
              "mlp_cp=latest_model.th",
              "mlp_cp=last_model.th",
              "mlp_ema=0.999_cp=latest_model.th",
              "mlp_cp=best.loss~valid~total_model.th")
          .doesNotContain("mlp_cp=E1_U64_S2048_model.th");
    }
    try (StageAssembly fresh =
        StageAssembly.assemble(config("run_id=fresh"), REGISTRY, new StopRequest())) {
      StoredCheckpoint latest =
          CheckpointResolver.of(fresh.store())
              .resolve(config.stage(), CheckpointSelector.parse("latest"));
      fresh.model().load(CheckpointReader.modelWeights(fresh.store(), latest, "mlp", null), true);
      assertThat(predict(fresh.model(), validation(config))).containsExactly(trained);
    }
  }

  @Test
  void everyModelFileCarriesTheScalerParameters() throws Exception {
    RunConfig config = config("trainer.max_epochs=1");
    try (StageAssembly stage = StageAssembly.assemble(config, REGISTRY, new StopRequest())) {
      stage.trainer().run();
    }
    var model =
        ai.noether.core.format.th.ThReader.read(
            config.layout().checkpointDir().resolve("mlp_cp=last_model.th"));
    @SuppressWarnings("unchecked")
    var extras = (java.util.Map<String, Object>) model.get("extras");
    assertThat(((HostTensor) extras.get("feature_mean")).shape()).containsExactly(8);
    assertThat(((HostTensor) extras.get("feature_std")).toFloatArray())
        .hasSize(8)
        .doesNotContain(0f);
  }

  @Test
  void aFreshStartIntoAStageWithCheckpointsIsRefused() throws Exception {
    RunConfig config = config("trainer.max_epochs=1");
    try (StageAssembly stage = StageAssembly.assemble(config, REGISTRY, new StopRequest())) {
      stage.trainer().run();
    }

    assertThatThrownBy(() -> StageAssembly.assemble(config, REGISTRY, new StopRequest()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("stage quick/train already has ")
        .hasMessageContaining("(newest: latest @ E1_U64_S2048)")
        .hasMessageContaining("Continue it with 'noether resume quick --stage train'");
  }

  @Test
  void resumingInPlaceFromAnOlderCheckpointMovesLatestThereBeforeTraining() throws Exception {
    RunConfig config = config();
    try (StageAssembly stage = StageAssembly.assemble(config, REGISTRY, new StopRequest())) {
      stage.trainer().run();
    }

    RunConfig resume =
        config("resume_run_id=quick", "resume_stage_name=train", "resume_checkpoint=E2");
    try (StageAssembly stage = StageAssembly.assemble(resume, REGISTRY, new StopRequest())) {
      StoredCheckpoint latest =
          CheckpointResolver.of(stage.store())
              .resolve(config.stage(), CheckpointSelector.parse("latest"));
      assertThat(latest.iteration().toString())
          .as("a crash now resumes from here, not from E4")
          .isEqualTo("E2_U128_S4096");
      assertThat(
              CheckpointResolver.of(stage.store())
                  .resolve(config.stage(), CheckpointSelector.parse("last"))
                  .iteration()
                  .toString())
          .isEqualTo("E4_U256_S8192");
    }
  }

  private static TensorDataset validation(RunConfig config) {
    return (TensorDataset)
        REGISTRY
            .create(
                ComponentCategory.DATASET,
                config.dataset(),
                config.seed(),
                ai.noether.core.registry.RunContext.forRun(config))
            .validation()
            .orElseThrow();
  }

  private static float[] predict(Model model, TensorDataset data) {
    DjlModel djl = (DjlModel) model;
    try (var manager = djl.manager().newSubManager()) {
      NDArray x = HostTransfer.toNDArray(data.features(), manager);
      NDList out = djl.forward(new NDList(x), false);
      return out.singletonOrThrow().toFloatArray();
    }
  }
}
