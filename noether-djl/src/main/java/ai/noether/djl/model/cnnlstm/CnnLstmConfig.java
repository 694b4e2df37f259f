package ai.noether.djl.model.cnnlstm;

import ai.noether.djl.model.mlp.MlpActivation;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The configuration of a {@code cnn-lstm} model: a 1-D convolutional feature extractor over a
 * window of time steps, an LSTM over its output, and named heads on the LSTM's last (or mean)
 * output.
 *
 * <pre>{@code
 * model:
 *   kind: cnn-lstm
 *   input_shape: [30, 14]      # window length × features per time step
 *   conv:
 *     channels: [32, 64]       # one Conv1d per entry; leave conv out for an LSTM alone
 *     kernel_sizes: [5, 3]     # one per layer, or one for all (default [3])
 *     padding: same            # same (odd kernels, length kept) | valid (default same)
 *     batch_norm: true         # BatchNorm1d after each convolution (default true)
 *     activation: relu         # relu | tanh | gelu (default relu)
 *     dropout: 0.1             # after each activation (default 0)
 *   lstm:
 *     hidden_size: 64
 *     num_layers: 2            # default 1
 *     dropout: 0.1             # between LSTM layers (default 0)
 *   pooling: last              # last | mean: the LSTM output the heads see (default last)
 *   heads:
 *     rul: {hidden_sizes: [32], output_size: 1}
 *     health: {hidden_sizes: [32], output_size: 3, dropout: 0.1}
 * }</pre>
 *
 * @param inputShape {@code [window_length, features]} of one sample; required
 * @param conv the convolutional layers; null for none
 * @param lstm the LSTM; required
 * @param pooling {@code last} or {@code mean}; never null after binding
 * @param heads the heads by name, in order; never empty
 */
