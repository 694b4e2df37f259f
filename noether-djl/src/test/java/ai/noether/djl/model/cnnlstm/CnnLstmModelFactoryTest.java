package ai.noether.djl.model.cnnlstm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.noether.api.check.ConfigProblems;
import ai.noether.api.check.RunPlan;
import ai.noether.api.check.SampleShape;
import ai.noether.api.model.LoadReport;
import ai.noether.api.spi.ModelFactory;
import ai.noether.api.tensor.DType;
import ai.noether.api.tensor.HostTensor;
import ai.noether.core.config.ComponentBlock;
import ai.noether.core.config.ConfigBinder;
import ai.noether.core.format.th.ThFormat;
import ai.noether.core.format.th.ThReader;
import ai.noether.core.training.Seeds;
import ai.noether.djl.PyTorch;
import ai.noether.djl.model.DjlModel;
import ai.noether.djl.model.StateDigest;
import ai.noether.djl.tensor.HostTransfer;
import ai.noether.testkit.TestComponentContext;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CnnLstmModelFactoryTest {
  /**
   * A seed-002-like model: two convolutions with batch norm and dropout, two LSTM layers, two
   * heads.
   */
  static final String YAML =
      String.join(
          "\n",
          "input_shape: [12, 5]",
          "conv:",
          "  channels: [8, 6]",
          "  kernel_sizes: [5, 3]",
          "  dropout: 0.1",
          "lstm: {hidden_size: 7, num_layers: 2, dropout: 0.1}",
          "heads:",
          "  rul: {hidden_sizes: [4], output_size: 1}",
          "  health: {hidden_sizes: [4], output_size: 3, dropout: 0.1}",
          "");

  static CnnLstmConfig config(String yaml) throws Exception {
    @SuppressWarnings("unchecked")
    Map<String, Object> settings = new YAMLMapper().readValue(yaml, Map.class);
    return ConfigBinder.bind(
        ComponentBlock.of("model", CnnLstmModelFactory.KIND, settings),
        CnnLstmConfig.class,
        "model");
  }

  @Test
  void parameterPathsAreThoseOfTheEquivalentPyTorchModule() throws Exception {
    try (DjlModel model = CnnLstmModelFactory.build("net", config(YAML), Device.cpu(), 1)) {
      assertThat(model.stateDict().keySet())
          .containsExactly(
              "conv.0.weight",
              "conv.0.bias",
              "conv.1.weight",
              "conv.1.bias",
              "conv.1.running_mean",
              "conv.1.running_var",
              "conv.1.num_batches_tracked",
              "conv.4.weight",
              "conv.4.bias",
              "conv.5.weight",
              "conv.5.bias",
              "conv.5.running_mean",
              "conv.5.running_var",
              "conv.5.num_batches_tracked",
              "lstm.weight_ih_l0",
              "lstm.weight_hh_l0",
              "lstm.bias_ih_l0",
              "lstm.bias_hh_l0",
              "lstm.weight_ih_l1",
              "lstm.weight_hh_l1",
              "lstm.bias_ih_l1",
              "lstm.bias_hh_l1",
              "heads.rul.0.weight",
              "heads.rul.0.bias",
              "heads.rul.2.weight",
              "heads.rul.2.bias",
              "heads.health.0.weight",
              "heads.health.0.bias",
              "heads.health.3.weight",
              "heads.health.3.bias");
      assertThat(model.trainableParameters())
          .doesNotContainKeys("conv.1.running_mean", "conv.1.num_batches_tracked");
      assertThat(model.stateDict().get("conv.0.weight").shape()).containsExactly(8, 5, 5);
      assertThat(model.stateDict().get("lstm.weight_ih_l0").shape()).containsExactly(28, 6);
      assertThat(model.stateDict().get("conv.1.num_batches_tracked").dtype())
          .isEqualTo(DType.INT64);
    }
  }

  @Test
  void eachHeadsOutputIsNamedAfterItsHead() throws Exception {
    try (DjlModel model = CnnLstmModelFactory.build("net", config(YAML), Device.cpu(), 1)) {
      NDList out =
          model.forward(
              new NDList(model.manager().randomNormal(new ai.djl.ndarray.types.Shape(4, 12, 5))),
              false);
      assertThat(out).hasSize(2);
      assertThat(out.get(0).getName()).isEqualTo("rul");
      assertThat(out.get(0).getShape().getShape()).containsExactly(4, 1);
      assertThat(out.get(1).getName()).isEqualTo("health");
      assertThat(out.get(1).getShape().getShape()).containsExactly(4, 3);
      out.close();
      // Evaluation passes are not training batches: PyTorch counts only the latter.
      assertThat(model.stateDict().get("conv.1.num_batches_tracked").toLongArray())
          .containsExactly(0);
    }
  }

  @Test
  void theSameSeedGivesBitIdenticalWeightsAndTheFactoryUsesTheRunSeed() throws Exception {
    CnnLstmConfig config = config(YAML);
    try (DjlModel a =
            new CnnLstmModelFactory().create("net", config, TestComponentContext.withSeed(7));
        DjlModel b =
            CnnLstmModelFactory.build("net", config, Device.cpu(), Seeds.forInitialization(7, 0));
        DjlModel c =
            CnnLstmModelFactory.build("net", config, Device.cpu(), Seeds.forInitialization(8, 0))) {
      assertThat(StateDigest.of(a.stateDict())).isEqualTo(StateDigest.of(b.stateDict()));
      assertThat(StateDigest.of(a.stateDict())).isNotEqualTo(StateDigest.of(c.stateDict()));
      float bound = (float) (1 / Math.sqrt(7));
      for (float v : a.stateDict().get("lstm.weight_hh_l1").toFloatArray()) {
        assertThat(Math.abs(v)).isLessThanOrEqualTo(bound);
      }
    }
  }

  @Test
  void batchNormStatisticsAndCountsAreStateThatAResumeRestoresBitForBit() throws Exception {
    CnnLstmConfig config = config(YAML);
    try (DjlModel original = CnnLstmModelFactory.build("net", config, Device.cpu(), 1);
        DjlModel resumed = CnnLstmModelFactory.build("net", config, Device.cpu(), 2)) {
      NDArray x = original.manager().randomNormal(new ai.djl.ndarray.types.Shape(4, 12, 5));
      for (int i = 0; i < 3; i++) {
        Engine.getInstance().setRandomSeed(i);
        original.forward(new NDList(x), true).close();
      }
      assertThat(original.stateDict().get("conv.5.num_batches_tracked").toLongArray())
          .containsExactly(3);
      assertThat(original.stateDict().get("conv.1.running_var").toFloatArray()).doesNotContain(1f);
      resumed.load(original.stateDict(), true);
      Engine.getInstance().setRandomSeed(3);
      float[] a = original.forward(new NDList(x), true).get(1).toFloatArray();
      Engine.getInstance().setRandomSeed(3);
      float[] b = resumed.forward(new NDList(x), true).get(1).toFloatArray();
      assertThat(b).containsExactly(a);
      assertThat(StateDigest.of(resumed.stateDict()))
          .isEqualTo(StateDigest.of(original.stateDict()));
      assertThat(resumed.stateDict().get("conv.1.num_batches_tracked").toLongArray())
          .containsExactly(4);
    }
  }

  @Test
  void theStateDictLoadsIntoTheDocumentedPyTorchModuleAndBack(@TempDir Path dir) throws Exception {
    assumeTrue(PyTorch.available(), "/usr/bin/python3 with torch is not installed");
    CnnLstmConfig config = config(YAML);
    SplittableRandom random = new SplittableRandom(3);
    float[] values = new float[3 * 12 * 5];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) random.nextGaussian();
    }
    HostTensor x = HostTensor.ofFloats(new long[] {3, 12, 5}, values);
    try (DjlModel model = CnnLstmModelFactory.build("net", config, Device.cpu(), 5)) {
      Map<String, Object> tree = new LinkedHashMap<>();
      tree.put("state", new LinkedHashMap<>(model.stateDict()));
      tree.put("x", x);
      tree.put("y", predictions(model, x));
      ThFormat.write(dir.resolve("java.th"), tree);
    }
    String out =
        PyTorch.run(
            String.join(
                "\n",
                "import sys, torch, torch.nn as nn",
                "d = sys.argv[1]",
                "class CnnLstm(nn.Module):",
                "    def __init__(self):",
                "        super().__init__()",
                "        self.conv = nn.Sequential(nn.Conv1d(5, 8, 5, padding=2), nn.BatchNorm1d(8), nn.ReLU(), nn.Dropout(0.1),",
                "                                  nn.Conv1d(8, 6, 3, padding=1), nn.BatchNorm1d(6), nn.ReLU(), nn.Dropout(0.1))",
                "        self.lstm = nn.LSTM(6, 7, num_layers=2, batch_first=True, dropout=0.1)",
                "        self.heads = nn.ModuleDict({'rul': nn.Sequential(nn.Linear(7, 4), nn.ReLU(), nn.Linear(4, 1)),",
                "            'health': nn.Sequential(nn.Linear(7, 4), nn.ReLU(), nn.Dropout(0.1), nn.Linear(4, 3))})",
                "    def forward(self, x):",
                "        x = self.conv(x.transpose(1, 2)).transpose(1, 2)",
                "        out, _ = self.lstm(x)",
                "        last = out[:, -1]",
                "        return {name: head(last) for name, head in self.heads.items()}",
                "j = torch.load(d + '/java.th')",
                "m = CnnLstm().eval()",
                "m.load_state_dict(j['state'], strict=True)",
                "with torch.no_grad():",
                "    y = m(j['x'])",
                "for name in ('rul', 'health'):",
                "    print(name, float((y[name] - j['y'][name]).abs().max()))",
                "torch.manual_seed(0)",
                "t = CnnLstm()",
                "with torch.no_grad():",
                "    t(torch.randn(16, 12, 5))    # training mode: running statistics move, num_batches_tracked = 1",
                "    t.eval()",
                "    y = t(j['x'])",
                "torch.save({'state': t.state_dict(), 'y': {k: v.contiguous() for k, v in y.items()}}, d + '/torch.th')",
                ""),
            dir);
    for (String line : out.strip().split("\n")) {
      assertThat(Double.parseDouble(line.split(" ")[1])).as(line).isLessThan(1e-5);
    }
    Map<String, Object> theirs = ThReader.read(dir.resolve("torch.th"));
    try (DjlModel model = CnnLstmModelFactory.build("net", config, Device.cpu(), 6)) {
      @SuppressWarnings("unchecked")
      Map<String, HostTensor> state =
          (Map<String, HostTensor>) (Map<String, ?>) theirs.get("state");
      LoadReport report = model.load(state, true);
      assertThat(report.isExact()).isTrue();
      assertThat(model.stateDict().get("conv.1.num_batches_tracked").toLongArray())
          .containsExactly(1);
      Map<String, HostTensor> ours = predictions(model, x);
      @SuppressWarnings("unchecked")
      Map<String, HostTensor> expected = (Map<String, HostTensor>) (Map<String, ?>) theirs.get("y");
      for (String head : List.of("rul", "health")) {
        float[] e = expected.get(head).toFloatArray();
        float[] a = ours.get(head).toFloatArray();
        for (int i = 0; i < e.length; i++) {
          assertThat(a[i])
              .as(head + " " + i)
              .isCloseTo(e[i], org.assertj.core.data.Offset.offset(1e-5f));
        }
      }
    }
  }

  @Test
  void theConfigIsSavedAsPlainValuesWithItsDefaults() throws Exception {
    try (DjlModel model =
        CnnLstmModelFactory.build(
            "net",
            config(
                "input_shape: [4, 2]\nlstm: {hidden_size: 3}\n" + "heads: {y: {output_size: 1}}\n"),
            Device.cpu(),
            1)) {
      assertThat(model.config())
          .containsEntry("kind", "cnn-lstm")
          .containsEntry("input_shape", List.of(4L, 2L))
          .containsEntry("pooling", "last")
          .doesNotContainKey("conv");
      assertThat(model.config().get("lstm"))
          .isEqualTo(Map.of("hidden_size", 3L, "num_layers", 1L, "dropout", 0.0));
      assertThat(model.stateDict().keySet()).first().isEqualTo("lstm.weight_ih_l0");
    }
  }

  @Test
  void invalidSettingsAreRejectedNamingTheKeyAndWhatIsValid() {
    assertThatThrownBy(
            () ->
                config("input_shape: [30]\nlstm: {hidden_size: 3}\nheads: {y: {output_size: 1}}\n"))
        .hasMessageContaining("input_shape must be [window_length, features]");
    assertThatThrownBy(() -> config("input_shape: [30, 2]\nlstm: {hidden_size: 3}\nheads: {}\n"))
        .hasMessageContaining("heads must name at least one head");
    assertThatThrownBy(
            () ->
                config(
                    "input_shape: [30, 2]\nconv: {channels: [4], kernel_sizes: [4]}\n"
                        + "lstm: {hidden_size: 3}\nheads: {y: {output_size: 1}}\n"))
        .hasMessageContaining("padding: same needs odd kernel sizes");
    assertThatThrownBy(
            () ->
                config(
                    "input_shape: [4, 2]\nconv: {channels: [4, 4], kernel_sizes: [3], padding: valid}\n"
                        + "lstm: {hidden_size: 3}\nheads: {y: {output_size: 1}}\n"))
        .hasMessageContaining("shortens the window of 4 time steps to 0");
    assertThatThrownBy(
            () ->
                config(
                    "input_shape: [4, 2]\nlstm: {hidden_size: 3}\nheads: {'a.b': {output_size: 1}}\n"))
        .hasMessageContaining("head name 'a.b'");
    assertThatThrownBy(
            () ->
                config(
                    "input_shape: [4, 2]\nlstm: {hidden_size: 3, layers: 2}\nheads: {y: {output_size: 1}}\n"))
        .hasMessageContaining("num_layers");
  }

  @Test
  void featuresOfAnotherShapeAreAConfigurationProblemBeforeAnythingIsBuilt() throws Exception {
    RunPlan plan =
        new RunPlan(
            1,
            0,
            0,
            8,
            100,
            false,
            new SampleShape(List.of(30L, 14L), DType.FLOAT32, "the training features"),
            null,
            null,
            null);
    ConfigProblems problems = new ConfigProblems().at("model");
    new CnnLstmModelFactory().check(config(YAML), plan, problems);
    assertThat(problems.errors())
        .singleElement()
        .asString()
        .contains("input_shape: [12, 5] does not match the training features")
        .contains("set input_shape: [30, 14]");
  }

  @Test
  void theServiceLoaderFindsTheKind() {
    @SuppressWarnings("rawtypes")
    List<String> kinds =
        ServiceLoader.load(ModelFactory.class).stream().map(p -> p.get().kind()).toList();
    assertThat(kinds).contains("cnn-lstm", "mlp");
  }

  private static Map<String, HostTensor> predictions(DjlModel model, HostTensor x) {
    Map<String, HostTensor> out = new LinkedHashMap<>();
    NDArray input = HostTransfer.toNDArray(x, model.manager());
    for (NDArray y : model.forward(new NDList(input), false)) {
      out.put(y.getName(), HostTransfer.toHost(y));
    }
    return out;
  }
}
