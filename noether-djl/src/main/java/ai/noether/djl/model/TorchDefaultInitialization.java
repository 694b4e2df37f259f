package ai.noether.djl.model;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Convolution;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.nn.recurrent.RecurrentBlock;
import ai.djl.util.Pair;
import java.util.Map;
import java.util.Objects;

/**
 * PyTorch's default initial values for DJL's standard layers, drawn in Java from the model's seed
 * (one stream per parameter path, {@link SeededInitialization#uniform}): what {@code
 * reset_parameters()} of the equivalent {@code torch.nn} module draws from, though not the same
 * numbers.
 *
 * <ul>
 *   <li>{@code Linear} and {@code Conv1d/2d/3d}: weight and bias uniform in {@code
 *       [-1/sqrt(fan_in), 1/sqrt(fan_in))}, {@code fan_in} = input features (times the kernel
 *       size);
 *   <li>{@code LSTM}, {@code GRU}, {@code RNN}: every weight and bias uniform in {@code
 *       [-1/sqrt(hidden_size), 1/sqrt(hidden_size))};
 *   <li>{@code Embedding}: standard normal;
 *   <li>batch and layer norm: weight 1, bias 0, running mean 0, running variance 1, which are DJL's
 *       defaults too, so they are left as DJL made them; so is every parameter of other blocks.
 * </ul>
 */
public final class TorchDefaultInitialization {
  private TorchDefaultInitialization() {}

  /** Overwrites the parameters of the standard layers of {@code model} as described above. */
  public static void apply(DjlModel model, String pathPrefix, long initSeed) {
    Map<String, Parameter> parameters = model.djlParameters();
    for (Map.Entry<String, Block> e : ParameterPaths.blocks(model.block(), pathPrefix).entrySet()) {
      Block block = e.getValue();
      for (Pair<String, Parameter> p : block.getDirectParameters()) {
        String path = ParameterPaths.join(e.getKey(), TorchNames.of(block, p.getKey()));
        Parameter parameter = parameters.get(path);
        if (parameter == null) {
          continue;
        }
        if (block instanceof Linear || block instanceof Convolution) {
          String weight = ParameterPaths.join(e.getKey(), "weight");
          long fanIn = fanIn(block, Objects.requireNonNull(parameters.get(weight), weight));
          SeededInitialization.uniform(parameter.getArray(), 1 / Math.sqrt(fanIn), initSeed, path);
        } else if (block instanceof RecurrentBlock) {
          long hidden = parameter.getArray().getShape().get(0) / gates(parameters, e.getKey());
          SeededInitialization.uniform(parameter.getArray(), 1 / Math.sqrt(hidden), initSeed, path);
        } else if (block instanceof Embedding<?>) {
          SeededInitialization.normal(parameter.getArray(), 1, initSeed, path);
        }
      }
    }
  }

  /** Input features times kernel elements: the weight's size divided by its first dimension. */
  private static long fanIn(Block block, Parameter weight) {
    long[] shape = weight.getArray().getShape().getShape();
    long fanIn = 1;
    for (int i = 1; i < shape.length; i++) {
      fanIn *= shape[i];
    }
    return fanIn;
  }

  /** Gates of a recurrent layer: {@code weight_hh_l0} is {@code [gates * hidden, hidden]}. */
  private static long gates(Map<String, Parameter> parameters, String blockPath) {
    String path = ParameterPaths.join(blockPath, "weight_hh_l0");
    long[] hh = Objects.requireNonNull(parameters.get(path), path).getArray().getShape().getShape();
    return hh[0] / hh[1];
  }
}
