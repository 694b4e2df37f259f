package ai.noether.djl.step;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.noether.api.data.TensorDataset;
import ai.noether.api.tensor.HostTensor;
import ai.noether.djl.tensor.DTypes;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Gathers the rows of a batch from host memory: each row's bytes are copied into a batch buffer,
 * which becomes an NDArray on the device. Nothing of the split lives on the device.
 */
final class HostBatchSource implements BatchSource {
  private final Rows features;
  private final Rows targets;
  private final Device device;

  HostBatchSource(TensorDataset split, Device device) {
    this.features = new Rows(split.features());
    this.targets = new Rows(split.targets());
    this.device = device;
  }

  @Override
  public Batch gather(long[] indices, NDManager batchManager) {
    return new Batch(new NDList(features.gather(indices, batchManager, device)),
        new NDList(targets.gather(indices, batchManager, device)));
  }

  @Override
  public Batch range(long from, long to, NDManager batchManager) {
    long[] indices = new long[Math.toIntExact(to - from)];
    for (int i = 0; i < indices.length; i++) {
      indices[i] = from + i;
    }
    return gather(indices, batchManager);
  }

  @Override
  public void close() {}

  /** The rows of one host tensor. */
  private static final class Rows {
    private final HostTensor tensor;
    private final List<ByteBuffer> chunks;
    private final long[] rowShape;
    private final int rowBytes;

    Rows(HostTensor tensor) {
      this.tensor = tensor;
      this.chunks = tensor.chunks();
      long[] shape = tensor.shape();
      this.rowShape = java.util.Arrays.copyOfRange(shape, 1, shape.length);
      this.rowBytes = Math.toIntExact(tensor.byteSize() / Math.max(1, shape[0]));
    }

    NDArray gather(long[] indices, NDManager manager, Device device) {
      ByteBuffer batch = ByteBuffer.allocateDirect(Math.multiplyExact(indices.length, rowBytes)).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < indices.length; i++) {
        copyRow(indices[i], batch, i * rowBytes);
      }
      long[] shape = new long[rowShape.length + 1];
      shape[0] = indices.length;
      System.arraycopy(rowShape, 0, shape, 1, rowShape.length);
      // The array shares the buffer's memory on the CPU; the buffer belongs to this batch only.
      NDArray array = manager.create(batch, new Shape(shape), DTypes.of(tensor.dtype()));
      return device.equals(array.getDevice()) ? array : array.toDevice(device, false);
    }

    private void copyRow(long row, ByteBuffer into, int at) {
      long offset = row * rowBytes;
      int written = 0;
      for (ByteBuffer chunk : chunks) {
        int size = chunk.remaining();
        if (offset >= size) {
          offset -= size;
          continue;
        }
        int n = (int) Math.min(size - offset, rowBytes - written);
        into.put(at + written, chunk, (int) offset, n);
        written += n;
        offset = 0;
        if (written == rowBytes) {
          return;
        }
      }
      throw new IndexOutOfBoundsException("row " + row + " is outside a tensor of " + java.util.Arrays.toString(tensor.shape()));
    }
  }
}
