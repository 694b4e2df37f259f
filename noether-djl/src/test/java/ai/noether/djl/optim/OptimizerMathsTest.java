package ai.noether.djl.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.noether.api.optim.Optimizer;
import ai.noether.djl.model.DjlModel;
import ai.noether.djl.model.mlp.MlpConfig;
import ai.noether.djl.model.mlp.MlpModelFactory;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * One parameter vector, three updates with different gradients and learning rates, compared with
 * PyTorch's formulas evaluated here in plain Java doubles.
 */
class OptimizerMathsTest {
  private static final String W = "layers.0.weight";
  private static final float[][] GRADIENTS = {
    {0.5f, -1.5f, 2.0f}, {-0.25f, 0.75f, 1.0f}, {1.0f, 0.0f, -3.0f}
  };
  private static final double[] LRS = {0.1, 0.05, 0.2};

  @Test
  void adamFollowsPyTorchsAdamWithL2WeightDecay() {
    AdamConfig config = new AdamConfig(0.1, List.of(0.8, 0.95), 1e-3, 0.1, null, null, null, null);
    check(
        model -> AdamOptimizer.adam(model, config),
        (w, steps) -> adamReference(w, 0.8, 0.95, 1e-3, 0.1, false));
  }

  @Test
  void adamWFollowsPyTorchsAdamWWithDecoupledWeightDecay() {
    AdamConfig config = new AdamConfig(0.1, List.of(0.8, 0.95), 1e-3, 0.1, null, null, null, null);
    check(
        model -> AdamOptimizer.adamW(model, config),
        (w, steps) -> adamReference(w, 0.8, 0.95, 1e-3, 0.1, true));
  }

  @Test
  void sgdWithMomentumDampeningAndWeightDecayFollowsPyTorchsSgd() {
    SgdConfig config = new SgdConfig(0.1, 0.9, 0.3, false, 0.05, null, null, null, null);
    check(
        model -> new SgdOptimizer(model, config),
        (w, steps) -> sgdReference(w, 0.9, 0.3, 0.05, false));
  }

  @Test
  void sgdWithNesterovMomentumFollowsPyTorchsSgd() {
    SgdConfig config = new SgdConfig(0.1, 0.9, null, true, 0.05, null, null, null, null);
    check(
        model -> new SgdOptimizer(model, config),
        (w, steps) -> sgdReference(w, 0.9, 0, 0.05, true));
  }

  @Test
  void plainSgdFollowsPyTorchsSgd() {
    SgdConfig config = new SgdConfig(0.1, null, null, null, 0.05, null, null, null, null);
    check(
        model -> new SgdOptimizer(model, config), (w, steps) -> sgdReference(w, 0, 0, 0.05, false));
  }

  @Test
  void theAdamMomentsAndStepCountAreThoseOfTheFormulas() {
    try (DjlModel model = model()) {
      Optimizer adam =
          AdamOptimizer.adam(
              model, new AdamConfig(0.1, List.of(0.8, 0.95), 1e-3, null, null, null, null, null));
      TestGradients.set(model, Map.of(W, GRADIENTS[0]));
      adam.step(0.1);
      TestGradients.set(model, Map.of(W, GRADIENTS[1]));
      adam.step(0.1);

      @SuppressWarnings("unchecked")
      Map<String, Object> state =
          (Map<String, Object>) ((Map<String, Object>) adam.state().get("state")).get(W);
      float[] m = ((ai.noether.api.tensor.HostTensor) state.get("exp_avg")).toFloatArray();
      float[] v = ((ai.noether.api.tensor.HostTensor) state.get("exp_avg_sq")).toFloatArray();
      assertThat(state.get("step")).isEqualTo(2L);
      for (int i = 0; i < 3; i++) {
        double m1 = 0.2 * GRADIENTS[0][i];
        double v1 = 0.05 * GRADIENTS[0][i] * GRADIENTS[0][i];
        assertThat(m[i]).isCloseTo((float) (0.8 * m1 + 0.2 * GRADIENTS[1][i]), within(1e-6f));
        assertThat(v[i])
            .isCloseTo(
                (float) (0.95 * v1 + 0.05 * GRADIENTS[1][i] * GRADIENTS[1][i]), within(1e-6f));
      }
    }
  }

  /** The expected weights after the three updates, from the initial weights. */
  private interface Reference {
    double[] apply(double[] initial, int steps);
  }

  private void check(java.util.function.Function<DjlModel, Optimizer> create, Reference reference) {
    try (DjlModel model = model()) {
      float[] initial = model.stateDict().get(W).toFloatArray();
      Optimizer optimizer = create.apply(model);
      for (int s = 0; s < GRADIENTS.length; s++) {
        TestGradients.set(model, Map.of(W, GRADIENTS[s]));
        optimizer.step(LRS[s]);
      }
      double[] start = new double[initial.length];
      for (int i = 0; i < initial.length; i++) {
        start[i] = initial[i];
      }
      double[] expected = reference.apply(start, GRADIENTS.length);
      float[] actual = model.stateDict().get(W).toFloatArray();
      for (int i = 0; i < actual.length; i++) {
        assertThat((double) actual[i])
            .as("weight %d", i)
            .isCloseTo(expected[i], within(2e-6 * Math.max(1, Math.abs(expected[i]))));
      }
    }
  }

  private static double[] adamReference(
      double[] w, double beta1, double beta2, double eps, double decay, boolean decoupled) {
    double[] p = w.clone();
    double[] m = new double[p.length];
    double[] v = new double[p.length];
    for (int t = 1; t <= GRADIENTS.length; t++) {
      double lr = LRS[t - 1];
      for (int i = 0; i < p.length; i++) {
        double g = GRADIENTS[t - 1][i];
        if (decoupled) {
          p[i] *= 1 - lr * decay;
        } else {
          g += decay * p[i];
        }
        m[i] = beta1 * m[i] + (1 - beta1) * g;
        v[i] = beta2 * v[i] + (1 - beta2) * g * g;
        double denom = Math.sqrt(v[i]) / Math.sqrt(1 - Math.pow(beta2, t)) + eps;
        p[i] -= lr / (1 - Math.pow(beta1, t)) * m[i] / denom;
      }
    }
    return p;
  }

  private static double[] sgdReference(
      double[] w, double momentum, double dampening, double decay, boolean nesterov) {
    double[] p = w.clone();
    double[] b = new double[p.length];
    for (int t = 1; t <= GRADIENTS.length; t++) {
      double lr = LRS[t - 1];
      for (int i = 0; i < p.length; i++) {
        double d = GRADIENTS[t - 1][i] + decay * p[i];
        if (momentum != 0) {
          b[i] = t == 1 ? d : momentum * b[i] + (1 - dampening) * d;
          d = nesterov ? d + momentum * b[i] : b[i];
        }
        p[i] -= lr * d;
      }
    }
    return p;
  }

  private static DjlModel model() {
    return MlpModelFactory.build("net", MlpConfig.of(3, List.of(), 1), Device.cpu(), 11);
  }
}
