package ai.noether.core.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.noether.api.checkpoint.CheckpointKeys;
import ai.noether.api.checkpoint.CorruptCheckpointException;
import ai.noether.api.checkpoint.UnsupportedCheckpointFormatException;
import ai.noether.api.tensor.DType;
import ai.noether.api.tensor.HostTensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CheckpointLayoutTest {
  private static final String FILE = "run/train/mlp_cp=latest_optim.th";

  @Test
  void aNewerFormatVersionIsRefusedNamingTheFileAndTheVersionsThisBuildReads() {
    assertThatThrownBy(
            () -> CheckpointLayout.version(Map.of(CheckpointKeys.FORMAT_VERSION, 3L), FILE))
        .isInstanceOf(UnsupportedCheckpointFormatException.class)
        .hasMessage(
            FILE
                + " was written in checkpoint format version 3 by a newer Noether for the JVM; this build reads"
                + " versions 1 to 2. Resume it with a newer build.");
    assertThatThrownBy(
            () -> CheckpointLayout.optimizerState(Map.of(CheckpointKeys.FORMAT_VERSION, 7L), FILE))
        .isInstanceOf(UnsupportedCheckpointFormatException.class)
        .hasMessageContaining("format version 7");
    assertThatThrownBy(
            () -> CheckpointLayout.version(Map.of(CheckpointKeys.FORMAT_VERSION, "2"), FILE))
        .isInstanceOf(UnsupportedCheckpointFormatException.class)
        .hasMessageContaining(
            FILE + " has noether_format_version 2, which is not a checkpoint format version");
  }

  @Test
  void versionsOneAndTwoAreReadAndAFileWithoutOneIsForeign() {
    assertThat(CheckpointLayout.version(Map.of(CheckpointKeys.FORMAT_VERSION, 1L), FILE))
        .isEqualTo(1);
    assertThat(CheckpointLayout.version(Map.of(CheckpointKeys.FORMAT_VERSION, 2L), FILE))
        .isEqualTo(2);
    assertThat(CheckpointLayout.version(Map.of("state", Map.of()), FILE))
        .isEqualTo(CheckpointLayout.FOREIGN);
    assertThat(CheckpointContents.FORMAT_VERSION).isEqualTo(2);
  }

  @Test
  void formatOneKeepsTheOptimizerStateUnderOptimizer() {
    Map<String, Object> state = Map.of(CheckpointKeys.OPTIMIZER_STATE, Map.of());
    assertThat(
            CheckpointLayout.optimizerState(
                Map.of(CheckpointKeys.FORMAT_VERSION, 1L, CheckpointKeys.OPTIMIZER, state), FILE))
        .isSameAs(state);
    assertThatThrownBy(
            () -> CheckpointLayout.optimizerState(Map.of(CheckpointKeys.FORMAT_VERSION, 1L), FILE))
        .isInstanceOf(CorruptCheckpointException.class)
        .hasMessage(FILE + ": key 'optimizer' should hold a dict but holds nothing");
  }

  @Test
  void ourStateBecomesPyTorchsLayoutAndComesBackUnchanged() {
    Map<String, Object> ours = ourState();
    Map<String, Object> torch = TorchOptimizerStateDict.fromNoether(ours, 0.5);

    assertThat(torch.keySet())
        .containsExactly("state", "param_groups", "param_idx_to_name", "optimizer_kind");
    assertThat(torch.get("param_idx_to_name"))
        .isEqualTo(Map.of(0L, "a.weight", 1L, "b.weight", 2L, "a.bias"));
    Map<?, ?> state = (Map<?, ?>) torch.get("state");
    assertThat(new ArrayList<>(state.keySet())).isEqualTo(List.of(0L, 2L));
    HostTensor step = (HostTensor) ((Map<?, ?>) state.get(0L)).get("step");
    assertThat(step.dtype()).isEqualTo(DType.FLOAT32);
    assertThat(step.shape()).isEmpty();
    assertThat(step.toFloatArray()).containsExactly(3f);
    HostTensor bigStep = (HostTensor) ((Map<?, ?>) state.get(2L)).get("step");
    assertThat(bigStep.dtype()).as("float32 would round 2^24 + 1").isEqualTo(DType.FLOAT64);
    assertThat(bigStep.toDoubleArray()).containsExactly((1 << 24) + 1);
    Map<Object, Object> group0 = map(((List<?>) torch.get("param_groups")).get(0));
    assertThat(group0.get("params")).isEqualTo(List.of(0L, 1L));
    assertThat(group0.get("lr")).as("the rate of the latest update").isEqualTo(0.005);
    assertThat(group0.get("initial_lr")).isEqualTo(0.01);
    assertThat(group0.get("betas")).isEqualTo(List.of(0.9, 0.999));
    assertThat(group0)
        .containsEntry("amsgrad", false)
        .containsEntry("maximize", false)
        .containsEntry("foreach", null)
        .containsEntry("capturable", false)
        .containsEntry("differentiable", false)
        .containsEntry("fused", null);
    assertThat(((Map<?, ?>) ((List<?>) torch.get("param_groups")).get(1)).get("params"))
        .isEqualTo(List.of(2L));

    Map<String, Object> back = TorchOptimizerStateDict.toNoether(torch, FILE);
    assertThat(back.get("kind")).isEqualTo("adamw");
    assertThat(back.get("state")).isEqualTo(ours.get("state"));
    assertThat(((Map<?, ?>) ((List<?>) back.get("param_groups")).get(1)).get("params"))
        .isEqualTo(List.of("a.bias"));
  }

  @Test
  void aNoetherPythonOptimizerFileIsReadByParameterName() {
    Map<String, Object> file = new LinkedHashMap<>();
    Map<Object, Object> state = new LinkedHashMap<>();
    Map<String, Object> entry = new HashMap<>();
    entry.put("momentum_buffer", null);
    state.put(1L, entry);
    state.put(0L, Map.of("momentum_buffer", HostTensor.ofFloats(new long[] {2}, 1f, 2f)));
    file.put("state", state);
    file.put(
        "param_groups", List.of(Map.of("params", List.of(1L, 0L), "lr", 0.1, "name", "default")));
    file.put("param_idx_to_name", Map.of(0L, "w", 1L, "b"));

    Map<String, Object> ours = CheckpointLayout.optimizerState(file, FILE);
    assertThat(ours).doesNotContainKey("kind");
    assertThat(map(ours.get("state")).keySet()).containsExactlyInAnyOrder("w", "b");
    assertThat((Map<?, ?>) ((Map<?, ?>) ours.get("state")).get("b"))
        .as("torch's None buffer means none")
        .isEmpty();
    assertThat(map(((List<?>) ours.get("param_groups")).get(0)))
        .containsEntry("params", List.of("b", "w"))
        .containsEntry("name", "default");
  }

  @Test
  void aPyTorchFileWithoutNamesOrWithBrokenStepsIsRefusedNamingTheFileAndKey() {
    Map<String, Object> noNames = Map.of("state", Map.of(), "param_groups", List.of());
    assertThatThrownBy(() -> CheckpointLayout.optimizerState(noNames, FILE))
        .isInstanceOf(CorruptCheckpointException.class)
        .hasMessageStartingWith(
            FILE + " holds a PyTorch optimizer state without 'param_idx_to_name'");
    Map<String, Object> unnamed =
        Map.of(
            "state",
            Map.of(),
            "param_groups",
            List.of(Map.of("params", List.of(0L, 5L))),
            "param_idx_to_name",
            Map.of(0L, "w"));
    assertThatThrownBy(() -> CheckpointLayout.optimizerState(unnamed, FILE))
        .isInstanceOf(CorruptCheckpointException.class)
        .hasMessage(
            FILE + ": parameter index 5 has no name in param_idx_to_name (it names indices [0])");
    Map<String, Object> halfStep =
        Map.of(
            "state",
            Map.of(0L, Map.of("step", HostTensor.ofFloats(new long[0], 2.5f))),
            "param_groups",
            List.of(Map.of("params", List.of(0L))),
            "param_idx_to_name",
            Map.of(0L, "w"));
    assertThatThrownBy(() -> CheckpointLayout.optimizerState(halfStep, FILE))
        .isInstanceOf(CorruptCheckpointException.class)
        .hasMessage(FILE + ": state[0].step is 2.5; a step count is a whole number >= 0");
  }

  @SuppressWarnings("unchecked")
  private static Map<Object, Object> map(Object value) {
    return (Map<Object, Object>) value;
  }

  /**
   * Adam state in our layout: two groups, a parameter without state, one step beyond float32's
   * exact range.
   */
  private static Map<String, Object> ourState() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("kind", "adamw");
    Map<String, Object> perParameter = new LinkedHashMap<>();
    perParameter.put("a.weight", adam(3, 0.5f));
    perParameter.put("a.bias", adam((1 << 24) + 1, 0.25f));
    s.put("state", perParameter);
    s.put(
        "param_groups",
        List.of(group(List.of("a.weight", "b.weight"), 0.05), group(List.of("a.bias"), 0.0)));
    return s;
  }

  private static Map<String, Object> adam(long step, float value) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("step", step);
    m.put("exp_avg", HostTensor.ofFloats(new long[] {2}, value, -value));
    m.put("exp_avg_sq", HostTensor.ofFloats(new long[] {2}, value * value, value));
    return m;
  }

  private static Map<String, Object> group(List<String> params, double decay) {
    Map<String, Object> g = new LinkedHashMap<>();
    g.put("params", params);
    g.put("lr", 0.01);
    g.put("weight_decay", decay);
    g.put("betas", Arrays.asList(0.9, 0.999));
    g.put("eps", 1e-8);
    return g;
  }
}
