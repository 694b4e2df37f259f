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
    return "of size "
        + Arrays.toString(shape)
        + ", stride "
        + Arrays.toString(stride)
        + " at offset "
        + offset
        + " of "
        + storage;
  }
}
