package ai.noether.examples.models;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.noether.api.model.Model;
import ai.noether.core.config.RunConfig;
import ai.noether.core.config.RunConfigLoader;
import ai.noether.core.registry.ComponentCategory;
import ai.noether.core.registry.ComponentRegistry;
import ai.noether.core.registry.RunContext;
import ai.noether.djl.model.DjlModel;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The user's own block of docs/models.md, built from YAML through the registry as a run builds it.
 */
class TurbofanNetTest {
  @TempDir Path dir;

  @Test
  void theBlockKindBuildsItWithPyTorchNamesAndNamedHeads() {
    String yaml =
        String.join(
            "\n",
            "run_id: turbofan",
            "seed: 3",
            "device: cpu",
            "dataset: {kind: unused}",
            "model:",
            "  name: turbofan",
            "  kind: block",
            "  block_class: ai.noether.examples.models.TurbofanNet",
            "  arguments: [8, 16, 3]",
            "  input_shapes: [[30, 14]]",
            "optimizer: {kind: adamw, lr: 0.001}",
            "trainer: {max_epochs: 1, batch_size: 4}",
            "");
    RunConfig config =
        new RunConfigLoader(dir, () -> "turbofan").parse(yaml, "run.yaml", List.of());
    ComponentRegistry registry = ComponentRegistry.load();
    try (Model model =
        registry.create(
            ComponentCategory.MODEL,
            config.model().block(),
            "turbofan",
            RunContext.forRun(config))) {
      assertThat(model.stateDict().keySet())
          .startsWith(
              "features.0.weight",
              "features.0.bias",
              "features.1.weight",
              "features.1.bias",
              "features.1.running_mean",
              "features.1.running_var",
              "features.1.num_batches_tracked",
              "lstm.weight_ih_l0",
              "lstm.weight_hh_l0",
              "lstm.bias_ih_l0",
              "lstm.bias_hh_l0",
              "rul_head.0.weight")
          .endsWith("health_head.2.weight", "health_head.2.bias");
      DjlModel djl = (DjlModel) model;
      NDList out = djl.forward(new NDList(djl.manager().ones(new Shape(5, 30, 14))), false);
      assertThat(out.get(0).getName()).isEqualTo("rul");
      assertThat(out.get(1).getName()).isEqualTo("health");
      assertThat(out.get(1).getShape().getShape()).containsExactly(5, 3);
      out.close();
    }
  }
}
