package ai.noether.api.tensor;

/**
 * A handle to a tensor that lives in an engine (for DJL: an {@code NDArray}, possibly on a GPU).
 * Callbacks such as EMA work on these handles so that their arithmetic runs natively on the
 * tensor's device; no Java loop ever walks the elements.
 *
 * <p>Handles returned by a {@code Model} stay valid for the model's lifetime. Handles created by
 * {@link #duplicate()} belong to the caller, who must {@link #close()} them.
 */
public interface Tensor extends AutoCloseable {

  /** Element type; never null. */
  DType dtype();

  /** Shape; a fresh array, empty for a scalar. */
  long[] shape();

  /** Copies the values to host memory. The snapshot does not change when the tensor does. */
  HostTensor toHost();

  /**
   * Copies the values as little-endian bytes in row-major order into {@code target} at its position
   * and advances it past them: for a component that keeps a host copy and refreshes it in place
   * instead of allocating a new one each time. During a checkpoint snapshot the bytes may land only
   * when the snapshot is complete (engines copy a snapshot with several threads); elsewhere at
   * once. Default: through {@link #toHost()}.
   *
   * @throws IllegalArgumentException if {@code target} has less room than the tensor has bytes
   */
  default void copyTo(java.nio.ByteBuffer target) {
    HostTensor host = toHost();
    if (host.byteSize() > target.remaining()) {
      throw new IllegalArgumentException(
          "a tensor of "
              + host.byteSize()
              + " bytes does not fit into a buffer with room for "
              + target.remaining());
    }
    for (java.nio.ByteBuffer chunk : host.chunks()) {
      target.put(chunk);
    }
  }

  /**
   * Overwrites this tensor's values in place.
   *
   * @throws IllegalArgumentException if dtype or shape differ
   */
  void copyFrom(HostTensor source);

  /**
   * Overwrites this tensor's values in place with another engine tensor's.
   *
   * @throws IllegalArgumentException if dtype or shape differ
   */
  void copyFrom(Tensor source);

  /** A new tensor on the same device holding a copy of the current values; the caller closes it. */
  Tensor duplicate();

  /**
   * Moves this tensor towards {@code target} in place: {@code this += weight * (target - this)}.
   * With {@code weight = 1 - factor} this is one exponential-moving-average step.
   *
   * @throws IllegalArgumentException if dtype or shape differ
   */
  void lerpInPlace(Tensor target, double weight);

  /** Releases engine memory of a handle this caller owns; a no-op for model-owned handles. */
  @Override
  void close();
}
