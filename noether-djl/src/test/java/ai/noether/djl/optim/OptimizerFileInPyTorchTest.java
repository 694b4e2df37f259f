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
import ai.noether.api.tensor.HostTensor;
import ai.noether.core.checkpoint.CheckpointLayout;
import ai.noether.core.checkpoint.TorchOptimizerStateDict;
import ai.noether.core.format.th.ThFormat;
import ai.noether.core.format.th.ThReader;
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

/**
 * Our optimizer file in PyTorch's layout is what {@code torch.optim}'s {@code load_state_dict}
 * expects, for every kind: five updates in Java, the state written as a checkpoint writes it, then
 * five more updates in Java and, from the file, in {@code torch.optim} itself. Weights and state
 * agree, and torch's own state dict (with {@code param_idx_to_name} added, as Noether (Python)
 * does) reads back into ours and loads.
 */
class OptimizerFileInPyTorchTest {
  private static final String W = "layers.0.weight";
  private static final String B = "layers.0.bias";

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "adamw | torch.optim.AdamW(params, lr=0.1, betas=(0.8, 0.95), eps=1e-3, weight_decay=0.1)",
        "adam  | torch.optim.Adam(params, lr=0.1, betas=(0.8, 0.95), eps=1e-3, weight_decay=0.1)",
        "sgd   | torch.optim.SGD(params, lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.05)"
      })
  void ourOptimizerFileContinuesInTorchOptimAndTorchsStateComesBack(
      String kind, String torchOptimizer, @TempDir Path dir) throws Exception {
    assumeTrue(PyTorch.available(), "/usr/bin/python3 with torch is not installed");
    try (DjlModel model =
        MlpModelFactory.build("net", MlpConfig.of(4, List.of(), 1), Device.cpu(), 5)) {
      Optimizer ours = create(kind).apply(model);
      for (int s = 0; s < 5; s++) {
        step(model, ours, s);
      }
      ThFormat.write(dir.resolve("weights.th"), model.stateDict());
      ThFormat.write(
          dir.resolve("optim.th"), TorchOptimizerStateDict.fromNoether(ours.state(), 1.0));
      for (int s = 5; s < 10; s++) {
        step(model, ours, s);
      }

      PyTorch.run(script(torchOptimizer), dir);

      Map<String, Object> torchWeights = ThReader.read(dir.resolve("torch_weights.th"));
      for (String p : List.of(W, B)) {
        assertClose(model.stateDict().get(p), (HostTensor) torchWeights.get(p), p);
      }
      Map<String, Object> torchState =
          CheckpointLayout.optimizerState(
              ThReader.read(dir.resolve("torch_optim.th")), "torch_optim.th");
      Map<?, ?> mine = (Map<?, ?>) ours.state().get("state");
      Map<?, ?> theirs = (Map<?, ?>) torchState.get("state");
      assertThat(theirs.keySet()).isEqualTo(mine.keySet());
      for (Object path : mine.keySet()) {
        Map<?, ?> a = (Map<?, ?>) mine.get(path);
        Map<?, ?> b = (Map<?, ?>) theirs.get(path);
        assertThat(b.keySet()).as("%s", path).isEqualTo(a.keySet());
        for (Object key : a.keySet()) {
          if (a.get(key) instanceof HostTensor t) {
            assertClose(t, (HostTensor) b.get(key), path + "." + key);
          } else {
            assertThat(b.get(key)).as(path + "." + key).isEqualTo(a.get(key));
          }
        }
      }
      create(kind).apply(model).loadState(torchState);
    }
  }

  private static void step(DjlModel model, Optimizer optimizer, int s) {
    TestGradients.set(model, Map.of(W, weightGradient(s), B, new float[] {0.3f - 0.1f * s}));
    optimizer.step(lr(s));
  }

  private static String script(String torchOptimizer) {
    StringBuilder py = new StringBuilder();
    py.append("import sys, torch\n");
    py.append("d = sys.argv[1]\n");
    py.append("w = torch.load(d + '/weights.th')\n");
    py.append("named = {n: torch.nn.Parameter(t.clone()) for n, t in w.items()}\n");
    py.append("sd = torch.load(d + '/optim.th')\n");
    py.append("names = sd['param_idx_to_name']\n");
    py.append("params = [named[names[i]] for i in range(len(names))]\n");
    py.append("opt = ").append(torchOptimizer).append('\n');
    py.append("opt.load_state_dict(sd)\n");
    for (int s = 5; s < 10; s++) {
      py.append("named['")
          .append(W)
          .append("'].grad = torch.tensor([[")
          .append(join(weightGradient(s)))
          .append("]])\n");
      py.append("named['")
          .append(B)
          .append("'].grad = torch.tensor([")
          .append(0.3f - 0.1f * s)
          .append("], dtype=torch.float32)\n");
      py.append("for g in opt.param_groups:\n    g['lr'] = ").append(lr(s)).append('\n');
      py.append("opt.step()\n");
    }
    py.append("torch.save({n: p.detach() for n, p in named.items()}, d + '/torch_weights.th')\n");
    py.append("out = opt.state_dict()\n");
    py.append("out['param_idx_to_name'] = names\n");
    py.append("torch.save(out, d + '/torch_optim.th')\n");
    return py.toString();
  }

  private static void assertClose(HostTensor actual, HostTensor expected, String what) {
    float[] a = actual.toFloatArray();
    float[] e = expected.toFloatArray();
    assertThat(a).as(what).hasSameSizeAs(e);
    for (int i = 0; i < a.length; i++) {
      assertThat(a[i])
          .as("%s[%d]", what, i)
          .isCloseTo(e[i], within(2e-6f * Math.max(1, Math.abs(e[i]))));
    }
  }
}
