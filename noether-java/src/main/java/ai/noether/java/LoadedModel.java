package ai.noether.java;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.noether.api.Nullable;
import ai.noether.api.checkpoint.CheckpointKeys;
import ai.noether.api.model.Model;
import ai.noether.api.tensor.DType;
import ai.noether.api.tensor.HostTensor;
import ai.noether.core.data.Scaler;
import ai.noether.djl.internal.GradMode;
import ai.noether.djl.model.DjlModel;
import ai.noether.djl.tensor.HostTransfer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A model rebuilt from a checkpoint, ready for inference (what {@link Noether#load} returns): the
 * configured model kind with the checkpoint's weights loaded strictly (every parameter, shape and
 * dtype must match), its {@code extras} (such as {@code scaler_params}) and where it came from.
 *
 * <p>{@link #predict} runs the forward pass in inference mode (no dropout, no gradients) on inputs
 * as the dataset gives them: when the run had a scaler ({@code dataset.scaler}), the input fields
 * it covers are first normalised per channel with the parameters the training saved ({@link
 * #scalerParams()}; never refitted). {@link #predictRaw} and {@link #predictAllRaw} take inputs
 * already scaled.
 *
 * <p>Not thread-safe: one forward pass at a time. Closing frees the model's engine memory.
 */
public final class LoadedModel implements AutoCloseable {
  /** The name of a single prediction that its model did not name. */
  public static final String DEFAULT_OUTPUT = "output";

  /** The extra under which the scaler's parameters travel in every model file. */
  public static final String SCALER_PARAMS = "scaler_params";

  private final Model model;
  private final String source;
  private final @Nullable String tag;
  private final @Nullable String iteration;
  private final @Nullable String modelInfo;
  private final Map<String, Object> extras;
  private final Map<String, Object> config;
  private final @Nullable Scaler scaler;
  private final List<String> inputFields;

  LoadedModel(
      Model model,
      String source,
      @Nullable String tag,
      @Nullable String iteration,
      @Nullable String modelInfo,
      Map<String, Object> extras,
      Map<String, Object> config) {
    this.model = Objects.requireNonNull(model, "model");
    this.source = source;
    this.tag = tag;
    this.iteration = iteration;
    this.modelInfo = modelInfo;
    this.extras = Collections.unmodifiableMap(new LinkedHashMap<>(extras));
    this.config = config;
    this.scaler = InputScaling.scalerOf(this.extras, source);
    this.inputFields = InputScaling.inputFields(config);
  }

  /** The model itself (name, parameters by path, state dict). */
  public Model model() {
    return model;
  }

  /** Where the weights came from: {@code run/stage@tag} or the file's path. */
  public String source() {
    return source;
  }

  /**
   * The tag the weights were saved under ({@code best.loss~valid~total}, {@code E12_U768_S24576});
   * null if the file has none.
   */
  public @Nullable String tag() {
    return tag;
  }

  /** The training iteration of the weights, {@code E.._U.._S..}; null if the file records none. */
  public @Nullable String iteration() {
    return iteration;
  }

  /** The weights' variant, e.g. {@code ema=0.999}; null for the trained weights themselves. */
  public @Nullable String modelInfo() {
    return modelInfo;
  }

  /** The model file's {@code extras}: plain values and host tensors; never null, possibly empty. */
  public Map<String, Object> extras() {
    return extras;
  }

  /**
   * The scaler's parameters saved with the model ({@code extras.scaler_params}): what the inputs
   * were normalised with during training. Empty when the run had no scaler.
   */
  @SuppressWarnings("unchecked")
  public Optional<Map<String, Object>> scalerParams() {
    return extras.get(SCALER_PARAMS) instanceof Map<?, ?> m
        ? Optional.of((Map<String, Object>) m)
        : Optional.empty();
  }

  /**
   * The fields the model takes, in order: the training step's {@code inputs:} when the
   * configuration has them, else {@code [features]} (the field of an in-memory {@code
   * TensorDataset}).
   */
  public List<String> inputFields() {
    return inputFields;
  }

  /**
   * The scaler the training applied, rebuilt from {@link #scalerParams()}; empty when the run had
   * none. {@code scaler().get().conditionField()} names the field it needs per sample when its
   * parameters are per operating condition.
   */
  public Optional<Scaler> scaler() {
    return Optional.ofNullable(scaler);
  }

  /**
   * The per-sample shape of the first input as the model's configuration states it ({@code
   * model.input_shape}, or {@code [model.input_size]}); empty when the model kind's configuration
   * does not say.
   */
  public Optional<long[]> inputShape() {
    return InputScaling.inputShape(config);
  }

  /**
   * {@code inputs} (by field name, {@code [batch, ...]}) normalised as the training normalised
   * them: each field the saved scaler covers is scaled per channel with the saved parameters; the
   * others are returned as they are.
   *
   * @param conditions each sample's (or time step's) operating condition, when the scaler's
   *     parameters are per condition ({@code condition_field}); else null
   * @throws IllegalArgumentException naming the field when a shape does not fit the parameters, a
   *     needed condition is missing or has no parameters
   */
  public Map<String, HostTensor> scale(
      Map<String, HostTensor> inputs, @Nullable HostTensor conditions) {
    return InputScaling.scale(scaler, inputFields, inputs, conditions);
  }

  /** The run configuration the model was trained with, as a plain tree; never null. */
  public Map<String, Object> config() {
    return config;
  }

  /**
   * The forward pass on several inputs, in the order given (a model with one input takes a map of
   * one entry).
   *
   * @param inputs each of shape {@code [batch, ...]}
   * @return every head's predictions by name (heads the model did not name: {@value
   *     #DEFAULT_OUTPUT}, or {@code output_0}, {@code output_1}... when there are several), in the
   *     model's order; host tensors the caller owns
   */
  public Map<String, HostTensor> predictAll(Map<String, HostTensor> inputs) {
    return predictAll(inputs, null);
  }

  /**
   * As {@link #predictAll(Map)}, for a scaler whose parameters are per operating condition: {@code
   * conditions} holds each sample's condition ({@code [batch]}), or each time step's ({@code
   * [batch, steps]}).
   */
  public Map<String, HostTensor> predictAll(
      Map<String, HostTensor> inputs, @Nullable HostTensor conditions) {
    return predictAllRaw(scale(inputs, conditions));
  }

  /**
   * The forward pass on inputs that are already prepared as the model takes them (scaled by the
   * caller, or read from {@link Noether#dataset}, which scales): no scaling is applied.
   */
  public Map<String, HostTensor> predictAllRaw(Map<String, HostTensor> inputs) {
    DjlModel djl = djlModel();
    return GradMode.withoutRecording(
        () -> {
          try (NDManager manager = djl.manager().newSubManager()) {
            NDList list = new NDList();
            for (Map.Entry<String, HostTensor> e : inputs.entrySet()) {
              NDArray array = HostTransfer.toNDArray(e.getValue(), manager);
              array.setName(e.getKey());
              list.add(array);
            }
            NDList outputs;
            try {
              outputs = djl.forward(list, false);
            } catch (RuntimeException e) {
              throw new IllegalArgumentException(
                  "the forward pass of model '"
                      + model.name()
                      + "' failed on inputs "
                      + describe(inputs)
                      + ": "
                      + e.getMessage(),
                  e);
            }
            Map<String, HostTensor> out = new LinkedHashMap<>();
            for (int i = 0; i < outputs.size(); i++) {
              NDArray o = outputs.get(i);
              String name =
                  o.getName() != null && !o.getName().isEmpty()
                      ? o.getName()
                      : outputs.size() == 1 ? DEFAULT_OUTPUT : DEFAULT_OUTPUT + "_" + i;
              out.put(name, HostTransfer.toHost(o));
            }
            outputs.close();
            return out;
          }
        });
  }

  /**
   * The forward pass on one input of shape {@code [batch, ...]}, the first of {@link
   * #inputFields()}, scaled first when the run had a scaler; the first head's predictions.
   */
  public HostTensor predict(HostTensor input) {
    return predict(input, null);
  }

  /**
   * As {@link #predict(HostTensor)}, with each sample's operating conditions for a per-condition
   * scaler.
   */
  public HostTensor predict(HostTensor input, @Nullable HostTensor conditions) {
    return first(predictAll(Map.of(inputFields.get(0), input), conditions));
  }

  /** As {@link #predict(HostTensor)} on an input already scaled: the forward pass only. */
  public HostTensor predictRaw(HostTensor input) {
    return first(predictAllRaw(Map.of(inputFields.get(0), input)));
  }

  private static HostTensor first(Map<String, HostTensor> predictions) {
    return predictions.values().iterator().next();
  }

  /**
   * The forward pass on rows of features ({@code [batch][features]}, float32) of the first input
   * field, scaled first when the run had a scaler; the first head's predictions, one row per input
   * row.
   *
   * @throws IllegalArgumentException if the rows differ in length, or the model rejects them
   */
  public float[][] predict(float[][] rows) {
    return rows.length == 0 ? new float[0][] : rows(predict(tensor(rows)));
  }

  /** As {@link #predict(float[][])} on rows already scaled: the forward pass only. */
  public float[][] predictRaw(float[][] rows) {
    return rows.length == 0 ? new float[0][] : rows(predictRaw(tensor(rows)));
  }

  private static HostTensor tensor(float[][] rows) {
    int width = rows[0].length;
    float[] flat = new float[rows.length * width];
    for (int i = 0; i < rows.length; i++) {
      if (rows[i].length != width) {
        throw new IllegalArgumentException(
            "row " + i + " has " + rows[i].length + " values, row 0 has " + width);
      }
      System.arraycopy(rows[i], 0, flat, i * width, width);
    }
    return HostTensor.ofFloats(new long[] {rows.length, width}, flat);
  }

  /** A prediction tensor {@code [batch, ...]} as rows of float values (each row flattened). */
  public static float[][] rows(HostTensor predictions) {
    float[] values = floats(predictions);
    long[] shape = predictions.shape();
    int n = shape.length == 0 ? 1 : Math.toIntExact(shape[0]);
    int width = n == 0 ? 0 : values.length / n;
    float[][] out = new float[n][];
    for (int i = 0; i < n; i++) {
      out[i] = java.util.Arrays.copyOfRange(values, i * width, (i + 1) * width);
    }
    return out;
  }

  private static float[] floats(HostTensor t) {
    if (t.dtype() == DType.FLOAT32) {
      return t.toFloatArray();
    }
    if (t.dtype() == DType.FLOAT64) {
      double[] d = t.toDoubleArray();
      float[] f = new float[d.length];
      for (int i = 0; i < d.length; i++) {
        f[i] = (float) d[i];
      }
      return f;
    }
    if (t.dtype() == DType.INT64) {
      long[] l = t.toLongArray();
      float[] f = new float[l.length];
      for (int i = 0; i < l.length; i++) {
        f[i] = l[i];
      }
      return f;
    }
    throw new IllegalArgumentException(
        "predictions of dtype " + t.dtype() + " cannot be read as floats");
  }

  private DjlModel djlModel() {
    if (model instanceof DjlModel djl) {
      return djl;
    }
    throw new UnsupportedOperationException(
        "model '"
            + model.name()
            + "' is a "
            + model.getClass().getName()
            + "; predict runs DJL models");
  }

  private static String describe(Map<String, HostTensor> inputs) {
    List<String> parts = new ArrayList<>();
    inputs.forEach(
        (k, v) ->
            parts.add(
                k
                    + " "
                    + v.dtype().name().toLowerCase(java.util.Locale.ROOT)
                    + java.util.Arrays.toString(v.shape())));
    return String.join(", ", parts);
  }

  static @Nullable String iterationOf(@Nullable Object tree) {
    if (tree instanceof Map<?, ?> it && it.get(CheckpointKeys.EPOCH) != null) {
      return "E"
          + it.get(CheckpointKeys.EPOCH)
          + "_U"
          + it.get(CheckpointKeys.UPDATE)
          + "_S"
          + it.get(CheckpointKeys.SAMPLE);
    }
    return null;
  }

  @Override
  public void close() {
    model.close();
  }
}
