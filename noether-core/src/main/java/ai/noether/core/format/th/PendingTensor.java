package ai.noether.core.format.th;

import java.util.Arrays;

/**
 * A tensor as the pickle describes it, turned into a {@link ai.noether.api.tensor.HostTensor} by
 * {@link ObjectGraphCheck} once the whole tree is read and checked.
 */
record PendingTensor(
    RestrictedUnpickler.Storage storage, long offset, long[] shape, long[] stride) {
  @Override
  public String toString() {
    return layout(shape, stride, offset) + " of " + storage;
  }

  /**
   * How error messages name a tensor's place in its storage: {@code of size [2, 3], stride [3, 1]
   * at offset 0}.
   */
  static String layout(long[] shape, long[] stride, long offset) {
    return "of size "
        + Arrays.toString(shape)
        + ", stride "
        + Arrays.toString(stride)
        + " at offset "
        + offset;
  }
}
