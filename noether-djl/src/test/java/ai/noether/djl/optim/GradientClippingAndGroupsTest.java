package ai.noether.djl.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.noether.djl.model.DjlModel;
import ai.noether.djl.model.mlp.MlpConfig;
import ai.noether.djl.model.mlp.MlpModelFactory;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GradientClippingAndGroupsTest {
  private static final String W = "layers.0.weight";
  private static final String B = "layers.0.bias";

  @Test
  void valueClippingClampsEveryGradientElement() {
    try (DjlModel model = model()) {
      float[] w0 = weights(model, W);
      SgdOptimizer sgd =
          new SgdOptimizer(
              model, new SgdConfig(1.0, null, null, null, null, null, 1.0, null, null));
      TestGradients.set(model, Map.of(W, new float[] {10, -10, 0.5f}, B, new float[] {-0.25f}));
      sgd.step(1.0);

      assertChange(model, W, w0, -1, 1, -0.5);
    }
  }

  @Test
  void normClippingScalesAllGradientsTogetherToTheMaximumNorm() {
    try (DjlModel model = model()) {
      float[] w0 = weights(model, W);
      float[] b0 = weights(model, B);
      SgdOptimizer sgd =
          new SgdOptimizer(
              model, new SgdConfig(1.0, null, null, null, null, 1.0, null, null, null));
      // Global norm: sqrt(3^2 + 0 + 0 + 4^2) = 5.
      TestGradients.set(model, Map.of(W, new float[] {3, 0, 0}, B, new float[] {4}));
      sgd.step(1.0);

      double scale = 1.0 / (5 + 1e-6);
      assertChange(model, W, w0, -3 * scale, 0, 0);
      assertChange(model, B, b0, -4 * scale);
    }
  }

  @Test
  void gradientsBelowTheMaximumNormAreLeftAlone() {
    try (DjlModel model = model()) {
      float[] w0 = weights(model, W);
      SgdOptimizer sgd =
          new SgdOptimizer(
              model, new SgdConfig(1.0, null, null, null, null, 10.0, null, null, null));
      TestGradients.set(model, Map.of(W, new float[] {3, 0, 0}, B, new float[] {4}));
      sgd.step(1.0);

      assertChange(model, W, w0, -3, 0, 0);
    }
  }

  @Test
  void noWeightDecayExemptsTheMatchingParameters() {
    try (DjlModel model = model()) {
      float[] w0 = weights(model, W);
      float[] b0 = weights(model, B);
      AdamConfig config = new AdamConfig(0.1, null, null, 0.5, null, null, List.of("*.bias"), null);
      AdamOptimizer adamw = AdamOptimizer.adamW(model, config);
      // Zero gradients leave Adam's moments at zero: only the decoupled decay moves the weights.
      TestGradients.set(model, Map.of(W, new float[3], B, new float[1]));
      adamw.step(0.1);

      float[] w1 = weights(model, W);
      for (int i = 0; i < 3; i++) {
        assertThat(w1[i]).isCloseTo(w0[i] * (1 - 0.1f * 0.5f), within(1e-7f));
      }
      assertThat(weights(model, B)).containsExactly(b0);
      assertThat(adamw.parameterGroups().of(B).weightDecay()).isZero();
      assertThat(adamw.parameterGroups().of(W).weightDecay()).isEqualTo(0.5);
    }
  }

  @Test
  void aParameterGroupSetsItsOwnLearningRateAndDecay() {
    try (DjlModel model = deepModel()) {
      SgdConfig config =
          new SgdConfig(
              0.1,
              null,
              null,
              null,
              0.0,
              null,
              null,
              null,
              List.of(
                  new ParamGroupConfig(List.of("layers.0.*"), 0.0, null),
                  new ParamGroupConfig(List.of("layers.2.weight"), 0.2, 0.1)));
      SgdOptimizer sgd = new SgdOptimizer(model, config);
      float[] first = weights(model, "layers.0.weight");
      float[] second = weights(model, "layers.2.weight");
      float[] bias = weights(model, "layers.2.bias");
      TestGradients.set(
          model,
          Map.of(
              "layers.0.weight",
              new float[] {1, 1, 1, 1, 1, 1},
              "layers.2.weight",
              new float[] {1, 1},
              "layers.2.bias",
              new float[] {1}));
      // The schedule says 0.05: half the optimizer's lr, so every group runs at half its own rate.
      sgd.step(0.05);

      assertThat(weights(model, "layers.0.weight")).containsExactly(first);
      float[] secondAfter = weights(model, "layers.2.weight");
      for (int i = 0; i < 2; i++) {
        assertThat((double) secondAfter[i])
            .isCloseTo(second[i] - 0.1 * (1 + 0.1 * second[i]), within(1e-6));
      }
      assertThat((double) weights(model, "layers.2.bias")[0])
          .isCloseTo(bias[0] - 0.05, within(1e-6));
    }
  }

  @Test
  void aGroupPatternThatMatchesNothingIsReportedWithTheParameterPaths() {
    try (DjlModel model = model()) {
      AdamConfig config =
          new AdamConfig(
              0.1,
              null,
              null,
              null,
              null,
              null,
              null,
              List.of(new ParamGroupConfig(List.of("encoder.*"), 0.01, null)));

      assertThatThrownBy(() -> AdamOptimizer.adam(model, config))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "adam param_groups[0] pattern 'encoder.*' matches no trainable parameter; parameters are "
                  + "[layers.0.weight, layers.0.bias]");
    }
  }

  @Test
  void invalidSettingsNameTheKey() {
    assertThatThrownBy(() -> SgdConfig.of(-1).settings())
        .hasMessage("optimizer lr must be a positive number, was -1.0");
    assertThatThrownBy(() -> new SgdConfig(0.1, 0.0, null, true, null, null, null, null, null))
        .hasMessageContaining("nesterov: true needs momentum > 0");
    assertThatThrownBy(() -> new AdamConfig(0.1, List.of(0.9), null, null, null, null, null, null))
        .hasMessageContaining("betas must be two numbers in [0, 1)");
    assertThatThrownBy(() -> new AdamConfig(null, null, null, null, null, null, null, null))
        .hasMessageContaining("lr is required");
  }

  private static void assertChange(DjlModel model, String path, float[] before, double... delta) {
    float[] after = weights(model, path);
    for (int i = 0; i < delta.length; i++) {
      assertThat((double) after[i] - before[i])
          .as("%s[%d]", path, i)
          .isCloseTo(delta[i], within(1e-6));
    }
  }

  private static float[] weights(DjlModel model, String path) {
    return model.stateDict().get(path).toFloatArray();
  }

  private static DjlModel model() {
    return MlpModelFactory.build("net", MlpConfig.of(3, List.of(), 1), Device.cpu(), 3);
  }

  private static DjlModel deepModel() {
    return MlpModelFactory.build("net", MlpConfig.of(3, List.of(2), 1), Device.cpu(), 3);
  }
}
