package ai.noether.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.noether.api.ConfigException;
import ai.noether.api.spi.ConfigBinding;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The api's config binding follows the rules of every block's binding. */
class JacksonConfigBindingTest {
  private final ConfigBinding binding = new JacksonConfigBinding();

  record Layer(int hiddenSize, Double dropOut, List<Integer> kernelSizes) {
    Layer {
      if (hiddenSize <= 0) {
        throw new IllegalArgumentException("hidden_size must be positive, was " + hiddenSize);
      }
    }
  }

  @Test
  void bindsSnakeCaseKeysToARecord() {
    Layer layer =
        binding.bind(
            "model.arguments",
            Map.of("hidden_size", 8, "kernel_sizes", List.of(3, 5)),
            Layer.class,
            "the arguments of model");

    assertThat(layer).isEqualTo(new Layer(8, null, List.of(3, 5)));
  }

  @Test
  void anUnknownKeyNamesThePathAndTheValidKeys() {
    assertThatThrownBy(
            () ->
                binding.bind(
                    "model.arguments",
                    Map.of("hidden_size", 8, "hiden", 1),
                    Layer.class,
                    "the arguments of model"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("model.arguments.hiden")
        .hasMessageContaining("hidden_size");
  }

  @Test
  void theRecordsOwnValidationNamesThePath() {
    assertThatThrownBy(
            () ->
                binding.bind(
                    "model.arguments", Map.of("hidden_size", 0), Layer.class, "the arguments"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("model.arguments")
        .hasMessageContaining("hidden_size must be positive, was 0");
  }

  @Test
  void aBoundConfigReadsBackAsItsYamlKeysWithoutNulls() {
    Map<String, Object> tree = binding.toPlainTree(new Layer(4, null, List.of(1)));

    assertThat(tree)
        .isEqualTo(new LinkedHashMap<>(Map.of("hidden_size", 4, "kernel_sizes", List.of(1))));
    assertThat(tree.keySet()).containsExactly("hidden_size", "kernel_sizes");
    assertThat(binding.toPlainTree(null)).isEmpty();
  }
}
