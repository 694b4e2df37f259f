package ai.noether.java;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.noether.api.tensor.HostTensor;
import ai.noether.core.data.Scaler;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The input preparation of inference without a model: the saved scaler per channel and per
 * operating condition, the input fields and shape read from the run configuration, and the errors
 * when inputs do not fit.
 */
class InputScalingTest {
  /** Windows of 3 time steps and 2 channels, with parameters for operating conditions 0 and 1. */
  static final Scaler PER_CONDITION =
      Scaler.fromParams(
          Map.of(
              "kind",
              "standard",
              "condition_field",
              "op",
              "fields",
              Map.of(
                  "x",
                  Map.of(
                      "channels",
                      2L,
                      "conditions",
                      List.of(0L, 1L),
                      "mean",
                      List.of(List.of(0.0, 10.0), List.of(100.0, 110.0)),
                      "std",
                      List.of(List.of(1.0, 2.0), List.of(10.0, 20.0)),
                      "count",
                      List.of(5L, 5L)))));

  @Test
  void eachSamplesConditionChoosesItsParametersPerChannel() {
    HostTensor x =
        HostTensor.ofFloats(
            new long[] {2, 3, 2}, 1, 14, 2, 16, 3, 18, 110, 150, 120, 170, 130, 190);
    HostTensor op = HostTensor.ofLongs(new long[] {2}, 0, 1);

    HostTensor scaled =
        InputScaling.scale(PER_CONDITION, List.of("x"), Map.of("x", x), op).get("x");

    assertThat(scaled.shape()).containsExactly(2, 3, 2);
    assertThat(scaled.toFloatArray()).containsExactly(1, 2, 2, 3, 3, 4, 1, 2, 2, 3, 3, 4);
  }

  @Test
  void aPerConditionScalerWithoutConditionsOrInputsUnderAnotherNameIsAClearError() {
    HostTensor x = HostTensor.ofFloats(new long[] {1, 3, 2}, 1, 2, 3, 4, 5, 6);

    assertThatThrownBy(() -> InputScaling.scale(PER_CONDITION, List.of("x"), Map.of("x", x), null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("per operating condition (condition_field 'op')")
        .hasMessageContaining("predict(input, conditions)")
        .hasMessageContaining("predictRaw");
    assertThatThrownBy(
            () -> InputScaling.scale(PER_CONDITION, List.of("x"), Map.of("features", x), null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "the model takes the fields [x] and the saved scaler normalises 'x', but the inputs given"
                + " are [features]");
    assertThatThrownBy(
            () ->
                InputScaling.scale(
                    PER_CONDITION,
                    List.of("x"),
                    Map.of("x", x),
                    HostTensor.ofLongs(new long[] {1}, 7)))
        .hasMessageContaining("no parameters for operating condition 7");
  }

  @Test
  void withoutAScalerInputsPassUnchanged() {
    Map<String, HostTensor> in = Map.of("features", HostTensor.ofFloats(new long[] {1, 2}, 5, 6));
    assertThat(InputScaling.scale(null, List.of("features"), in, null)).isSameAs(in);
  }

  @Test
  void theInputFieldsAndShapeComeFromTheRunConfiguration() {
    Map<String, Object> windowed =
        Map.of(
            "trainer",
            Map.of("kind", "supervised", "inputs", List.of("x", "op")),
            "model",
            Map.of("kind", "cnn-lstm", "input_shape", List.of(30, 14)));
    Map<String, Object> flat =
        Map.of("trainer", Map.of("loss", "mse"), "model", Map.of("kind", "mlp", "input_size", 4));

    assertThat(InputScaling.inputFields(windowed)).containsExactly("x", "op");
    assertThat(InputScaling.inputFields(flat)).containsExactly("features");
    assertThat(InputScaling.inputShape(windowed))
        .hasValueSatisfying(s -> assertThat(s).containsExactly(30, 14));
    assertThat(InputScaling.inputShape(flat))
        .hasValueSatisfying(s -> assertThat(s).containsExactly(4));
    assertThat(InputScaling.inputShape(Map.of("model", Map.of("kind", "custom")))).isEmpty();
  }
}
