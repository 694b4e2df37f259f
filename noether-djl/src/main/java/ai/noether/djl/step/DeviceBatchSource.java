package ai.noether.djl.step;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.noether.api.data.FieldDataset;
import ai.noether.api.data.TensorDataset;
import ai.noether.api.tensor.HostTensor;
import ai.noether.djl.tensor.HostTransfer;
import java.util.ArrayList;
import java.util.List;

/**
 * A split's fields copied to the device once; a batch is an index-select of their rows there. The
 * copies are freed by {@link #close()}.
 */
final class DeviceBatchSource implements BatchSource {
  /** Samples per host read while a field is copied to the device. */
  private static final int LOAD_ROWS = 1 << 14;

  private final NDManager manager;
  private final List<NDArray> inputs = new ArrayList<>();
  private final List<NDArray> targets = new ArrayList<>();

  DeviceBatchSource(TensorDataset split, NDManager deviceManager) {
    this(split, BatchFields.TENSORS, deviceManager);
  }

  DeviceBatchSource(FieldDataset split, BatchFields fields, NDManager deviceManager) {
    this.manager = deviceManager.newSubManager();
    try {
      for (String name : fields.inputs()) {
        inputs.add(load(split, name));
      }
      for (String name : fields.targets()) {
        targets.add(load(split, name));
      }
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  private NDArray load(FieldDataset split, String name) {
    NDArray array;
    if (split instanceof TensorDataset t) {
      array =
          HostTransfer.toNDArray(
              TensorDataset.FEATURES.equals(name) ? t.features() : t.targets(), manager);
    } else {
      // In slices, so that no host buffer holds the whole field.
      long size = split.size();
      NDList parts = new NDList();
      for (long from = 0; from < size || parts.isEmpty(); from += LOAD_ROWS) {
        long to = Math.min(size, from + LOAD_ROWS);
        long[] indices = new long[(int) (to - from)];
        for (int i = 0; i < indices.length; i++) {
          indices[i] = from + i;
        }
        HostTensor host = split.gather(name, indices);
        parts.add(HostTransfer.toNDArray(host, manager));
      }
      array = parts.size() == 1 ? parts.head() : NDArrays.concat(parts);
    }
    array.setName(name);
    return array;
  }

  @Override
  public Batch gather(long[] indices, NDManager batchManager) {
    NDArray index = batchManager.create(indices);
    return new Batch(select(inputs, index, batchManager), select(targets, index, batchManager));
  }

  @Override
  public Batch range(long from, long to, NDManager batchManager) {
    NDIndex rows = new NDIndex("{}:{}", from, to);
    NDList x = new NDList();
    NDList y = new NDList();
    for (NDArray f : inputs) {
      x.add(named(f.get(rows), f.getName(), batchManager));
    }
    for (NDArray f : targets) {
      y.add(named(f.get(rows), f.getName(), batchManager));
    }
    return new Batch(x, y);
  }

  private static NDList select(List<NDArray> fields, NDArray index, NDManager batchManager) {
    NDList out = new NDList(fields.size());
    for (NDArray f : fields) {
      out.add(named(f.get(index), f.getName(), batchManager));
    }
    return out;
  }

  private static NDArray named(NDArray array, String name, NDManager batchManager) {
    array.attach(batchManager);
    array.setName(name);
    return array;
  }

  @Override
  public void close() {
    manager.close();
  }
}
