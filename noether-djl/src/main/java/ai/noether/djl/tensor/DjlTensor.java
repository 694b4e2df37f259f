package ai.noether.djl.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.noether.api.tensor.DType;
import ai.noether.api.tensor.HostTensor;
import ai.noether.api.tensor.Tensor;
import ai.noether.djl.internal.GradMode;
import java.util.Objects;

/**
 * A {@link Tensor} backed by a DJL {@link NDArray}. Every operation runs natively on the array's
 * device; in-place operations keep the array's identity, so a handle to a model parameter stays the
 * parameter.
 *
 * <p>A handle is either a <em>view</em> of an array someone else owns (model parameters: closing
 * the handle does nothing) or <em>owning</em> (made by {@link #duplicate()}: closing it frees the
 * array). Not thread-safe, like the NDArray it wraps.
 */
public final class DjlTensor implements Tensor {
  private static final NDIndex ALL = new NDIndex("...");

  private final NDArray array;
  private final boolean owned;

  private DjlTensor(NDArray array, boolean owned) {
    this.array = Objects.requireNonNull(array, "array");
    this.owned = owned;
  }

  /** A handle to an array owned elsewhere; {@link #close()} leaves the array alone. */
  public static DjlTensor view(NDArray array) {
    return new DjlTensor(array, false);
  }

  /** A handle that owns {@code array} and frees it on {@link #close()}. */
  public static DjlTensor owning(NDArray array) {
    return new DjlTensor(array, true);
  }

  /** The wrapped array. */
  public NDArray array() {
    return array;
  }

  @Override
  public DType dtype() {
    return DTypes.of(array.getDataType());
  }

  @Override
  public long[] shape() {
    return array.getShape().getShape();
  }

  @Override
  public HostTensor toHost() {
    return HostTransfer.toHost(array);
  }

  @Override
  public void copyTo(java.nio.ByteBuffer target) {
    HostTransfer.copyTo(array, target);
  }

  @Override
  public void copyFrom(HostTensor source) {
    HostTransfer.copyInto(source, array);
  }

  @Override
  public void copyFrom(Tensor source) {
    if (!(source instanceof DjlTensor other)) {
      copyFrom(source.toHost());
      return;
    }
    HostTransfer.requireSameLayout(other.dtype(), other.shape(), array);
    GradMode.withoutRecording(
        () -> {
          try (NDScope scope = new NDScope()) {
            array.set(ALL, onThisDevice(other.array));
            scope.suppressNotUsedWarning();
          }
        });
  }

  @Override
  public DjlTensor duplicate() {
    return GradMode.withoutRecording(() -> owning(array.duplicate()));
  }

  /**
   * {@inheritDoc}
   *
   * <p>Runs as three native operations on the array's device ({@code d = target - this}, {@code d
   * *= weight}, {@code this += d}); the temporary is freed before returning.
   */
  @Override
  public void lerpInPlace(Tensor target, double weight) {
    if (!dtype().isFloatingPoint()) {
      throw new IllegalArgumentException(
          "lerpInPlace needs a floating point tensor, this one is " + dtype());
    }
    if (!(target instanceof DjlTensor other)) {
      try (NDScope scope = new NDScope()) {
        lerpTowards(
            HostTransfer.toNDArray(target.toHost(), array.getManager()),
            target.dtype(),
            target.shape(),
            weight);
        scope.suppressNotUsedWarning();
      }
      return;
    }
    lerpTowards(other.array, other.dtype(), other.shape(), weight);
  }

  private void lerpTowards(NDArray target, DType targetType, long[] targetShape, double weight) {
    HostTransfer.requireSameLayout(targetType, targetShape, array);
    GradMode.withoutRecording(
        () -> {
          try (NDScope scope = new NDScope()) {
            NDArray step = onThisDevice(target).sub(array);
            step.muli(weight);
            array.addi(step);
            scope.suppressNotUsedWarning();
          }
        });
  }

  private NDArray onThisDevice(NDArray other) {
    return other.getDevice().equals(array.getDevice())
        ? other
        : other.toDevice(array.getDevice(), true);
  }

  @Override
  public void close() {
    if (owned) {
      array.close();
    }
  }

  @Override
  public String toString() {
    return "DjlTensor["
        + HostTransfer.describe(dtype(), shape())
        + " on "
        + array.getDevice()
        + (owned ? ", owned" : "")
        + "]";
  }
}
