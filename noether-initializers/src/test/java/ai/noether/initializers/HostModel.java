package ai.noether.initializers;

import ai.noether.api.model.LoadReport;
import ai.noether.api.model.Model;
import ai.noether.api.model.StateDictMismatchException;
import ai.noether.api.tensor.DType;
import ai.noether.api.tensor.HostTensor;
import ai.noether.api.tensor.Tensor;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A {@link Model} whose float32 tensors live in host memory, for tests that need no engine. It
 * keeps the {@code Model} contract the way the DJL model does: strict loads check every key before
 * copying anything; tensors reject values of another dtype or shape.
 */
public final class HostModel implements Model {
  private final String name;
  private final Map<String, Tensor> parameters = new LinkedHashMap<>();

  private HostModel(String name) {
    this.name = name;
  }

  /** A model without tensors; add them with {@link #with}. */
  public static HostModel named(String name) {
    return new HostModel(name);
  }

  /**
   * Adds a float32 tensor of this shape with "fresh" values derived from its key, so that two
   * models with the same key start equal and any copied value is told apart from a fresh one.
   */
  public HostModel with(String key, long... shape) {
    int n = Math.toIntExact(Arrays.stream(shape).reduce(1, Math::multiplyExact));
    float[] values = new float[n];
    int seed = key.hashCode();
    for (int i = 0; i < n; i++) {
      values[i] = (float) Math.sin(seed * 0.001 + i) * 0.5f;
    }
    parameters.put(key, new HostParameter(HostTensor.ofFloats(shape, values)));
    return this;
  }

  /** The current values of one tensor. */
  public float[] values(String key) {
    return parameters.get(key).toHost().toFloatArray();
  }

  /** The current values of every tensor, by key. */
  public Map<String, float[]> allValues() {
    Map<String, float[]> out = new LinkedHashMap<>();
    parameters.keySet().forEach(k -> out.put(k, values(k)));
    return out;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Map<String, Tensor> parameters() {
    return Collections.unmodifiableMap(parameters);
  }

  @Override
  public Map<String, Tensor> trainableParameters() {
    return parameters();
  }

  @Override
  public Map<String, HostTensor> stateDict() {
    Map<String, HostTensor> out = new LinkedHashMap<>();
    parameters.forEach((k, v) -> out.put(k, v.toHost()));
    return out;
  }

  @Override
  public LoadReport load(Map<String, HostTensor> stateDict, boolean strict) {
    List<String> loaded = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    List<LoadReport.Mismatch> mismatched = new ArrayList<>();
    for (Map.Entry<String, Tensor> e : parameters.entrySet()) {
      HostTensor given = stateDict.get(e.getKey());
      Tensor own = e.getValue();
      if (given == null) {
        missing.add(e.getKey());
      } else if (given.dtype() != own.dtype() || !Arrays.equals(given.shape(), own.shape())) {
        mismatched.add(
            new LoadReport.Mismatch(
                e.getKey(), lower(own.dtype()), own.shape(), lower(given.dtype()), given.shape()));
      } else {
        loaded.add(e.getKey());
      }
    }
    List<String> unexpected =
        stateDict.keySet().stream().filter(k -> !parameters.containsKey(k)).toList();
    LoadReport report = new LoadReport(loaded, missing, unexpected, mismatched);
    if (strict && !report.isExact()) {
      throw new StateDictMismatchException(name, report);
    }
    for (String key : loaded) {
      parameters.get(key).copyFrom(stateDict.get(key));
    }
    return report;
  }

  private static String lower(DType type) {
    return type.name().toLowerCase(Locale.ROOT);
  }

  @Override
  public Map<String, Object> config() {
    return Map.of();
  }

  @Override
  public void close() {}

  /** A tensor in host memory; {@link #toHost()} returns a copy. */
  static final class HostParameter implements Tensor {
    private HostTensor value;

    HostParameter(HostTensor value) {
      this.value = copy(value);
    }

    private static HostTensor copy(HostTensor t) {
      ByteBuffer b = ByteBuffer.allocateDirect(Math.toIntExact(t.byteSize()));
      b.put(t.buffer()).flip();
      return HostTensor.wrap(t.dtype(), t.shape(), b);
    }

    @Override
    public DType dtype() {
      return value.dtype();
    }

    @Override
    public long[] shape() {
      return value.shape();
    }

    @Override
    public HostTensor toHost() {
      return copy(value);
    }

    @Override
    public void copyFrom(HostTensor source) {
      if (source.dtype() != value.dtype() || !Arrays.equals(source.shape(), value.shape())) {
        throw new IllegalArgumentException("cannot copy " + source + " into " + value);
      }
      value = copy(source);
    }

    @Override
    public void copyFrom(Tensor source) {
      copyFrom(source.toHost());
    }

    @Override
    public Tensor duplicate() {
      return new HostParameter(value);
    }

    @Override
    public void lerpInPlace(Tensor target, double weight) {
      float[] a = value.toFloatArray();
      float[] b = target.toHost().toFloatArray();
      for (int i = 0; i < a.length; i++) {
        a[i] += (float) (weight * (b[i] - a[i]));
      }
      value = HostTensor.ofFloats(value.shape(), a);
    }

    @Override
    public void close() {}
  }
}
