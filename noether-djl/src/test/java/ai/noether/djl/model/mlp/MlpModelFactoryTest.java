package ai.noether.djl.model.mlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.noether.api.model.LoadReport;
import ai.noether.api.spi.ModelFactory;
import ai.noether.api.tensor.DType;
import ai.noether.api.tensor.HostTensor;
import ai.noether.core.training.Seeds;
import ai.noether.djl.ChildJvm;
import ai.noether.djl.PyTorch;
import ai.noether.djl.model.DjlModel;
import ai.noether.djl.model.StateDigest;
import ai.noether.djl.tensor.HostTransfer;
import ai.noether.testkit.TestComponentContext;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MlpModelFactoryTest {

  @Test
  void parameterPathsAreThoseOfPyTorchsSequentialWithoutDropout() {
    try (DjlModel model = build(new MlpConfig(4, List.of(8, 6), 2, "relu", 0.0), 1)) {
      assertThat(model.parameters().keySet())
          .containsExactly(
              "layers.0.weight",
              "layers.0.bias",
              "layers.2.weight",
              "layers.2.bias",
              "layers.4.weight",
              "layers.4.bias");
      assertThat(model.parameters().get("layers.0.weight").shape()).containsExactly(8, 4);
      assertThat(model.parameters().get("layers.2.weight").shape()).containsExactly(6, 8);
      assertThat(model.parameters().get("layers.4.bias").shape()).containsExactly(2);
    }
  }

  @Test
  void dropoutModulesTakeTheirPlaceInTheNumbering() {
    try (DjlModel model = build(new MlpConfig(4, List.of(8, 6), 2, "gelu", 0.3), 1)) {
      assertThat(model.parameters().keySet())
          .containsExactly(
              "layers.0.weight",
              "layers.0.bias",
              "layers.3.weight",
              "layers.3.bias",
              "layers.6.weight",
              "layers.6.bias");
    }
  }

  @Test
  void withoutHiddenLayersTheModelIsOneLinearLayer() {
    try (DjlModel model = build(MlpConfig.of(5, List.of(), 1), 1)) {
      assertThat(model.parameters().keySet()).containsExactly("layers.0.weight", "layers.0.bias");
    }
  }

  @Test
  void initialValuesLieInPyTorchsDefaultLinearRange() {
    try (DjlModel model = build(MlpConfig.of(16, List.of(4), 1), 3)) {
      float bound0 = (float) (1 / Math.sqrt(16));
      float bound2 = (float) (1 / Math.sqrt(4));
      assertThat(maxAbs(model.stateDict().get("layers.0.weight")))
          .isLessThanOrEqualTo(bound0)
          .isGreaterThan(bound0 / 2);
      assertThat(maxAbs(model.stateDict().get("layers.0.bias"))).isLessThanOrEqualTo(bound0);
      assertThat(maxAbs(model.stateDict().get("layers.2.weight")))
          .isLessThanOrEqualTo(bound2)
          .isGreaterThan(bound0);
      assertThat(model.stateDict().get("layers.0.weight").toFloatArray()).doesNotContain(0f);
    }
  }

  @Test
  void theSameSeedGivesBitIdenticalWeightsAndAnotherSeedDifferentOnes() {
    MlpConfig config = new MlpConfig(6, List.of(16, 8), 3, "tanh", 0.2);
    try (DjlModel a = build(config, 42);
        DjlModel b = build(config, 42);
        DjlModel c = build(config, 43)) {
      assertThat(StateDigest.of(a.stateDict())).isEqualTo(StateDigest.of(b.stateDict()));
      assertThat(StateDigest.of(a.stateDict())).isNotEqualTo(StateDigest.of(c.stateDict()));
    }
  }

  @Test
  void theSameSeedGivesBitIdenticalWeightsInAnotherProcess() throws Exception {
    long initSeed = Seeds.forInitialization(2024, 0);
    String child = ChildJvm.run(InitialWeightsMain.class, Long.toString(initSeed));
    try (DjlModel here = build(new MlpConfig(6, List.of(16, 8), 3, "tanh", 0.2), initSeed)) {
      assertThat(child.strip()).isEqualTo("digest=" + StateDigest.of(here.stateDict()));
    }
  }

  @Test
  void theFactoryDrawsTheWeightsFromTheRunSeed() {
    MlpConfig config = MlpConfig.of(3, List.of(5), 2);
    try (DjlModel fromFactory =
            new MlpModelFactory().create("net", config, TestComponentContext.withSeed(7));
        DjlModel direct = build(config, Seeds.forInitialization(7, 0))) {
      assertThat(fromFactory.name()).isEqualTo("net");
      assertThat(StateDigest.of(fromFactory.stateDict()))
          .isEqualTo(StateDigest.of(direct.stateDict()));
    }
  }

  @Test
  void theConfigDescribesTheArchitectureAsPlainValues() {
    try (DjlModel model = build(new MlpConfig(4, List.of(8, 6), 2, "TANH", 0.25), 1)) {
      Map<String, Object> expected = new LinkedHashMap<>();
      expected.put("kind", "mlp");
      expected.put("input_size", 4L);
      expected.put("hidden_sizes", List.of(8L, 6L));
      expected.put("output_size", 2L);
      expected.put("activation", "tanh");
      expected.put("dropout", 0.25);
      assertThat(model.config()).containsExactlyEntriesOf(expected);
    }
  }

  @Test
  void invalidSettingsAreRejectedNamingTheKey() {
    assertThatThrownBy(() -> new MlpConfig(null, List.of(), 1, null, null))
        .hasMessage("mlp input_size must be a positive integer, was null");
    assertThatThrownBy(() -> new MlpConfig(3, List.of(4, 0), 1, null, null))
        .hasMessage("mlp hidden_sizes[1] must be a positive integer, was 0");
    assertThatThrownBy(() -> new MlpConfig(3, List.of(), 1, null, 1.0))
        .hasMessage("mlp dropout must be in [0, 1), was 1.0");
    assertThatThrownBy(() -> new MlpConfig(3, List.of(), 1, "swish", null))
        .hasMessage("mlp activation 'swish' is not known; valid: relu, tanh, gelu");
  }

  @Test
  void theServiceLoaderFindsTheMlpKind() {
    @SuppressWarnings("rawtypes")
    List<String> kinds =
        ServiceLoader.load(ModelFactory.class).stream().map(p -> p.get().kind()).toList();
    assertThat(kinds).contains("mlp");
  }

  @Test
  void aPyTorchStateDictOfTheSameMlpLoadsStrictlyAndComputesTheSameOutputs(@TempDir Path dir)
      throws Exception {
    assumeTrue(PyTorch.available(), "/usr/bin/python3 with torch is not installed");
    PyTorch.run(
        String.join(
            "\n",
            "import sys, torch, torch.nn as nn",
            "d = sys.argv[1]",
            "torch.manual_seed(0)",
            "class Net(nn.Module):",
            "    def __init__(self):",
            "        super().__init__()",
            "        self.layers = nn.Sequential(nn.Linear(4, 8), nn.GELU(), nn.Dropout(0.1), nn.Linear(8, 5), nn.GELU(),",
            "                                    nn.Dropout(0.1), nn.Linear(5, 3))",
            "    def forward(self, x):",
            "        return self.layers(x)",
            "net = Net().eval()",
            "x = torch.randn(7, 4)",
            "with torch.no_grad():",
            "    y = net(x)",
            "with open(d + '/keys.txt', 'w') as f:",
            "    for k, v in net.state_dict().items():",
            "        f.write(k + ' ' + ','.join(str(s) for s in v.shape) + '\\n')",
            "        v.numpy().astype('<f4').tofile(d + '/' + k)",
            "x.numpy().astype('<f4').tofile(d + '/x')",
            "y.numpy().astype('<f4').tofile(d + '/y')",
            ""),
        dir);
    Map<String, HostTensor> stateDict = new LinkedHashMap<>();
    for (String line : Files.readAllLines(dir.resolve("keys.txt"))) {
      String[] parts = line.split(" ");
      long[] shape =
          java.util.Arrays.stream(parts[1].split(",")).mapToLong(Long::parseLong).toArray();
      stateDict.put(parts[0], HostTensor.wrap(DType.FLOAT32, shape, read(dir.resolve(parts[0]))));
    }
    try (DjlModel model = build(new MlpConfig(4, List.of(8, 5), 3, "gelu", 0.1), 1)) {
      LoadReport report = model.load(stateDict, true);
      assertThat(report.isExact()).isTrue();
      NDArray x =
          HostTransfer.toNDArray(
              HostTensor.wrap(DType.FLOAT32, new long[] {7, 4}, read(dir.resolve("x"))),
              model.manager());
      float[] ours = model.forward(new NDList(x), false).singletonOrThrow().toFloatArray();
      float[] theirs =
          HostTensor.wrap(DType.FLOAT32, new long[] {7, 3}, read(dir.resolve("y"))).toFloatArray();
      assertThat(ours).hasSize(theirs.length);
      for (int i = 0; i < ours.length; i++) {
        assertThat(ours[i])
            .as("output %d", i)
            .isCloseTo(theirs[i], org.assertj.core.data.Offset.offset(1e-5f));
      }
    }
  }

  private static float maxAbs(HostTensor t) {
    float max = 0;
    for (float v : t.toFloatArray()) {
      max = Math.max(max, Math.abs(v));
    }
    return max;
  }

  private static ByteBuffer read(Path file) throws java.io.IOException {
    byte[] bytes = Files.readAllBytes(file);
    return ByteBuffer.allocateDirect(bytes.length).order(ByteOrder.LITTLE_ENDIAN).put(bytes).flip();
  }

  private static DjlModel build(MlpConfig config, long initSeed) {
    return MlpModelFactory.build("net", config, Device.cpu(), initSeed);
  }
}
