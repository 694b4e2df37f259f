package ai.noether.djl.step;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.noether.api.data.TensorDataset;
import ai.noether.djl.tensor.HostTransfer;

/**
 * A split copied to the device once; a batch is an index-select of its rows there. The copy is
 * freed by {@link #close()}.
 */
final class DeviceBatchSource implements BatchSource {
  private final NDManager manager;
  private final NDArray features;
  private final NDArray targets;

  DeviceBatchSource(TensorDataset split, NDManager deviceManager) {
    this.manager = deviceManager.newSubManager();
    this.features = HostTransfer.toNDArray(split.features(), manager);
    this.targets = HostTransfer.toNDArray(split.targets(), manager);
  }

  @Override
  public Batch gather(long[] indices, NDManager batchManager) {
    NDArray index = batchManager.create(indices);
    NDArray x = features.get(index);
    NDArray y = targets.get(index);
    x.attach(batchManager);
    y.attach(batchManager);
    return new Batch(new NDList(x), new NDList(y));
  }

  @Override
  public Batch range(long from, long to, NDManager batchManager) {
    NDIndex rows = new NDIndex("{}:{}", from, to);
    NDArray x = features.get(rows);
    NDArray y = targets.get(rows);
    x.attach(batchManager);
    y.attach(batchManager);
    return new Batch(new NDList(x), new NDList(y));
  }

  @Override
  public void close() {
    manager.close();
  }
}
