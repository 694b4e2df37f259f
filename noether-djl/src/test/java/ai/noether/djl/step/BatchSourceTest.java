package ai.noether.djl.step;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.noether.api.data.TensorDataset;
import ai.noether.api.tensor.DType;
import ai.noether.api.tensor.HostTensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BatchSourceTest {
  private NDManager manager;
  // Features 0..11 as 4 rows of 3, spread over buffers that split rows in the middle.
  private final TensorDataset split =
      new TensorDataset(
          HostTensor.wrap(
              DType.FLOAT32,
              new long[] {4, 3},
              List.of(floats(0, 1), floats(2, 3, 4, 5, 6), floats(7, 8, 9, 10, 11))),
          HostTensor.ofLongs(new long[] {4}, 10, 11, 12, 13));

  @BeforeEach
  void createManager() {
    manager = NDManager.newBaseManager(Device.cpu());
  }

  @AfterEach
  void closeManager() {
    manager.close();
  }

  @Test
  void bothStrategiesGatherTheRequestedRowsInOrder() {
    for (BatchSource source :
        List.of(new HostBatchSource(split, Device.cpu()), new DeviceBatchSource(split, manager))) {
      try (NDManager batchManager = manager.newSubManager();
          source) {
        Batch batch = source.gather(new long[] {3, 0, 2, 3}, batchManager);

        assertThat(batch.inputs().head().toFloatArray())
            .containsExactly(9, 10, 11, 0, 1, 2, 6, 7, 8, 9, 10, 11);
        assertThat(batch.targets().head().getDataType()).isEqualTo(DataType.INT64);
        assertThat(batch.targets().head().toLongArray()).containsExactly(13, 10, 12, 13);
      }
    }
  }

  @Test
  void bothStrategiesReturnContiguousRanges() {
    for (BatchSource source :
        List.of(new HostBatchSource(split, Device.cpu()), new DeviceBatchSource(split, manager))) {
      try (NDManager batchManager = manager.newSubManager();
          source) {
        Batch batch = source.range(1, 3, batchManager);

        assertThat(batch.inputs().head().toFloatArray()).containsExactly(3, 4, 5, 6, 7, 8);
        assertThat(batch.targets().head().toLongArray()).containsExactly(11, 12);
      }
    }
  }

  @Test
  void aHostBatchOwnsItsMemory() {
    HostBatchSource source = new HostBatchSource(split, Device.cpu());
    try (NDManager first = manager.newSubManager();
        NDManager second = manager.newSubManager()) {
      Batch a = source.gather(new long[] {0}, first);
      source.gather(new long[] {1}, second);

      assertThat(a.inputs().head().toFloatArray()).containsExactly(0, 1, 2);
    }
  }

  @Test
  void autoGathersOnTheHostOnTheCpu() {
    try (BatchSource source = BatchSource.Strategy.AUTO.open(split, manager)) {
      assertThat(source).isInstanceOf(HostBatchSource.class);
    }
  }

  private static ByteBuffer floats(float... values) {
    ByteBuffer b = ByteBuffer.allocateDirect(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(values);
    return b;
  }
}
