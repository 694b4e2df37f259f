package ai.noether.djl.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.noether.api.model.LoadReport;
import ai.noether.api.tensor.DType;
import ai.noether.api.tensor.HostTensor;
import ai.noether.core.format.th.ThFormat;
import ai.noether.core.format.th.ThReader;
import ai.noether.djl.PyTorch;
import ai.noether.djl.model.StandardLayers.Layer;
import ai.noether.djl.tensor.HostTransfer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each of DJL's standard layers against the {@code torch.nn} module it stands for, with real
 * PyTorch: our state dict loads with {@code load_state_dict(strict=True)} into the module and both
 * compute the same outputs (evaluation and training mode) and the same state after a training batch
 * (batch norm statistics and {@code num_batches_tracked}); and PyTorch's state dict loads strictly
 * into the DJL block with the same results.
 */
class TorchLayerEquivalenceTest {
  private static final float TOLERANCE = 2e-5f;

  @TempDir static Path dir;
  private static final Map<String, DjlModel> MODELS = new LinkedHashMap<>();

  @BeforeAll
  static void runBothSides() throws Exception {
    assumeTrue(PyTorch.available(), "/usr/bin/python3 with torch is not installed");
    StringBuilder makers = new StringBuilder("layers = {\n");
    for (Layer layer : StandardLayers.ALL) {
      try (DjlModel model = StandardLayers.build(layer, Device.cpu(), 11)) {
        HostTensor x = input(layer);
        Map<String, Object> tree = new LinkedHashMap<>();
        tree.put("state", new LinkedHashMap<>(model.stateDict()));
        tree.put("x", x);
        ThFormat.write(dir.resolve("java_" + layer.name() + ".th"), tree);
        Map<String, Object> ours = outputs(model, x);
        ThFormat.write(dir.resolve("java_out_" + layer.name() + ".th"), ours);
      }
      makers
          .append("    '")
          .append(layer.name())
          .append("': lambda: ")
          .append(layer.torchModule())
          .append(",\n");
    }
    makers.append("}\n");
    PyTorch.run(
        String.join(
            "\n",
            "import sys, torch, torch.nn as nn",
            "d = sys.argv[1]",
            makers.toString(),
            "def out(m, x):",
            "    y = m(x)",
            "    return (y[0] if isinstance(y, tuple) else y).detach().contiguous()",
            "def outputs(m, x):",
            "    m.eval()",
            "    r = {'y': out(m, x)}",
            "    m.train()",
            "    r['y_train'] = out(m, x)",
            "    r['state_after'] = {k: v.detach().clone() for k, v in m.state_dict().items()}",
            "    return r",
            "torch.manual_seed(0)",
            "for name, make in layers.items():",
            "    j = torch.load(d + '/java_' + name + '.th')",
            "    m = make()",
            "    m.load_state_dict(j['state'], strict=True)",
            "    torch.save(outputs(m, j['x']), d + '/torch_out_' + name + '.th')",
            "    m = make()",
            "    with torch.no_grad():",
            "        for k, v in m.state_dict().items():",
            "            if k.endswith('num_batches_tracked'):",
            "                v.fill_(3)",
            "            elif k.endswith('running_var'):",
            "                v.uniform_(0.5, 1.5)",
            "            else:",
            "                v.uniform_(-0.5, 0.5)",
            "    state = {k: v.detach().clone() for k, v in m.state_dict().items()}",
            "    r = outputs(m, j['x'])",
            "    r['state'] = state",
            "    torch.save(r, d + '/torch_' + name + '.th')",
            ""),
        dir);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "linear",
        "conv1d",
        "conv2d",
        "lstm",
        "gru",
        "batchnorm",
        "layernorm",
        "embedding"
      })
  void ourStateDictLoadsIntoTheTorchModuleAndComputesTheSame(String name) throws Exception {
    Map<String, Object> ours = ThReader.read(dir.resolve("java_out_" + name + ".th"));
    Map<String, Object> theirs = ThReader.read(dir.resolve("torch_out_" + name + ".th"));
    assertClose(
        name + " evaluation output", (HostTensor) theirs.get("y"), (HostTensor) ours.get("y"));
    assertClose(
        name + " training output",
        (HostTensor) theirs.get("y_train"),
        (HostTensor) ours.get("y_train"));
    assertSameState(name, map(theirs.get("state_after")), map(ours.get("state_after")));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "linear",
        "conv1d",
        "conv2d",
        "lstm",
        "gru",
        "batchnorm",
        "layernorm",
        "embedding"
      })
  void theTorchStateDictLoadsStrictlyIntoTheDjlBlockAndComputesTheSame(String name)
      throws Exception {
    Layer layer =
        StandardLayers.ALL.stream().filter(l -> l.name().equals(name)).findFirst().orElseThrow();
    Map<String, Object> theirs = ThReader.read(dir.resolve("torch_" + name + ".th"));
    Map<String, HostTensor> x =
        Map.of("x", (HostTensor) ThReader.read(dir.resolve("java_" + name + ".th")).get("x"));
    try (DjlModel model = StandardLayers.build(layer, Device.cpu(), 99)) {
      LoadReport report = model.load(map(theirs.get("state")), true);
      assertThat(report.isExact()).isTrue();
      assertThat(model.stateDict().keySet())
          .containsExactlyElementsOf(map(theirs.get("state")).keySet());
      Map<String, Object> ours = outputs(model, x.get("x"));
      assertClose(
          name + " evaluation output", (HostTensor) theirs.get("y"), (HostTensor) ours.get("y"));
      assertClose(
          name + " training output",
          (HostTensor) theirs.get("y_train"),
          (HostTensor) ours.get("y_train"));
      assertSameState(name, map(theirs.get("state_after")), map(ours.get("state_after")));
    }
  }

  /** Evaluation output, then training output and the state after that training batch. */
  private static Map<String, Object> outputs(DjlModel model, HostTensor x) {
    Map<String, Object> out = new LinkedHashMap<>();
    NDArray input = HostTransfer.toNDArray(x, model.manager());
    out.put("y", HostTransfer.toHost(model.forward(new NDList(input), false).head()));
    out.put("y_train", HostTransfer.toHost(model.forward(new NDList(input), true).head()));
    out.put("state_after", new LinkedHashMap<>(model.stateDict()));
    input.close();
    return out;
  }

  private static HostTensor input(Layer layer) {
    SplittableRandom random = new SplittableRandom(layer.name().hashCode());
    long n = 1;
    for (long d : layer.inputShape()) {
      n *= d;
    }
    if (layer.inputType() == DType.INT64) {
      return HostTensor.ofLongs(layer.inputShape(), random.longs(n, 0, 10).toArray());
    }
    float[] values = new float[(int) n];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) random.nextGaussian();
    }
    return HostTensor.ofFloats(layer.inputShape(), values);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, HostTensor> map(Object value) {
    return ((Map<String, Object>) value)
        .entrySet().stream()
            .collect(
                Collectors.toMap(
                    Map.Entry::getKey,
                    e -> (HostTensor) e.getValue(),
                    (a, b) -> a,
                    LinkedHashMap::new));
  }

  private static void assertSameState(
      String name, Map<String, HostTensor> expected, Map<String, HostTensor> actual) {
    assertThat(actual.keySet())
        .as(name + " state keys")
        .containsExactlyElementsOf(expected.keySet());
    expected.forEach((key, t) -> assertClose(name + " " + key, t, actual.get(key)));
  }

  private static void assertClose(String what, HostTensor expected, HostTensor actual) {
    assertThat(actual.dtype()).as(what + " dtype").isEqualTo(expected.dtype());
    assertThat(actual.shape()).as(what + " shape").containsExactly(expected.shape());
    if (expected.dtype() == DType.INT64) {
      assertThat(actual.toLongArray()).as(what).containsExactly(expected.toLongArray());
      return;
    }
    float[] e = expected.toFloatArray();
    float[] a = actual.toFloatArray();
    float max = 0;
    for (int i = 0; i < e.length; i++) {
      max = Math.max(max, Math.abs(e[i] - a[i]));
    }
    assertThat(max).as(what + ": largest difference").isLessThanOrEqualTo(TOLERANCE);
  }
}
