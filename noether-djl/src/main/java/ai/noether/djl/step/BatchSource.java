package ai.noether.djl.step;

import ai.djl.ndarray.NDManager;
import ai.noether.api.data.TensorDataset;

/**
 * Where the rows of a batch come from. Two strategies, chosen by the step's {@code gather}
 * setting:
 *
 * <ul>
 *   <li>{@link DeviceBatchSource}: the split is copied to the device once and batches are gathered
 *       there with an index (one small host-to-device copy of the indices per batch);
 *   <li>{@link HostBatchSource}: rows are copied from host memory into a batch buffer and the batch
 *       is moved to the device (no device memory for the split).
 * </ul>
 */
interface BatchSource extends AutoCloseable {

  /** The rows {@code indices}, in that order, as arrays attached to {@code manager}. */
  Batch gather(long[] indices, NDManager manager);

  /** The rows {@code from} (inclusive) to {@code to} (exclusive). */
  Batch range(long from, long to, NDManager manager);

  @Override
  void close();

  /** How a split's rows reach the device. */
  enum Strategy {
    /** Keep a copy of the split on the device when it is small enough, else gather on the host. */
    AUTO,
    /** Keep a copy of the split on the device. */
    DEVICE,
    /** Gather rows on the host. */
    HOST;

    /** Splits up to this size are kept on the device by {@link #AUTO}. */
    static final long AUTO_DEVICE_LIMIT_BYTES = 512L << 20;

    static Strategy parse(String text) {
      for (Strategy s : values()) {
        if (s.name().equalsIgnoreCase(text == null ? "" : text.strip())) {
          return s;
        }
      }
      throw new IllegalArgumentException("gather '" + text + "' is not known; valid: auto, device, host");
    }

    BatchSource open(TensorDataset split, NDManager deviceManager) {
      long bytes = split.features().byteSize() + split.targets().byteSize();
      boolean device = this == DEVICE || (this == AUTO && bytes <= AUTO_DEVICE_LIMIT_BYTES);
      return device ? new DeviceBatchSource(split, deviceManager) : new HostBatchSource(split, deviceManager.getDevice());
    }
  }
}
