package ai.noether.core.data;

import ai.noether.api.Nullable;
import ai.noether.api.checkpoint.CheckpointKeys;
import ai.noether.api.data.Field;
import ai.noether.api.data.FieldDataset;
import ai.noether.api.tensor.DType;
import ai.noether.api.tensor.HostTensor;
import ai.noether.core.config.ScalerConfig;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Fitted normalisation parameters for some fields of a dataset, per channel (the last dimension of
 * a field's sample shape) and optionally per operating-condition cluster: every value {@code x}
 * becomes {@code (x - offset) / scale}, where offset and scale are the training split's mean and
 * standard deviation ({@code standard}) or its minimum and range ({@code min-max}). A scale of 0 (a
 * constant channel) is taken as 1, as scikit-learn does.
 *
 * <p>The parameters are plain values ({@link #toParams()}): they are saved as {@value
 * CheckpointKeys#SCALER_PARAMS} in every model file's extras and in the trainer state, and {@link
 * #fromParams} rebuilds the same scaler bit for bit (doubles are stored exactly), so a resume and
 * an inference apply what training fitted, never a refit.
 *
 * <p>Immutable and thread-safe.
 */
public final class Scaler {
  // Keys of the parameters (the value of scaler_params); a contract of the model file.
  static final String KIND = "kind";
  static final String CONDITION_FIELD = "condition_field";
  static final String FIELDS = "fields";
  static final String CHANNELS = "channels";
  static final String CONDITIONS = "conditions";
  static final String COUNT = "count";

  private final String kind;
  @Nullable private final String conditionField;
  private final Map<String, FieldParams> fields;

  /**
   * One field's parameters as fitted and stored.
   *
   * @param conditions the condition cluster ids, ascending; empty without a condition field
   * @param first per condition (one row when there are none), per channel: the mean or the minimum
   * @param second per condition and channel: the standard deviation or the maximum
   * @param count values per condition the fit saw (per channel each)
   * @param standard whether first and second are mean and standard deviation
   */
  record FieldParams(
      long[] conditions, double[][] first, double[][] second, long[] count, boolean standard) {
    int channels() {
      return first[0].length;
    }

    /** What a value is divided by after the offset is subtracted: never 0. */
    double scale(int row, int channel) {
      double s = standard ? second[row][channel] : second[row][channel] - first[row][channel];
      return s == 0 ? 1 : s;
    }

    int row(long condition, String field) {
      if (conditions.length == 0) {
        return 0;
      }
      int i = Arrays.binarySearch(conditions, condition);
      if (i < 0) {
        throw new IllegalArgumentException(
            "the scaler of field '"
                + field
                + "' has no parameters for operating condition "
                + condition
                + ": the training split had only "
                + Arrays.toString(conditions));
      }
      return i;
    }
  }

  Scaler(String kind, @Nullable String conditionField, Map<String, FieldParams> fields) {
    this.kind = Objects.requireNonNull(kind, "kind");
    this.conditionField = conditionField;
    this.fields = Map.copyOf(fields);
  }

  /**
   * Fits a scaler on {@code train}, reading {@code config.chunkSize()} samples at a time.
   *
   * @throws IllegalArgumentException naming the field when it is missing, not floating point, or
   *     its condition field does not fit it
   */
  public static Scaler fit(ScalerConfig config, FieldDataset train) {
    return ScalerFit.fit(config, train);
  }

  /** The kind, {@code standard} or {@code min-max}. */
  public String kind() {
    return kind;
  }

  /** The fields it scales. */
  public java.util.Set<String> fields() {
    return fields.keySet();
  }

  /** The field holding the operating-condition clusters; null when the parameters are global. */
  @Nullable
  public String conditionField() {
    return conditionField;
  }

  /** Whether {@code field} is scaled. */
  public boolean scales(String field) {
    return fields.containsKey(field);
  }

  /**
   * A new tensor with the values of {@code values} (a batch of field {@code field}) scaled.
   *
   * @param conditions the condition field's values for the same samples; null when the scaler has
   *     no condition field
   * @throws IllegalArgumentException naming the field when shapes do not fit or a condition has no
   *     parameters
   */
  public HostTensor apply(String field, HostTensor values, @Nullable HostTensor conditions) {
    FieldParams p = fields.get(field);
    if (p == null) {
      return values;
    }
    DType dtype = values.dtype();
    requireFloat(field, dtype);
    long[] shape = values.shape();
    int channels = shape.length <= 1 ? 1 : (int) shape[shape.length - 1];
    if (channels != p.channels()) {
      throw new IllegalArgumentException(
          "the scaler of field '"
              + field
              + "' was fitted on "
              + p.channels()
              + " channels, but a batch of it is "
              + Arrays.toString(shape));
    }
    double[] x = ScalerFit.values(values);
    long[] condition =
        conditions == null || conditionField == null
            ? null
            : ScalerFit.conditionPerRow(field, shape, conditions, conditionField);
    ByteBuffer target =
        ByteBuffer.allocateDirect(Math.multiplyExact(x.length, dtype.byteSize()))
            .order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < x.length; i++) {
      int c = i % channels;
      int row = condition == null ? 0 : p.row(condition[i / channels], field);
      double scaled = (x[i] - p.first[row][c]) / p.scale(row, c);
      if (dtype == DType.FLOAT32) {
        target.putFloat((float) scaled);
      } else {
        target.putDouble(scaled);
      }
    }
    return HostTensor.wrap(dtype, shape, target.flip());
  }

  static void requireFloat(String field, DType dtype) {
    if (dtype != DType.FLOAT32 && dtype != DType.FLOAT64) {
      throw new IllegalArgumentException(
          "the scaler scales floating-point fields, but field '"
              + field
              + "' is "
              + dtype
              + "; list only float32 or float64 fields under dataset.scaler.fields");
    }
  }

  /**
   * The parameters as plain values: {@code {kind, condition_field?, fields: {name: {channels,
   * conditions?, mean|min, std|max, count}}}}, each list per channel (a list of such lists, one per
   * condition, with a condition field). For {@code min-max} the stored values are the minimum and
   * maximum.
   */
  public Map<String, Object> toParams() {
    Map<String, Object> params = new LinkedHashMap<>();
    params.put(KIND, kind);
    if (conditionField != null) {
      params.put(CONDITION_FIELD, conditionField);
    }
    Map<String, Object> byField = new LinkedHashMap<>();
    new java.util.TreeMap<>(fields)
        .forEach(
            (name, p) -> {
              Map<String, Object> f = new LinkedHashMap<>();
              f.put(CHANNELS, (long) p.channels());
              boolean clustered = p.conditions.length > 0;
              if (clustered) {
                f.put(CONDITIONS, Arrays.stream(p.conditions).boxed().toList());
              }
              f.put(p.standard ? "mean" : "min", lists(p.first, clustered));
              f.put(p.standard ? "std" : "max", lists(p.second, clustered));
              f.put(COUNT, clustered ? Arrays.stream(p.count).boxed().toList() : p.count[0]);
              byField.put(name, f);
            });
    params.put(FIELDS, byField);
    return params;
  }

  private static Object lists(double[][] rows, boolean clustered) {
    List<Object> out = new ArrayList<>();
    for (double[] row : rows) {
      out.add(Arrays.stream(row).boxed().toList());
    }
    return clustered ? out : out.get(0);
  }

  /**
   * The scaler whose parameters are {@code params} (as {@link #toParams()} wrote them, or read back
   * from a checkpoint).
   *
   * @throws IllegalArgumentException naming what is missing or malformed
   */
  @SuppressWarnings("unchecked")
  public static Scaler fromParams(Object params) {
    if (!(params instanceof Map<?, ?> map)) {
      throw new IllegalArgumentException(
          CheckpointKeys.SCALER_PARAMS + " must be a mapping, got " + describe(params));
    }
    String kind = String.valueOf(map.get(KIND));
    if (!kind.equals(ScalerConfig.STANDARD) && !kind.equals(ScalerConfig.MIN_MAX)) {
      throw new IllegalArgumentException(
          CheckpointKeys.SCALER_PARAMS
              + "."
              + KIND
              + " is '"
              + kind
              + "'; known: "
              + ScalerConfig.STANDARD
              + ", "
              + ScalerConfig.MIN_MAX);
    }
    String condition = map.get(CONDITION_FIELD) instanceof String s ? s : null;
    if (!(map.get(FIELDS) instanceof Map<?, ?> byField)) {
      throw new IllegalArgumentException(
          CheckpointKeys.SCALER_PARAMS + "." + FIELDS + " is missing or not a mapping");
    }
    boolean standard = kind.equals(ScalerConfig.STANDARD);
    Map<String, FieldParams> fields = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : byField.entrySet()) {
      String name = String.valueOf(e.getKey());
      String where = CheckpointKeys.SCALER_PARAMS + "." + FIELDS + "." + name;
      if (!(e.getValue() instanceof Map<?, ?> f)) {
        throw new IllegalArgumentException(where + " is not a mapping");
      }
      List<Object> conditionIds = (List<Object>) f.get(CONDITIONS);
      boolean clustered = conditionIds != null;
      long[] conditions =
          conditionIds != null
              ? conditionIds.stream().mapToLong(o -> ((Number) o).longValue()).toArray()
              : new long[0];
      double[][] first = rows(f.get(standard ? "mean" : "min"), clustered, where);
      double[][] second = rows(f.get(standard ? "std" : "max"), clustered, where);
      long[] count =
          clustered
              ? counts(f.get(COUNT), where)
              : new long[] {f.get(COUNT) instanceof Number n ? n.longValue() : 0};
      if (first.length != second.length || first.length != Math.max(1, conditions.length)) {
        throw new IllegalArgumentException(
            where
                + " has parameter lists for "
                + first.length
                + " and "
                + second.length
                + " conditions, and "
                + conditions.length
                + " condition ids");
      }
      fields.put(name, new FieldParams(conditions, first, second, count, standard));
    }
    return new Scaler(kind, condition, fields);
  }

  private static long[] counts(@Nullable Object value, String where) {
    if (!(value instanceof List<?> list)) {
      throw new IllegalArgumentException(where + " lacks its " + COUNT + " list");
    }
    return list.stream().mapToLong(o -> ((Number) o).longValue()).toArray();
  }

  @SuppressWarnings("unchecked")
  private static double[][] rows(@Nullable Object value, boolean clustered, String where) {
    if (!(value instanceof List<?> list)) {
      throw new IllegalArgumentException(where + " lacks its parameter lists");
    }
    List<Object> rows = clustered ? (List<Object>) list : List.of(list);
    double[][] out = new double[rows.size()][];
    for (int r = 0; r < out.length; r++) {
      out[r] =
          ((List<Object>) rows.get(r))
              .stream().mapToDouble(o -> ((Number) o).doubleValue()).toArray();
    }
    return out;
  }

  private static String describe(Object o) {
    return o == null ? "nothing" : o.getClass().getSimpleName();
  }

  /** Fails unless {@code dataset} has the fields this scaler scales (and its condition field). */
  void requireFieldsOf(FieldDataset dataset, String split) {
    for (String name : fields.keySet()) {
      Field f;
      try {
        f = dataset.field(name);
      } catch (java.util.NoSuchElementException e) {
        throw new IllegalArgumentException(
            "dataset.scaler: the "
                + split
                + " split has no field '"
                + name
                + "'; its"
                + " fields are "
                + dataset.fields().stream().map(Field::name).toList(),
            e);
      }
      requireFloat(name, f.dtype());
    }
    if (conditionField != null) {
      try {
        dataset.field(conditionField);
      } catch (java.util.NoSuchElementException e) {
        throw new IllegalArgumentException(
            "dataset.scaler.condition_field: the "
                + split
                + " split has no field '"
                + conditionField
                + "'; its fields are "
                + dataset.fields().stream().map(Field::name).toList(),
            e);
      }
    }
  }
}
