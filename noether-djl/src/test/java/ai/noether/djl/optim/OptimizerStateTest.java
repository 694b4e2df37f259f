package ai.noether.djl.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.noether.api.ConfigException;
import ai.noether.api.optim.Optimizer;
import ai.noether.api.spi.OptimizerFactory;
import ai.noether.api.tensor.HostTensor;
import ai.noether.core.checkpoint.TorchOptimizerStateDict;
import ai.noether.djl.model.DjlModel;
import ai.noether.djl.model.StateDigest;
import ai.noether.djl.model.mlp.MlpConfig;
import ai.noether.djl.model.mlp.MlpModelFactory;
import ai.noether.testkit.TestComponentContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OptimizerStateTest {
  private static final MlpConfig CONFIG = MlpConfig.of(4, List.of(6), 2);

  @ParameterizedTest
  @ValueSource(strings = {"sgd", "adam", "adamw"})
  void anOptimizerRestoredFromAnothersStateContinuesBitForBit(String kind) {
    Function<DjlModel, Optimizer> create = optimizer(kind);
    try (DjlModel a = model(5);
        DjlModel b = model(99);
        DjlModel fresh = model(99)) {
      Optimizer optA = create.apply(a);
      for (int s = 0; s < 3; s++) {
        trainStep(a, optA, s);
      }
      Map<String, Object> saved = optA.state();
      Map<String, HostTensor> weights = a.stateDict();

      b.load(weights, true);
      Optimizer optB = create.apply(b);
      optB.loadState(saved);
      fresh.load(weights, true);
      Optimizer optFresh = create.apply(fresh);
      for (int s = 3; s < 7; s++) {
        trainStep(a, optA, s);
        trainStep(b, optB, s);
        trainStep(fresh, optFresh, s);
      }

      assertThat(StateDigest.of(b.stateDict())).isEqualTo(StateDigest.of(a.stateDict()));
      assertThat(StateDigest.of(tensors(optB.state())))
          .isEqualTo(StateDigest.of(tensors(optA.state())));
      assertThat(StateDigest.of(fresh.stateDict()))
          .as("without the state the run diverges")
          .isNotEqualTo(StateDigest.of(a.stateDict()));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"sgd", "adam", "adamw"})
  void stateThroughPyTorchsLayoutContinuesBitForBit(String kind) {
    Function<DjlModel, Optimizer> create = optimizer(kind);
    try (DjlModel a = model(5);
        DjlModel b = model(99)) {
      Optimizer optA = create.apply(a);
      for (int s = 0; s < 3; s++) {
        trainStep(a, optA, s);
      }
      Map<String, Object> torch = TorchOptimizerStateDict.fromNoether(optA.state(), 0.5);
      assertThat(List.copyOf(((Map<?, ?>) torch.get("state")).keySet()))
          .as("indexed as torch indexes")
          .isEqualTo(List.of(0L, 1L, 2L, 3L));
      assertThat(torch.get("param_idx_to_name"))
          .isEqualTo(
              Map.of(
                  0L,
                  "layers.0.weight",
                  1L,
                  "layers.0.bias",
                  2L,
                  "layers.2.weight",
                  3L,
                  "layers.2.bias"));

      b.load(a.stateDict(), true);
      Optimizer optB = create.apply(b);
      optB.loadState(TorchOptimizerStateDict.toNoether(torch, "net_cp=latest_optim.th"));
      for (int s = 3; s < 7; s++) {
        trainStep(a, optA, s);
        trainStep(b, optB, s);
      }
      assertThat(StateDigest.of(b.stateDict())).isEqualTo(StateDigest.of(a.stateDict()));
      assertThat(StateDigest.of(tensors(optB.state())))
          .isEqualTo(StateDigest.of(tensors(optA.state())));
    }
  }

  @Test
  void stateWhoseGroupsDifferFromTheConfigurationIsRefusedAndNothingChanges() {
    AdamConfig grouped =
        new AdamConfig(0.01, null, null, 0.05, null, null, List.of("*.bias"), null);
    try (DjlModel a = model(5);
        DjlModel b = model(5)) {
      Optimizer optA = AdamOptimizer.adamW(a, grouped);
      trainStep(a, optA, 0);
      Optimizer optB = AdamOptimizer.adamW(b, AdamConfig.of(0.01));
      trainStep(b, optB, 0);
      String before = StateDigest.of(tensors(optB.state()));

      assertThatThrownBy(() -> optB.loadState(optA.state()))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining(
              "groups the parameters otherwise than this configuration's param_groups and no_weight_decay")
          .hasMessageContaining("checkpoint: [layers.0.weight, layers.2.weight]")
          .hasMessageContaining("[layers.0.bias, layers.2.bias] (lr 0.01, weight_decay 0.0)")
          .hasMessageContaining(
              "configured: default [layers.0.weight, layers.0.bias, layers.2.weight, layers.2.bias]");
      assertThat(StateDigest.of(tensors(optB.state()))).isEqualTo(before);
    }
  }

  @Test
  void theExportedStateIsKeyedByParameterPathWithPyTorchsBufferNames() {
    try (DjlModel model = model(1)) {
      Optimizer adamw = AdamOptimizer.adamW(model, AdamConfig.of(1e-3));
      assertThat((Map<?, ?>) adamw.state().get("state")).isEmpty();
      trainStep(model, adamw, 0);
      trainStep(model, adamw, 1);

      Map<String, Object> state = adamw.state();
      assertThat(state.get("kind")).isEqualTo("adamw");
      Map<?, ?> perParameter = (Map<?, ?>) state.get("state");
      assertThat(perParameter.keySet().stream().map(String::valueOf))
          .containsExactly("layers.0.weight", "layers.0.bias", "layers.2.weight", "layers.2.bias");
      Map<?, ?> weight = (Map<?, ?>) perParameter.get("layers.0.weight");
      assertThat(weight.keySet().stream().map(String::valueOf))
          .containsExactly("step", "exp_avg", "exp_avg_sq");
      assertThat(weight.get("step")).isEqualTo(2L);
      assertThat(((HostTensor) weight.get("exp_avg")).shape()).containsExactly(6, 4);
      Map<?, ?> group = (Map<?, ?>) ((List<?>) state.get("param_groups")).get(0);
      assertThat(group.get("lr")).isEqualTo(1e-3);
      assertThat(group.get("weight_decay")).isEqualTo(0.01);
    }
  }

  @Test
  void sgdWithoutMomentumHasNoState() {
    try (DjlModel model = model(1)) {
      Optimizer sgd = new SgdOptimizer(model, SgdConfig.of(0.1));
      trainStep(model, sgd, 0);

      assertThat((Map<?, ?>) sgd.state().get("state")).isEmpty();
    }
  }

  @Test
  void stateWrittenByAnotherKindIsRefused() {
    try (DjlModel model = model(1)) {
      Optimizer sgd = new SgdOptimizer(model, SgdConfig.withMomentum(0.1, 0.9, false));
      trainStep(model, sgd, 0);
      Optimizer adam = AdamOptimizer.adam(model, AdamConfig.of(1e-3));

      assertThatThrownBy(() -> adam.loadState(sgd.state()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("written by 'sgd' but this optimizer is 'adam'");
    }
  }

  @Test
  void stateOfAnotherArchitectureIsRefusedNamingTheParameterAndNothingChanges() {
    try (DjlModel small = model(1);
        DjlModel wide =
            MlpModelFactory.build("net", MlpConfig.of(4, List.of(9), 2), Device.cpu(), 1);
        DjlModel deep =
            MlpModelFactory.build("net", MlpConfig.of(4, List.of(6, 6), 2), Device.cpu(), 1)) {
      Optimizer wideAdam = AdamOptimizer.adam(wide, AdamConfig.of(1e-3));
      trainStep(wide, wideAdam, 0);
      Optimizer deepAdam = AdamOptimizer.adam(deep, AdamConfig.of(1e-3));
      trainStep(deep, deepAdam, 0);
      Optimizer adam = AdamOptimizer.adam(small, AdamConfig.of(1e-3));
      trainStep(small, adam, 0);
      String before = StateDigest.of(tensors(adam.state()));

      assertThatThrownBy(() -> adam.loadState(wideAdam.state()))
          .hasMessageContaining("optimizer state does not fit this adam optimizer")
          .hasMessageContaining(
              "'exp_avg' of 'layers.0.weight' is float32[9, 4] but the parameter is float32[6, 4]")
          .hasMessageContaining(
              "'exp_avg_sq' of 'layers.2.weight' is float32[2, 9] but the parameter is float32[2, 6]");
      assertThatThrownBy(() -> adam.loadState(deepAdam.state()))
          .hasMessageContaining(
              "it has an entry for 'layers.4.weight', which this model does not train")
          .hasMessageContaining(
              "trainable parameters: [layers.0.weight, layers.0.bias, layers.2.weight, layers.2.bias]");
      assertThat(StateDigest.of(tensors(adam.state()))).isEqualTo(before);
    }
  }

  @Test
  void theServiceLoaderFindsTheThreeKindsAndTheyReportTheirBaseLearningRate() {
    try (DjlModel model = model(1)) {
      Map<String, Optimizer> byKind = new LinkedHashMap<>();
      for (OptimizerFactory<?> f : ServiceLoader.load(OptimizerFactory.class)) {
        byKind.put(f.kind(), create(f, model));
      }
      assertThat(byKind.keySet()).contains("sgd", "adam", "adamw");
      assertThat(byKind.get("adamw").baseLearningRate()).isEqualTo(0.25);
      assertThat(byKind.get("sgd").kind()).isEqualTo("sgd");
    }
  }

  @SuppressWarnings("unchecked")
  private static <C> Optimizer create(OptimizerFactory<C> factory, DjlModel model) {
    Object config =
        factory.configType() == SgdConfig.class ? SgdConfig.of(0.25) : AdamConfig.of(0.25);
    return factory.create((C) config, model, TestComponentContext.empty());
  }

  static Function<DjlModel, Optimizer> optimizer(String kind) {
    switch (kind) {
      case "sgd":
        return m ->
            new SgdOptimizer(m, new SgdConfig(0.05, 0.9, null, true, 1e-3, null, null, null, null));
      case "adam":
        return m -> AdamOptimizer.adam(m, AdamConfig.of(0.01).withWeightDecay(1e-3));
      case "adamw":
        return m -> AdamOptimizer.adamW(m, AdamConfig.of(0.01));
      default:
        throw new IllegalArgumentException(kind);
    }
  }

  /** One MSE update on a batch that depends only on {@code s}. */
  static void trainStep(DjlModel model, Optimizer optimizer, int s) {
    SplittableRandom random = new SplittableRandom(1000 + s);
    float[] x = new float[8 * 4];
    float[] y = new float[8 * 2];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextGaussian();
    }
    for (int i = 0; i < y.length; i++) {
      y[i] = (float) random.nextGaussian();
    }
    try (NDManager batch = model.manager().newSubManager()) {
      NDArray inputs = batch.create(x, new Shape(8, 4));
      NDArray targets = batch.create(y, new Shape(8, 2));
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        NDArray prediction = model.forward(new NDList(inputs), true).singletonOrThrow();
        collector.backward(prediction.sub(targets).square().mean());
      }
    }
    optimizer.step(0.01 * (1 + s % 3));
  }

  /** The tensors of an optimizer state, by "path/buffer". */
  static Map<String, HostTensor> tensors(Map<String, Object> state) {
    Map<String, HostTensor> out = new LinkedHashMap<>();
    ((Map<?, ?>) state.get("state"))
        .forEach(
            (path, entry) ->
                ((Map<?, ?>) entry)
                    .forEach(
                        (name, value) -> {
                          if (value instanceof HostTensor t) {
                            out.put(path + "/" + name, t);
                          } else {
                            out.put(
                                path + "/" + name,
                                HostTensor.ofLongs(new long[] {}, ((Number) value).longValue()));
                          }
                        }));
    return out;
  }

  private static DjlModel model(long seed) {
    return MlpModelFactory.build("net", CONFIG, Device.cpu(), seed);
  }
}
