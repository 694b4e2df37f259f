package ai.noether.core.data;

import ai.noether.api.data.Field;
import ai.noether.api.data.FieldDataset;
import ai.noether.api.tensor.DType;
import ai.noether.api.tensor.HostTensor;
import ai.noether.core.config.ScalerConfig;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Fits a {@link Scaler} in one streaming pass over the training split: {@code chunk_size} samples
 * are gathered at a time, so memory stays bounded whatever the split's size. Means and variances
 * are accumulated with Welford's update in double precision (population variance, as scikit-learn's
 * {@code StandardScaler}); the pass is sequential, so the same data always gives the same
 * parameters bit for bit.
 */
final class ScalerFit {
  private ScalerFit() {}

  static Scaler fit(ScalerConfig config, FieldDataset train) {
    boolean standard = config.kind().equals(ScalerConfig.STANDARD);
    Map<String, Scaler.FieldParams> fields = new LinkedHashMap<>();
    for (String name : config.fields()) {
      Field field;
      try {
        field = train.field(name);
      } catch (java.util.NoSuchElementException e) {
        throw new IllegalArgumentException(
            "dataset.scaler.fields: the training split has no field '"
                + name
                + "'; its fields are "
                + train.fields().stream().map(Field::name).toList(),
            e);
      }
      Scaler.requireFloat(name, field.dtype());
      long[] sample = field.sampleShape();
      int channels = sample.length == 0 ? 1 : Math.toIntExact(sample[sample.length - 1]);
      if (channels == 0) {
        throw new IllegalArgumentException(
            "dataset.scaler.fields: field '" + name + "' has no channels " + field);
      }
      TreeMap<Long, Accumulator> byCondition = new TreeMap<>();
      long size = train.size();
      for (long from = 0; from < size; from += config.chunkSize()) {
        long[] indices = new long[(int) Math.min(config.chunkSize(), size - from)];
        for (int i = 0; i < indices.length; i++) {
          indices[i] = from + i;
        }
        HostTensor batch = train.gather(name, indices);
        double[] x = values(batch);
        long[] condition =
            config.conditionField() == null
                ? null
                : conditionPerRow(
                    name,
                    batch.shape(),
                    train.gather(config.conditionField(), indices),
                    config.conditionField());
        for (int i = 0; i < x.length; i++) {
          long key = condition == null ? 0 : condition[i / channels];
          byCondition.computeIfAbsent(key, k -> new Accumulator(channels)).add(i % channels, x[i]);
        }
      }
      if (byCondition.isEmpty()) {
        throw new IllegalArgumentException(
            "dataset.scaler: the training split has no samples to fit field '" + name + "' on");
      }
      int rows = byCondition.size();
      double[][] first = new double[rows][];
      double[][] second = new double[rows][];
      long[] count = new long[rows];
      long[] conditions = config.conditionField() == null ? new long[0] : new long[rows];
      int r = 0;
      for (Map.Entry<Long, Accumulator> e : byCondition.entrySet()) {
        Accumulator a = e.getValue();
        first[r] = standard ? a.mean.clone() : a.min.clone();
        second[r] = standard ? a.std() : a.max.clone();
        count[r] = a.count[0];
        if (conditions.length > 0) {
          conditions[r] = e.getKey();
        }
        r++;
      }
      fields.put(name, new Scaler.FieldParams(conditions, first, second, count, standard));
    }
    return new Scaler(config.kind(), config.conditionField(), fields);
  }

  /** Per channel: Welford's running mean and sum of squared deviations, and the extremes. */
  private static final class Accumulator {
    final long[] count;
    final double[] mean;
    final double[] m2;
    final double[] min;
    final double[] max;

    Accumulator(int channels) {
      count = new long[channels];
      mean = new double[channels];
      m2 = new double[channels];
      min = new double[channels];
      max = new double[channels];
      Arrays.fill(min, Double.POSITIVE_INFINITY);
      Arrays.fill(max, Double.NEGATIVE_INFINITY);
    }

    void add(int c, double x) {
      count[c]++;
      double delta = x - mean[c];
      mean[c] += delta / count[c];
      m2[c] += delta * (x - mean[c]);
      min[c] = Math.min(min[c], x);
      max[c] = Math.max(max[c], x);
    }

    double[] std() {
      double[] s = new double[mean.length];
      for (int c = 0; c < s.length; c++) {
        s[c] = Math.sqrt(m2[c] / count[c]);
      }
      return s;
    }
  }

  /** All values of a float32 or float64 tensor, in order. */
  static double[] values(HostTensor t) {
    long n = t.elementCount();
    if (n > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "a batch of " + n + " values is too large to scale; use a smaller chunk_size");
    }
    double[] out = new double[(int) n];
    int i = 0;
    DType type = t.dtype();
    for (ByteBuffer chunk : t.chunks()) {
      ByteBuffer b = chunk.duplicate().order(ByteOrder.LITTLE_ENDIAN);
      while (b.remaining() >= type.byteSize() && i < out.length) {
        out[i++] =
            switch (type) {
              case FLOAT32 -> b.getFloat();
              case FLOAT64 -> b.getDouble();
              case INT64 -> b.getLong();
              case INT32 -> b.getInt();
              case INT16 -> b.getShort();
              case INT8 -> b.get();
              case UINT8 -> b.get() & 0xff;
              default -> throw new IllegalArgumentException("cannot read " + type + " values");
            };
      }
    }
    return out;
  }

  /**
   * The condition cluster of each row (all but the last dimension) of a batch of a scaled field of
   * {@code shape}: the condition field holds one whole number per sample, or one per row.
   */
  static long[] conditionPerRow(
      String field, long[] shape, HostTensor conditions, String conditionField) {
    long samples = shape[0];
    long rowsPerSample = 1;
    for (int d = 1; d < shape.length - 1; d++) {
      rowsPerSample *= shape[d];
    }
    double[] values = values(conditions);
    long perSample = values.length / Math.max(1, samples);
    if (samples > 0 && values.length % samples != 0
        || perSample != 1 && perSample != rowsPerSample) {
      throw new IllegalArgumentException(
          "dataset.scaler.condition_field: field '"
              + conditionField
              + "' has "
              + Arrays.toString(
                  Arrays.copyOfRange(conditions.shape(), 1, conditions.shape().length))
              + " values per sample;"
              + " it must have one per sample or one per row of field '"
              + field
              + "' ("
              + rowsPerSample
              + ")");
    }
    long[] out = new long[Math.toIntExact(samples * rowsPerSample)];
    for (int r = 0; r < out.length; r++) {
      double v = values[perSample == 1 && rowsPerSample != 1 ? (int) (r / rowsPerSample) : r];
      if (v != Math.rint(v)) {
        throw new IllegalArgumentException(
            "dataset.scaler.condition_field: field '"
                + conditionField
                + "' must hold"
                + " whole numbers (cluster ids), but holds "
                + v);
      }
      out[r] = (long) v;
    }
    return out;
  }
}
