package ai.noether.djl.model.block;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import java.util.Locale;

/**
 * The configuration of a {@code block} model: the user's own DJL block, built from YAML.
 *
 * <pre>{@code
 * model:
 *   kind: block
 *   block_class: com.example.TurbofanNet    # a DJL Block, or a BlockFactory
 *   arguments: [14, 64, 3]                  # constructor arguments in order, or a mapping (see below)
 *   input_shapes: [[30, 14]]                # one sample of each input, without the batch dimension
 *   initialization: djl                     # djl | pytorch (default djl)
 * }</pre>
 *
 * <p>How the block is made from {@code block_class}:
 *
 * <ul>
 *   <li>a {@link BlockFactory}: its {@code newBlock}, with {@code arguments} bound to its {@code
 *       argumentsType()};
 *   <li>a {@code Block} with {@code factory_method}: that public static method of the class;
 *   <li>a {@code Block}: a public constructor.
 * </ul>
 *
 * For a constructor or method, {@code arguments} is a list (one value per parameter, converted to
 * the parameter's type: numbers, strings, lists, records) or a mapping (bound to the single
 * parameter, a record with snake_case keys or a {@code Map}); absent for no parameters.
 *
 * @param blockClass fully qualified class name; required
 * @param factoryMethod a public static method of {@code block_class} returning a block; null for a
 *     constructor
 * @param arguments a list, a mapping or null (see above)
 * @param inputShapes one sample of each input, without the batch dimension; required, not empty
 * @param initialization {@code djl}: each parameter's own DJL initializer (DJL's defaults unless
 *     the block sets others), seeded from the run seed; {@code pytorch}: PyTorch's defaults for the
 *     standard layers, drawn from the run seed. Never null after binding
 */
public record BlockModelConfig(
    @JsonPropertyDescription("fully qualified class name of a DJL Block or of a BlockFactory")
        @JsonProperty(value = "block_class", required = true)
        String blockClass,
    @JsonPropertyDescription(
            "a public static method of block_class that returns the block; leave out for a constructor")
        String factoryMethod,
    @JsonPropertyDescription(
            "constructor or method arguments: a list (in order) or a mapping (bound to the single parameter, or to a BlockFactory's argumentsType)")
        Object arguments,
    @JsonPropertyDescription(
            "one sample of each input, without the batch dimension, e.g. [[30, 14]]")
        @JsonProperty(value = "input_shapes", required = true)
        List<List<Long>> inputShapes,
    @JsonPropertyDescription(
            "djl (each parameter's DJL initializer, seeded) or pytorch (PyTorch's defaults for standard layers)")
        String initialization) {

  public BlockModelConfig {
    if (blockClass == null || blockClass.isBlank()) {
      throw new IllegalArgumentException(
          "block block_class is required: the fully qualified name of a DJL Block or of a"
              + " BlockFactory, e.g. block_class: com.example.TurbofanNet");
    }
    blockClass = blockClass.strip();
    if (factoryMethod != null && factoryMethod.isBlank()) {
      throw new IllegalArgumentException(
          "block factory_method is empty; leave it out to use a constructor");
    }
    if (inputShapes == null || inputShapes.isEmpty()) {
      throw new IllegalArgumentException(
          "block input_shapes is required: one sample of each input without the batch"
              + " dimension, e.g. input_shapes: [[30, 14]]");
    }
    for (int i = 0; i < inputShapes.size(); i++) {
      List<Long> shape = inputShapes.get(i);
      if (shape == null || shape.stream().anyMatch(d -> d == null || d <= 0)) {
        throw new IllegalArgumentException(
            "block input_shapes[" + i + "] must be a list of positive integers, was " + shape);
      }
    }
    inputShapes = inputShapes.stream().map(List::copyOf).toList();
    initialization =
        initialization == null ? "djl" : initialization.strip().toLowerCase(Locale.ROOT);
    if (!initialization.equals("djl") && !initialization.equals("pytorch")) {
      throw new IllegalArgumentException(
          "block initialization '" + initialization + "' is not known; valid: djl, pytorch");
    }
  }
}
