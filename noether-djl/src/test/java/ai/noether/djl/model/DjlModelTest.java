package ai.noether.djl.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.noether.api.model.LoadReport;
import ai.noether.api.model.StateDictMismatchException;
import ai.noether.api.tensor.HostTensor;
import ai.noether.api.tensor.Tensor;
import ai.noether.djl.model.mlp.MlpConfig;
import ai.noether.djl.model.mlp.MlpModelFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DjlModelTest {
  private static final MlpConfig CONFIG = MlpConfig.of(3, List.of(4), 2);

  @Test
  void aStateDictLoadedIntoAnotherModelReproducesItBitForBit() {
    try (DjlModel source = build(1);
        DjlModel target = build(2)) {
      Map<String, HostTensor> saved = source.stateDict();
      assertThat(StateDigest.of(target.stateDict())).isNotEqualTo(StateDigest.of(saved));

      LoadReport report = target.load(saved, true);

      assertThat(report.isExact()).isTrue();
      assertThat(report.loaded()).containsExactlyElementsOf(saved.keySet());
      assertThat(StateDigest.of(target.stateDict())).isEqualTo(StateDigest.of(saved));
    }
  }

  @Test
  void aStateDictIsASnapshotThatLaterUpdatesDoNotChange() {
    try (DjlModel model = build(1)) {
      Map<String, HostTensor> before = model.stateDict();
      String digest = StateDigest.of(before);
      model.djlParameters().get("layers.0.weight").getArray().addi(1f);

      assertThat(StateDigest.of(before)).isEqualTo(digest);
      assertThat(StateDigest.of(model.stateDict())).isNotEqualTo(digest);
    }
  }

  @Test
  void aStrictLoadListsEveryDifferenceAndChangesNothing() {
    try (DjlModel model = build(1)) {
      String before = StateDigest.of(model.stateDict());
      Map<String, HostTensor> other = new LinkedHashMap<>(build(2).stateDict());
      other.remove("layers.2.bias");
      other.put("head.weight", HostTensor.ofFloats(new long[] {1}, 1));
      other.put("layers.0.weight", HostTensor.ofFloats(new long[] {3, 4}, new float[12]));

      assertThatThrownBy(() -> model.load(other, true))
          .isInstanceOf(StateDictMismatchException.class)
          .hasMessageContaining("state dict does not match model 'net'")
          .hasMessageContaining(
              "missing keys (in the model, not in the state dict): [layers.2.bias]")
          .hasMessageContaining(
              "unexpected keys (in the state dict, not in the model): [head.weight]")
          .hasMessageContaining(
              "shape mismatch for layers.0.weight: model float32[4, 3], state dict float32[3, 4]")
          .hasMessageContaining("strict: false");
      assertThat(StateDigest.of(model.stateDict())).isEqualTo(before);
    }
  }

  @Test
  void aNonStrictLoadCopiesTheMatchingKeysAndReportsTheRest() {
    try (DjlModel model = build(1);
        DjlModel donor = build(2)) {
      Map<String, HostTensor> other = new LinkedHashMap<>(donor.stateDict());
      other.remove("layers.2.bias");
      other.put("extra", HostTensor.ofFloats(new long[] {1}, 1));
      HostTensor biasBefore = model.stateDict().get("layers.2.bias");

      LoadReport report = model.load(other, false);

      assertThat(report.loaded())
          .containsExactly("layers.0.weight", "layers.0.bias", "layers.2.weight");
      assertThat(report.missing()).containsExactly("layers.2.bias");
      assertThat(report.unexpected()).containsExactly("extra");
      assertThat(report.mismatched()).isEmpty();
      assertThat(
              model.stateDict().get("layers.0.weight").contentEquals(other.get("layers.0.weight")))
          .isTrue();
      assertThat(model.stateDict().get("layers.2.bias").contentEquals(biasBefore)).isTrue();
    }
  }

  @Test
  void parameterHandlesAreLiveAndSurviveALoad() {
    try (DjlModel model = build(1);
        DjlModel donor = build(2)) {
      Tensor weight = model.trainableParameters().get("layers.0.weight");
      model.load(donor.stateDict(), true);

      assertThat(weight.toHost().contentEquals(donor.stateDict().get("layers.0.weight"))).isTrue();
      weight.copyFrom(HostTensor.ofFloats(new long[] {4, 3}, new float[12]));
      assertThat(model.stateDict().get("layers.0.weight").toFloatArray()).containsOnly(0f);
    }
  }

  @Test
  void frozenParametersAreNotTrainableButStayInTheStateDict() {
    try (DjlModel model = build(1)) {
      model.djlParameters().get("layers.0.bias").freeze(true);

      assertThat(model.trainableParameters().keySet())
          .containsExactly("layers.0.weight", "layers.2.weight", "layers.2.bias");
      assertThat(model.parameters().keySet()).hasSize(4);
      assertThat(model.stateDict().keySet()).hasSize(4);
    }
  }

  private static DjlModel build(long seed) {
    return MlpModelFactory.build("net", CONFIG, Device.cpu(), seed);
  }
}
