package ai.noether.djl.optim;

import static ai.noether.djl.optim.TorchOptimCases.create;
import static ai.noether.djl.optim.TorchOptimCases.join;
import static ai.noether.djl.optim.TorchOptimCases.lr;
import static ai.noether.djl.optim.TorchOptimCases.weightGradient;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.noether.api.optim.Optimizer;
import ai.noether.djl.PyTorch;
import ai.noether.djl.model.DjlModel;
import ai.noether.djl.model.mlp.MlpConfig;
import ai.noether.djl.model.mlp.MlpModelFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Ten updates with changing gradients and learning rates, against {@code torch.optim} itself. */
class OptimizersAgainstPyTorchTest {
  private static final String W = "layers.0.weight";
  private static final int STEPS = 10;

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "adamw | torch.optim.AdamW([p], lr=0.1, betas=(0.8, 0.95), eps=1e-3, weight_decay=0.1)",
        "adam  | torch.optim.Adam([p], lr=0.1, betas=(0.8, 0.95), eps=1e-3, weight_decay=0.1)",
        "sgd   | torch.optim.SGD([p], lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.05)",
        "sgd-dampened | torch.optim.SGD([p], lr=0.1, momentum=0.5, dampening=0.2, weight_decay=0.05)"
      })
  void tenUpdatesMatchTorchOptim(String kind, String torchOptimizer, @TempDir Path dir)
      throws Exception {
    assumeTrue(PyTorch.available(), "/usr/bin/python3 with torch is not installed");
    try (DjlModel model =
        MlpModelFactory.build("net", MlpConfig.of(4, List.of(), 1), Device.cpu(), 5)) {
      float[] initial = model.stateDict().get(W).toFloatArray();
      Optimizer ours = create(kind).apply(model);
      for (int s = 0; s < STEPS; s++) {
        TestGradients.set(model, Map.of(W, weightGradient(s)));
        ours.step(lr(s));
      }
      float[] theirs = torchResult(torchOptimizer, initial, dir);
      float[] actual = model.stateDict().get(W).toFloatArray();
      for (int i = 0; i < actual.length; i++) {
        assertThat(actual[i])
            .as("weight %d", i)
            .isCloseTo(theirs[i], within(2e-6f * Math.max(1, Math.abs(theirs[i]))));
      }
    }
  }

  private static float[] torchResult(String torchOptimizer, float[] initial, Path dir)
      throws Exception {
    StringBuilder script = new StringBuilder();
    script.append("import torch\n");
    script
        .append("p = torch.nn.Parameter(torch.tensor([[")
        .append(join(initial))
        .append("]], dtype=torch.float32))\n");
    script.append("opt = ").append(torchOptimizer).append('\n');
    for (int s = 0; s < STEPS; s++) {
      script
          .append("p.grad = torch.tensor([[")
          .append(join(weightGradient(s)))
          .append("]], dtype=torch.float32)\n");
      script.append("for g in opt.param_groups:\n    g['lr'] = ").append(lr(s)).append('\n');
      script.append("opt.step()\n");
    }
    script.append("print(' '.join(repr(float(x)) for x in p.detach().flatten()))\n");
    String out = PyTorch.run(script.toString(), dir).strip();
    String last = out.lines().reduce((a, b) -> b).orElseThrow();
    String[] parts = last.split(" ");
    float[] values = new float[parts.length];
    for (int i = 0; i < parts.length; i++) {
      values[i] = Float.parseFloat(parts[i]);
    }
    return values;
  }
}