public record CnnLstmConfig(
    @JsonPropertyDescription("[window_length, features] of one sample")
        @JsonProperty(value = "input_shape", required = true)
        List<Long> inputShape,
    @JsonPropertyDescription(
            "the 1-D convolutional layers (channels, kernel_sizes, padding, batch_norm, activation, dropout); leave out for none")
        Conv conv,
    @JsonPropertyDescription("the LSTM (hidden_size, num_layers, dropout)")
        @JsonProperty(value = "lstm", required = true)
        Lstm lstm,
    @JsonPropertyDescription(
            "the LSTM output the heads see: last (the last time step) or mean (over time)")
        @JsonProperty(value = "pooling", defaultValue = "last")
        String pooling,
    @JsonPropertyDescription(
            "the heads by name, each an MLP (hidden_sizes, output_size, activation, dropout)")
        @JsonProperty(value = "heads", required = true)
        Map<String, Head> heads) {

  private static final Pattern HEAD_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  public CnnLstmConfig {
    if (inputShape == null
        || inputShape.size() != 2
        || inputShape.stream().anyMatch(d -> d == null || d <= 0)) {
      throw new IllegalArgumentException(
          "cnn-lstm input_shape must be [window_length, features], two positive"
              + " integers, e.g. input_shape: [30, 14]; was "
              + inputShape);
    }
    inputShape = List.copyOf(inputShape);
    if (lstm == null) {
      throw new IllegalArgumentException("cnn-lstm lstm is required, e.g. lstm: {hidden_size: 64}");
    }
    pooling = pooling == null ? "last" : pooling.strip().toLowerCase(Locale.ROOT);
    if (!pooling.equals("last") && !pooling.equals("mean")) {
      throw new IllegalArgumentException(
          "cnn-lstm pooling '" + pooling + "' is not known; valid: last, mean");
    }
    if (heads == null || heads.isEmpty()) {
      throw new IllegalArgumentException(
          "cnn-lstm heads must name at least one head, e.g." + " heads: {rul: {output_size: 1}}");
    }
    for (Map.Entry<String, Head> h : heads.entrySet()) {
      if (!HEAD_NAME.matcher(h.getKey()).matches()) {
        throw new IllegalArgumentException(
            "cnn-lstm head name '"
                + h.getKey()
                + "' must be a word of letters,"
                + " digits and _ (it is a parameter path segment, heads."
                + h.getKey()
                + ".0.weight)");
      }
      if (h.getValue() == null) {
        throw new IllegalArgumentException(
            "cnn-lstm heads." + h.getKey() + " needs output_size, e.g. {output_size: 1}");
      }
    }
    heads = Collections.unmodifiableMap(new LinkedHashMap<>(heads));
    if (conv != null && conv.padding().equals("valid")) {
      long length = inputShape.get(0);
      for (int i = 0; i < conv.channels().size(); i++) {
        length -= conv.kernelSize(i) - 1;
      }
      if (length < 1) {
        throw new IllegalArgumentException(
            "cnn-lstm conv with padding: valid shortens the window of "
                + inputShape.get(0)
                + " time steps to "
                + length
                + "; use padding: same, smaller kernel_sizes or a longer"
                + " window");
      }
    }
  }

  /** Time steps per sample. */
  public long windowLength() {
    return inputShape.get(0);
  }

  /** Features per time step. */
  public long features() {
    return inputShape.get(1);
  }

  /**
   * The convolutional layers: {@code Conv1d → [BatchNorm1d] → activation → [Dropout]} per entry of
   * {@code channels}.
   *
   * @param channels output channels of each layer; required, not empty
   * @param kernelSizes one kernel size per layer, or one for all; default {@code [3]}
   * @param padding {@code same} (pads {@code k/2} on each side: the length stays, kernels must be
   *     odd) or {@code valid} (no padding)
   * @param batchNorm a {@code BatchNorm1d} after each convolution; default true
   * @param activation relu, tanh or gelu; default relu
   * @param dropout dropout after each activation, in {@code [0, 1)}; default 0
   */
  public record Conv(
      @JsonPropertyDescription("output channels of each convolution")
          @JsonProperty(value = "channels", required = true)
          List<Integer> channels,
      @JsonPropertyDescription("kernel size of each convolution, or one for all")
          List<Integer> kernelSizes,
      @JsonPropertyDescription("same (length kept; odd kernels) or valid (no padding)")
          String padding,
      @JsonPropertyDescription("a BatchNorm1d after each convolution") Boolean batchNorm,
      @JsonPropertyDescription("relu, tanh or gelu") String activation,
      @JsonPropertyDescription("dropout after each activation, in [0, 1)") Double dropout) {
    public Conv {
      if (channels == null || channels.isEmpty()) {
        throw new IllegalArgumentException(
            "cnn-lstm conv.channels must list at least one channel count, e.g."
                + " channels: [32]; leave conv out for no convolution");
      }
      channels = positive("conv.channels", channels);
      kernelSizes = kernelSizes == null ? List.of(3) : positive("conv.kernel_sizes", kernelSizes);
      if (kernelSizes.size() != 1 && kernelSizes.size() != channels.size()) {
        throw new IllegalArgumentException(
            "cnn-lstm conv.kernel_sizes has "
                + kernelSizes.size()
                + " entries for "
                + channels.size()
                + " convolutions; give one per entry of conv.channels, or one for all");
      }
      padding = padding == null ? "same" : padding.strip().toLowerCase(Locale.ROOT);
      if (!padding.equals("same") && !padding.equals("valid")) {
        throw new IllegalArgumentException(
            "cnn-lstm conv.padding '" + padding + "' is not known; valid: same, valid");
      }
      if (padding.equals("same")) {
        for (int k : kernelSizes) {
          if (k % 2 == 0) {
            throw new IllegalArgumentException(
                "cnn-lstm conv.padding: same needs odd kernel sizes (the same padding"
                    + " on both sides), got "
                    + k
                    + "; use an odd size or padding: valid");
          }
        }
      }
      batchNorm = batchNorm == null ? Boolean.TRUE : batchNorm;
      activation = MlpActivation.parse(activation == null ? "relu" : activation).yamlName();
      dropout = checkedDropout("conv.dropout", dropout);
    }

    /** The kernel size of layer {@code i}. */
    public int kernelSize(int i) {
      return kernelSizes.size() == 1 ? kernelSizes.get(0) : kernelSizes.get(i);
    }

    /** The padding of layer {@code i} on each side. */
    public int paddingOf(int i) {
      return padding.equals("same") ? kernelSize(i) / 2 : 0;
    }
  }

  /**
   * The LSTM, batch first, over the convolutions' output.
   *
   * @param hiddenSize features of the hidden state; required
   * @param numLayers stacked layers; default 1
   * @param dropout dropout between stacked layers (PyTorch's {@code dropout}), in {@code [0, 1)};
   *     default 0
   */
  public record Lstm(
      @JsonPropertyDescription("features of the hidden state")
          @JsonProperty(value = "hidden_size", required = true)
          Integer hiddenSize,
      @JsonPropertyDescription("stacked LSTM layers") Integer numLayers,
      @JsonPropertyDescription("dropout between stacked layers, in [0, 1)") Double dropout) {
    public Lstm {
      if (hiddenSize == null || hiddenSize <= 0) {
        throw new IllegalArgumentException(
            "cnn-lstm lstm.hidden_size must be a positive integer, was " + hiddenSize);
      }
      numLayers = numLayers == null ? 1 : numLayers;
      if (numLayers <= 0) {
        throw new IllegalArgumentException(
            "cnn-lstm lstm.num_layers must be a positive integer, was " + numLayers);
      }
      dropout = checkedDropout("lstm.dropout", dropout);
    }
  }

  /**
   * One head: {@code Linear → activation → [Dropout]} per hidden width, then {@code Linear} to
   * {@code output_size}.
   *
   * @param hiddenSizes widths of the hidden layers; default none
   * @param outputSize outputs of the head; required
   * @param activation relu, tanh or gelu; default relu
   * @param dropout dropout after each hidden activation, in {@code [0, 1)}; default 0
   */
  public record Head(
      @JsonPropertyDescription("widths of the hidden layers") List<Integer> hiddenSizes,
      @JsonPropertyDescription("outputs of the head (classes for classification)")
          @JsonProperty(value = "output_size", required = true)
          Integer outputSize,
      @JsonPropertyDescription("relu, tanh or gelu") String activation,
      @JsonPropertyDescription("dropout after each hidden activation, in [0, 1)") Double dropout) {
    public Head {
      hiddenSizes = hiddenSizes == null ? List.of() : positive("head hidden_sizes", hiddenSizes);
      if (outputSize == null || outputSize <= 0) {
        throw new IllegalArgumentException(
            "cnn-lstm head output_size must be a positive integer, was " + outputSize);
      }
      activation = MlpActivation.parse(activation == null ? "relu" : activation).yamlName();
      dropout = checkedDropout("head dropout", dropout);
    }
  }

  private static List<Integer> positive(String key, List<Integer> values) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      Integer v = values.get(i);
      if (v == null || v <= 0) {
        throw new IllegalArgumentException(
            "cnn-lstm " + key + "[" + i + "] must be a positive integer, was " + v);
      }
      out.add(v);
    }
    return List.copyOf(out);
  }

  private static double checkedDropout(String key, Double value) {
    double d = value == null ? 0.0 : value;
    if (!(d >= 0 && d < 1)) {
      throw new IllegalArgumentException("cnn-lstm " + key + " must be in [0, 1), was " + value);
    }
    return d;
  }
}
