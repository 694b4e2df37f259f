package ai.noether.djl.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.noether.api.tensor.DType;
import ai.noether.api.tensor.HostTensor;
import ai.noether.core.checkpoint.StagingBuffers;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HostTransferTest {
  private NDManager manager;

  @BeforeEach
  void createManager() {
    manager = NDManager.newBaseManager(Device.cpu());
  }

  @AfterEach
  void closeManager() {
    manager.close();
  }

  @Test
  void aSnapshotHoldsTheValuesInDirectMemoryAndDoesNotFollowLaterChanges() {
    NDArray array = manager.create(new float[] {1, 2, 3, 4, 5, 6}, new Shape(2, 3));
    HostTensor host = HostTransfer.toHost(array);
    array.addi(10f);

    assertThat(host.dtype()).isEqualTo(DType.FLOAT32);
    assertThat(host.shape()).containsExactly(2, 3);
    assertThat(host.buffer().isDirect()).isTrue();
    assertThat(host.toFloatArray()).containsExactly(1, 2, 3, 4, 5, 6);
  }

  @Test
  void stagedSnapshotsCopiedByFourThreadsHoldTheValuesOfContiguousAndTransposedTensors() {
    NDArray plain = manager.arange(0f, 24f).reshape(4, 6);
    NDArray transposed = manager.arange(0f, 24f).reshape(4, 6).transpose();
    float[] expectedTransposed = transposed.duplicate().toFloatArray();
    ByteBuffer kept = ByteBuffer.allocateDirect(24 * 4);
    HostTensor a;
    HostTensor b;
    try (StagingBuffers pool = new StagingBuffers(4)) {
      try (StagingBuffers.Scope scope = pool.open()) {
        a = HostTransfer.toStagedHost(plain);
        b = HostTransfer.toStagedHost(transposed);
        HostTransfer.copyTo(plain, kept);
      }
      // Training goes on: the snapshot does not follow.
      plain.addi(100f);
      assertThat(pool.allocations()).isEqualTo(2);
    }
    assertThat(a.toFloatArray()).containsExactly(manager.arange(0f, 24f).toFloatArray());
    assertThat(b.shape()).containsExactly(6, 4);
    assertThat(b.toFloatArray()).containsExactly(expectedTransposed);
    assertThat(kept.position()).isEqualTo(96);
    assertThat(HostTensor.wrap(DType.FLOAT32, new long[] {24}, kept.flip()).toFloatArray())
        .containsExactly(manager.arange(0f, 24f).toFloatArray());
  }

  @Test
  void copyToRefusesABufferTooSmallNamingTheTensor() {
    NDArray array = manager.zeros(new Shape(2, 3));
    assertThatThrownBy(() -> HostTransfer.copyTo(array, ByteBuffer.allocateDirect(20)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("float32[2, 3]")
        .hasMessageContaining("20");
  }

  @Test
  void aSnapshotOfATensorThatNeedsATemporaryHostCopyFreesIt() {
    // A non-contiguous tensor (like a GPU tensor) is first copied into a host tensor of PyTorch's:
    // it is freed once its bytes are in the snapshot, not kept until the model's manager closes.
    try (NDManager owner = manager.newSubManager()) {
      NDArray transposed = owner.arange(0f, 6f).reshape(2, 3).transpose();
      int before = owner.getManagedArrays().size();
      for (int i = 0; i < 5; i++) {
        HostTransfer.toHost(transposed);
      }
      assertThat(owner.getManagedArrays()).hasSize(before);
    }
  }

  @Test
  void largeTensorsAreSnapshotInChunksOfWholeElements() {
    NDArray array = manager.arange(0f, 10f).reshape(2, 5);
    HostTensor host = HostTransfer.toHost(array, 12);

    assertThat(host.chunks()).extracting(ByteBuffer::remaining).containsExactly(12, 12, 12, 4);
    assertThat(host.toFloatArray()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
  }

  @Test
  void copyingIntoAnArrayKeepsItsIdentityAndDoesNotShareTheHostBuffer() {
    NDArray target = manager.zeros(new Shape(3));
    ByteBuffer bytes = ByteBuffer.allocateDirect(12).order(ByteOrder.LITTLE_ENDIAN);
    bytes.asFloatBuffer().put(new float[] {7, 8, 9});
    HostTransfer.copyInto(HostTensor.wrap(DType.FLOAT32, new long[] {3}, bytes), target);
    bytes.putFloat(0, -1f);

    assertThat(target.toFloatArray()).containsExactly(7, 8, 9);
  }

  @Test
  void aTensorSpreadOverSeveralBuffersIsCopiedIntoOneArray() {
    NDArray target = manager.zeros(new Shape(2, 3));
    HostTensor chunked =
        HostTensor.wrap(
            DType.FLOAT32, new long[] {2, 3}, List.of(floats(1, 2), floats(3, 4, 5), floats(6)));
    HostTransfer.copyInto(chunked, target);

    assertThat(target.toFloatArray()).containsExactly(1, 2, 3, 4, 5, 6);
  }

  @Test
  void aNewArrayFromHostMemoryOwnsItsValues() {
    HostTensor host = HostTensor.ofLongs(new long[] {2, 2}, 1, 2, 3, 4);
    ByteBuffer shared = host.chunks().get(0);
    NDArray array = HostTransfer.toNDArray(host, manager);

    assertThat(array.getDataType()).isEqualTo(DataType.INT64);
    assertThat(array.getShape()).isEqualTo(new Shape(2, 2));
    assertThat(array.toLongArray()).containsExactly(1, 2, 3, 4);
    assertThat(HostTransfer.toHost(array).contentEquals(host)).isTrue();
    assertThat(shared.getLong(0)).isEqualTo(1);
  }

  @Test
  void everyDtypeTheEngineCanCreateSurvivesTheRoundTrip() {
    for (DType type : DType.values()) {
      if (type == DType.BFLOAT16 || type == DType.INT16) {
        continue;
      }
      HostTensor host = HostTensor.allocateDirect(type, new long[] {2, 3});
      NDArray array = HostTransfer.toNDArray(host, manager);
      assertThat(DTypes.of(array.getDataType())).as(type.name()).isEqualTo(type);
      assertThat(HostTransfer.toHost(array).contentEquals(host)).as(type.name()).isTrue();
    }
  }

  @Test
  void dtypesTheEngineCannotCreateAreRefusedWithAHintInsteadOfCrashingTheJvm() {
    HostTensor bf16 = HostTensor.allocateDirect(DType.BFLOAT16, new long[] {2});
    HostTensor int16 = HostTensor.allocateDirect(DType.INT16, new long[] {2});

    assertThatThrownBy(() -> HostTransfer.toNDArray(bf16, manager))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("convert the tensor to float32");
    assertThatThrownBy(() -> HostTransfer.toNDArray(int16, manager))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("convert the tensor to int32");
  }

  @Test
  void emptyAndScalarTensorsRoundTrip() {
    HostTensor empty = HostTensor.allocateDirect(DType.FLOAT32, new long[] {0, 4});
    HostTensor scalar = HostTensor.ofDoubles(new long[] {}, 2.5);

    assertThat(HostTransfer.toHost(HostTransfer.toNDArray(empty, manager)).contentEquals(empty))
        .isTrue();
    assertThat(HostTransfer.toHost(HostTransfer.toNDArray(scalar, manager)).contentEquals(scalar))
        .isTrue();
  }

  @Test
  void copyingADifferentShapeFailsNamingBothLayouts() {
    NDArray target = manager.zeros(new Shape(3, 2));
    HostTensor source = HostTensor.ofFloats(new long[] {2, 3}, 1, 2, 3, 4, 5, 6);

    assertThatThrownBy(() -> HostTransfer.copyInto(source, target))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("cannot copy float32[2, 3] into a tensor of float32[3, 2]");
  }

  private static ByteBuffer floats(float... values) {
    ByteBuffer b = ByteBuffer.allocateDirect(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(values);
    return b;
  }

  @Test
  void manyLargeTensorsAreCopiedOnSeveralThreadsIntoArraysOfTheirOwnInTheGivenOrder() {
    // 24 MiB in all: above the size at which the copies are shared out between threads.
    List<HostTensor> hosts = new java.util.ArrayList<>();
    for (int t = 0; t < 6; t++) {
      float[] values = new float[(t + 1) << 18];
      for (int i = 0; i < values.length; i++) {
        values[i] = t * 1000f + i;
      }
      hosts.add(HostTensor.ofFloats(new long[] {values.length}, values));
    }

    List<NDArray> arrays =
        HostTransfer.toNDArrays(hosts, java.util.Collections.nCopies(hosts.size(), manager));

    assertThat(arrays).hasSize(hosts.size());
    for (int t = 0; t < hosts.size(); t++) {
      assertThat(arrays.get(t).getManager()).isSameAs(manager);
      assertThat(HostTransfer.toHost(arrays.get(t)).contentEquals(hosts.get(t)))
          .as("tensor " + t)
          .isTrue();
    }
  }

  @Test
  void aCopyThatFailsClosesTheArraysAlreadyMadeAndReportsTheFailure() {
    List<HostTensor> hosts =
        List.of(
            HostTensor.ofFloats(new long[] {1 << 22}, new float[1 << 22]),
            HostTensor.ofFloats(new long[] {1 << 22}, new float[1 << 22]));
    NDManager closed = NDManager.newBaseManager(Device.cpu());
    closed.close();
    long before = manager.getManagedArrays().size();

    assertThatThrownBy(() -> HostTransfer.toNDArrays(hosts, List.of(manager, closed)))
        .isInstanceOf(RuntimeException.class);
    assertThat(manager.getManagedArrays()).as("nothing is left attached").hasSize((int) before);
  }
}
