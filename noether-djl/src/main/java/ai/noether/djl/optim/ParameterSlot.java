package ai.noether.djl.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.noether.api.Nullable;
import ai.noether.api.tensor.DType;
import ai.noether.api.tensor.HostTensor;
import ai.noether.djl.tensor.DTypes;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * An optimizer's view of one trainable parameter: the parameter itself, its learning-rate factor
 * and weight decay (from the parameter groups), its update count and its state buffers ({@code
 * exp_avg}, {@code momentum_buffer}, ...) by PyTorch's names, in creation order.
 *
 * <p>The buffers belong to the slot, not to the step's {@code NDScope}: they live until they are
 * replaced or the state is reset.
 */
public final class ParameterSlot {
  private final String path;
  private final NDArray weight;
  private final double lrFactor;
  private final double weightDecay;
  private long step;
  private final Map<String, NDArray> buffers = new LinkedHashMap<>();

  ParameterSlot(String path, NDArray weight, double lrFactor, double weightDecay) {
    this.path = path;
    this.weight = weight;
    this.lrFactor = lrFactor;
    this.weightDecay = weightDecay;
  }

  /** The parameter's path. */
  public String path() {
    return path;
  }

  /** The parameter itself. */
  public NDArray weight() {
    return weight;
  }

  /** This parameter's learning rate relative to the optimizer's (its group's {@code lr / lr}). */
  double lrFactor() {
    return lrFactor;
  }

  /** This parameter's weight decay (after {@code param_groups} and {@code no_weight_decay}). */
  public double weightDecay() {
    return weightDecay;
  }

  /** Updates applied to this parameter so far. */
  public long step() {
    return step;
  }

  /** Counts one more update and returns the new count. */
  public long incrementStep() {
    return ++step;
  }

  /** A buffer, or null if it does not exist yet. */
  public @Nullable NDArray buffer(String name) {
    return buffers.get(name);
  }

  /**
   * The buffer, created as zeros like the parameter on first use. It belongs to the slot, not to
   * the step's scope.
   */
  public NDArray bufferOrZeros(String name) {
    NDArray b = buffers.get(name);
    if (b == null) {
      b = keep(weight.zerosLike());
      buffers.put(name, b);
    }
    return b;
  }

  /** Stores {@code value} (taking ownership, out of the step's scope) as a buffer. */
  public void putBuffer(String name, NDArray value) {
    NDArray old = buffers.put(name, keep(value));
    if (old != null && old != value) {
      old.close();
    }
  }

  /** The buffers by name, in creation order; a read-only view. */
  Map<String, NDArray> buffers() {
    return Collections.unmodifiableMap(buffers);
  }

  /** True once the parameter has been updated or given buffers. */
  boolean hasState() {
    return step > 0 || !buffers.isEmpty();
  }

  /** Frees the buffers and sets the update count back to 0. */
  void reset() {
    buffers.values().forEach(NDArray::close);
    buffers.clear();
    step = 0;
  }

  /** Sets the update count of a restored state. */
  void restoreStep(long step) {
    this.step = step;
  }

  /** True when {@code host} has the parameter's shape and dtype. */
  boolean fits(HostTensor host) {
    return Arrays.equals(host.shape(), weight.getShape().getShape())
        && host.dtype() == DTypes.of(weight.getDataType());
  }

  /** The parameter's dtype and shape as messages write them, e.g. {@code float32[4, 2]}. */
  String layout() {
    return layout(DTypes.of(weight.getDataType()), weight.getShape().getShape());
  }

  /** A dtype and shape as messages write them, e.g. {@code float32[4, 2]}. */
  static String layout(DType dtype, long[] shape) {
    return dtype.name().toLowerCase(Locale.ROOT) + Arrays.toString(shape);
  }

  private static NDArray keep(NDArray array) {
    NDScope.unregister(array);
    return array;
  }
}
