package ai.noether.testkit;

import ai.noether.api.Nullable;
import ai.noether.api.tensor.DType;
import ai.noether.api.tensor.HostTensor;
import ai.noether.api.tensor.Tensor;
import java.util.Arrays;
import java.util.Objects;

/**
 * A tensor in Java arrays standing in for an engine tensor: float32 (arithmetic in float, as an
 * engine would do it) or int64 (a buffer such as a step counter).
 */
public final class TestTensor implements Tensor {
  private final DType dtype;
  private final long[] shape;
  // Exactly one of the two holds the values, the one of the dtype.
  private final @Nullable float[] floats;
  private final @Nullable long[] longs;
  private final boolean owned;
  private boolean closed;

  private TestTensor(
      DType dtype, long[] shape, @Nullable float[] floats, @Nullable long[] longs, boolean owned) {
    this.dtype = dtype;
    this.shape = shape.clone();
    this.floats = floats;
    this.longs = longs;
    this.owned = owned;
  }

  /** A float32 vector holding {@code values}, owned by a model. */
  public static TestTensor floats(float... values) {
    return new TestTensor(DType.FLOAT32, new long[] {values.length}, values.clone(), null, false);
  }

  /** An int64 vector holding {@code values}, owned by a model. */
  public static TestTensor longs(long... values) {
    return new TestTensor(DType.INT64, new long[] {values.length}, null, values.clone(), false);
  }

  private float[] floats() {
    return Objects.requireNonNull(floats, "not a float32 tensor");
  }

  private long[] longs() {
    return Objects.requireNonNull(longs, "not an int64 tensor");
  }

  public float[] floatValues() {
    return floats().clone();
  }

  public long[] longValues() {
    return longs().clone();
  }

  /** Overwrites the values (what an optimizer step does to a parameter). */
  public void set(float... values) {
    checkOpen();
    System.arraycopy(values, 0, floats(), 0, floats().length);
  }

  /** Overwrites the values of an int64 tensor. */
  public void set(long... values) {
    checkOpen();
    System.arraycopy(values, 0, longs(), 0, longs().length);
  }

  /** Adds {@code delta} elementwise in float (a gradient step). */
  public void addInPlace(float[] delta) {
    checkOpen();
    float[] values = floats();
    for (int i = 0; i < values.length; i++) {
      values[i] += delta[i];
    }
  }

  public boolean isClosed() {
    return closed;
  }

  @Override
  public DType dtype() {
    return dtype;
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  @Override
  public HostTensor toHost() {
    checkOpen();
    return dtype == DType.FLOAT32
        ? HostTensor.ofFloats(shape, floats().clone())
        : HostTensor.ofLongs(shape, longs().clone());
  }

  @Override
  public void copyFrom(HostTensor source) {
    checkOpen();
    if (source.dtype() != dtype || !Arrays.equals(source.shape(), shape)) {
      throw new IllegalArgumentException("cannot copy " + source + " into " + this);
    }
    if (dtype == DType.FLOAT32) {
      System.arraycopy(source.toFloatArray(), 0, floats(), 0, floats().length);
    } else {
      System.arraycopy(source.toLongArray(), 0, longs(), 0, longs().length);
    }
  }

  @Override
  public void copyFrom(Tensor source) {
    checkOpen();
    TestTensor other = requireCompatible(source);
    if (dtype == DType.FLOAT32) {
      System.arraycopy(other.floats(), 0, floats(), 0, floats().length);
    } else {
      System.arraycopy(other.longs(), 0, longs(), 0, longs().length);
    }
  }

  @Override
  public Tensor duplicate() {
    checkOpen();
    return new TestTensor(
        dtype,
        shape,
        floats == null ? null : floats.clone(),
        longs == null ? null : longs.clone(),
        true);
  }

  @Override
  public void lerpInPlace(Tensor target, double weight) {
    checkOpen();
    TestTensor other = requireCompatible(target);
    if (dtype != DType.FLOAT32) {
      throw new IllegalArgumentException("lerp needs a floating point tensor, not " + dtype);
    }
    float w = (float) weight;
    float[] values = floats();
    float[] others = other.floats();
    for (int i = 0; i < values.length; i++) {
      values[i] += w * (others[i] - values[i]);
    }
  }

  @Override
  public void close() {
    if (owned) {
      closed = true;
    }
  }

  private TestTensor requireCompatible(Tensor t) {
    TestTensor other = (TestTensor) t;
    other.checkOpen();
    if (other.dtype != dtype || !Arrays.equals(other.shape, shape)) {
      throw new IllegalArgumentException("cannot combine " + other + " with " + this);
    }
    return other;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("tensor used after close");
    }
  }

  @Override
  public String toString() {
    return "TestTensor[" + dtype + " " + Arrays.toString(shape) + "]";
  }
}
