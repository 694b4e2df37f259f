package ai.noether.djl.model;

import ai.djl.nn.Block;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.nn.recurrent.RecurrentBlock;
import ai.djl.nn.transformer.IdEmbedding;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PyTorch's names for the parameters of DJL's standard layers, so that a state dict moves between a
 * DJL block and the equivalent {@code torch.nn} module without renaming.
 *
 * <table>
 *   <caption>DJL name → PyTorch name</caption>
 *   <tr><th>DJL block</th><th>DJL parameter</th><th>PyTorch module and name</th></tr>
 *   <tr><td>{@code Linear}, {@code Conv1d/2d/3d}</td><td>{@code weight}, {@code bias}</td>
 *       <td>unchanged: {@code nn.Linear}, {@code nn.ConvNd} have the same names and shapes</td></tr>
 *   <tr><td>{@code LSTM}, {@code GRU}, {@code RNN}</td><td>{@code l_0_i2h_WEIGHT}, {@code l_0_h2h_WEIGHT},
 *       {@code l_0_i2h_BIAS}, {@code l_0_h2h_BIAS}, {@code r_0_...}</td>
 *       <td>{@code weight_ih_l0}, {@code weight_hh_l0}, {@code bias_ih_l0}, {@code bias_hh_l0},
 *       {@code ..._reverse}</td></tr>
 *   <tr><td>{@code BatchNorm}</td><td>{@code gamma}, {@code beta}, {@code runningMean},
 *       {@code runningVar}</td><td>{@code weight}, {@code bias}, {@code running_mean},
 *       {@code running_var} (and the buffer {@code num_batches_tracked}, see {@link DjlModel})</td></tr>
 *   <tr><td>{@code LayerNorm}</td><td>{@code gamma}, {@code beta}</td><td>{@code weight}, {@code bias}</td></tr>
 *   <tr><td>{@code Embedding}, {@code IdEmbedding}</td><td>{@code embedding}</td><td>{@code weight}</td></tr>
 * </table>
 *
 * <p>Only names change: with DJL's PyTorch engine the recurrent layers hand their fused weights to
 * PyTorch's own {@code lstm}/{@code gru} operators, so the gate order inside each weight ({@code i,
 * f, g, o} for LSTM, {@code r, z, n} for GRU) and the shapes are PyTorch's already (tests run both
 * against {@code torch.nn}). Parameters of other blocks keep DJL's name.
 */
public final class TorchNames {
  private static final Pattern RECURRENT =
      Pattern.compile("^([lr])_(\\d+)_(i2h|h2h)_(WEIGHT|BIAS)$");
  private static final Map<String, String> BATCH_NORM =
      Map.of(
          "gamma",
          "weight",
          "beta",
          "bias",
          "runningMean",
          "running_mean",
          "runningVar",
          "running_var");
  private static final Map<String, String> LAYER_NORM = Map.of("gamma", "weight", "beta", "bias");

  /** The buffer PyTorch's batch norm layers count training batches in. */
  public static final String NUM_BATCHES_TRACKED = "num_batches_tracked";

  private TorchNames() {}

  /**
   * PyTorch's name for the parameter {@code djlName} of {@code owner}; DJL's name when there is no
   * mapping.
   */
  public static String of(Block owner, String djlName) {
    if (owner instanceof RecurrentBlock) {
      Matcher m = RECURRENT.matcher(djlName);
      if (m.matches()) {
        String kind = m.group(4).equals("WEIGHT") ? "weight" : "bias";
        String gate = m.group(3).equals("i2h") ? "ih" : "hh";
        return kind + "_" + gate + "_l" + m.group(2) + (m.group(1).equals("r") ? "_reverse" : "");
      }
    } else if (owner instanceof BatchNorm) {
      return BATCH_NORM.getOrDefault(djlName, djlName);
    } else if (owner instanceof LayerNorm) {
      return LAYER_NORM.getOrDefault(djlName, djlName);
    } else if (owner instanceof Embedding<?> || owner instanceof IdEmbedding) {
      return djlName.equals("embedding") ? "weight" : djlName;
    }
    return djlName;
  }
}
