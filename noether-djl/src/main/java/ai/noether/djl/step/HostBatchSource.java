package ai.noether.djl.step;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.noether.api.Nullable;
import ai.noether.api.data.FieldDataset;
import ai.noether.api.data.TensorDataset;
import ai.noether.api.tensor.HostTensor;
import ai.noether.djl.tensor.DTypes;
import ai.noether.djl.tensor.HostTransfer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Gathers the rows of a batch from host memory. For a {@link TensorDataset}, on the CPU each row's
 * bytes are copied straight into the memory of a new tensor; for an accelerator they are staged in
 * a reused direct buffer and copied to the device. Nothing of the split is duplicated. Any other
 * {@link FieldDataset} gathers each field itself ({@link FieldDataset#gather}, reading only the
 * batch's samples) and the result is copied into the batch's tensor.
 */
final class HostBatchSource implements BatchSource {
  private final List<FieldRows> inputs = new ArrayList<>();
  private final List<FieldRows> targets = new ArrayList<>();
  private final Device device;

  HostBatchSource(TensorDataset split, Device device) {
    this(split, BatchFields.TENSORS, device);
  }

  HostBatchSource(FieldDataset split, BatchFields fields, Device device) {
    for (String name : fields.inputs()) {
      inputs.add(rowsOf(split, name));
    }
    for (String name : fields.targets()) {
      targets.add(rowsOf(split, name));
    }
    this.device = device;
  }

  private static FieldRows rowsOf(FieldDataset split, String name) {
    if (split instanceof TensorDataset t) {
      return new Rows(name, TensorDataset.FEATURES.equals(name) ? t.features() : t.targets());
    }
    return new Gathered(split, name);
  }

  @Override
  public Batch gather(long[] indices, NDManager batchManager) {
    return new Batch(
        gatherAll(inputs, indices, batchManager), gatherAll(targets, indices, batchManager));
  }

  private NDList gatherAll(List<FieldRows> fields, long[] indices, NDManager manager) {
    NDList out = new NDList(fields.size());
    for (FieldRows f : fields) {
      NDArray array = f.gather(indices, manager, device);
      array.setName(f.name());
      out.add(array);
    }
    return out;
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

  /** One field's rows. */
  private interface FieldRows {
    String name();

    NDArray gather(long[] indices, NDManager manager, Device device);
  }

  /**
   * A field of any {@link FieldDataset}: the dataset gathers, the result is copied to the device.
   */
  private record Gathered(FieldDataset split, String name) implements FieldRows {
    @Override
    public NDArray gather(long[] indices, NDManager manager, Device device) {
      HostTensor host = split.gather(name, indices);
      if (host.byteSize() > 0 && Rows.isCpu(device) && Rows.isCpu(manager.getDevice())) {
        // Copied by Java into the new tensor's memory: no engine operation on this (possibly the
        // prefetching) thread, whose engine threads are not limited like the training thread's.
        NDArray array = manager.create(new Shape(host.shape()), DTypes.of(host.dtype()));
        if (array instanceof PtNDArray pt) {
          ByteBuffer into = pt.toByteBuffer(true);
          for (ByteBuffer chunk : host.chunks()) {
            into.put(chunk.duplicate());
          }
          return array;
        }
        array.close();
      }
      return HostTransfer.toNDArray(host, manager);
    }
  }

  /** The rows of one host tensor. */
  private static final class Rows implements FieldRows {
    private final String name;
    private final HostTensor tensor;
    private final List<ByteBuffer> chunks;
    private final long[] rowShape;
    private final int rowBytes;
    private @Nullable ByteBuffer staging;

    Rows(String name, HostTensor tensor) {
      this.name = name;
      this.tensor = tensor;
      this.chunks = tensor.chunks();
      long[] shape = tensor.shape();
      this.rowShape = java.util.Arrays.copyOfRange(shape, 1, shape.length);
      this.rowBytes = Math.toIntExact(tensor.byteSize() / Math.max(1, shape[0]));
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public NDArray gather(long[] indices, NDManager manager, Device device) {
      long[] shape = new long[rowShape.length + 1];
      shape[0] = indices.length;
      System.arraycopy(rowShape, 0, shape, 1, rowShape.length);
      DataType type = DTypes.of(tensor.dtype());
      int bytes = Math.multiplyExact(indices.length, rowBytes);
      if (bytes > 0 && isCpu(device) && isCpu(manager.getDevice())) {
        // Rows go straight into the new tensor's memory: no staging buffer, no second copy.
        NDArray array = manager.create(new Shape(shape), type);
        if (array instanceof PtNDArray pt) {
          fill(indices, pt.toByteBuffer(true).order(ByteOrder.LITTLE_ENDIAN));
          return array;
        }
        array.close();
      }
      return staged(indices, manager, shape, type, bytes);
    }

    // The staging buffer is shared: the prefetching thread and the training thread (evaluating the
    // training split) may both gather.
    private synchronized NDArray staged(
        long[] indices, NDManager manager, long[] shape, DataType type, int bytes) {
      if (staging == null || staging.capacity() < bytes) {
        staging = ByteBuffer.allocateDirect(Math.max(bytes, 1)).order(ByteOrder.LITTLE_ENDIAN);
      }
      ByteBuffer batch = staging.duplicate().order(ByteOrder.LITTLE_ENDIAN);
      batch.limit(bytes);
      fill(indices, batch);
      // A device array copies the bytes; a CPU array would share them, so it gets its own copy.
      NDArray created = manager.create(batch, new Shape(shape), type);
      if (!isCpu(created.getDevice())) {
        return created;
      }
      try (NDArray alias = created) {
        return alias.duplicate();
      }
    }

    private static boolean isCpu(Device device) {
      return Device.Type.CPU.equals(device.getDeviceType());
    }

    private void fill(long[] indices, ByteBuffer into) {
      for (int i = 0; i < indices.length; i++) {
        copyRow(indices[i], into, i * rowBytes);
      }
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
      throw new IndexOutOfBoundsException(
          "row " + row + " is outside a tensor of " + java.util.Arrays.toString(tensor.shape()));
    }
  }
}
