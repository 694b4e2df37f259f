package ai.noether.djl.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.noether.api.tensor.HostTensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DjlTensorTest {
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
  void lerpMovesEveryValueTowardsTheTargetByTheWeight() {
    NDArray ema = manager.create(new float[] {0, 10, -4});
    NDArray model = manager.create(new float[] {1, 20, 4});
    DjlTensor.view(ema).lerpInPlace(DjlTensor.view(model), 0.25);

    float[] values = ema.toFloatArray();
    assertThat(values[0]).isEqualTo(0 + 0.25f * (1 - 0));
    assertThat(values[1]).isEqualTo(10 + 0.25f * (20 - 10));
    assertThat(values[2]).isEqualTo(-4 + 0.25f * (4 + 4));
  }

  @Test
  void lerpWritesIntoTheSameArrayAndLeavesNoTemporaryBehind() {
    NDArray ema = manager.zeros(new Shape(4));
    NDArray target = manager.ones(new Shape(4));
    int arraysBefore = manager.getManagedArrays().size();
    DjlTensor handle = DjlTensor.view(ema);
    for (int i = 0; i < 100; i++) {
      handle.lerpInPlace(DjlTensor.view(target), 0.1);
    }

    assertThat(handle.array()).isSameAs(ema);
    assertThat(manager.getManagedArrays()).hasSize(arraysBefore);
    assertThat(ema.getFloat(0)).isBetween(0.99f, 1f);
  }

  @Test
  void lerpTowardsAHostBackedTensorGivesTheSameResult() {
    NDArray ema = manager.create(new float[] {2, 4});
    Tensorish host = new Tensorish(HostTensor.ofFloats(new long[] {2}, 4, 8));
    DjlTensor.view(ema).lerpInPlace(host, 0.5);

    assertThat(ema.toFloatArray()).containsExactly(3, 6);
  }

  @Test
  void aDuplicateIsIndependentAndOwnedByTheCaller() {
    NDArray original = manager.create(new float[] {1, 2});
    DjlTensor copy = DjlTensor.view(original).duplicate();
    original.addi(5f);

    assertThat(copy.toHost().toFloatArray()).containsExactly(1, 2);
    copy.close();
    assertThat(copy.array().isReleased()).isTrue();
    assertThat(original.isReleased()).isFalse();
  }

  @Test
  void closingAViewLeavesTheArrayAlive() {
    NDArray array = manager.create(new float[] {1});
    DjlTensor.view(array).close();

    assertThat(array.isReleased()).isFalse();
  }

  @Test
  void copyFromAnotherTensorOverwritesInPlace() {
    NDArray target = manager.zeros(new Shape(2, 2));
    NDArray source = manager.create(new float[] {1, 2, 3, 4}, new Shape(2, 2));
    DjlTensor.view(target).copyFrom(DjlTensor.view(source));
    source.addi(1f);

    assertThat(target.toFloatArray()).containsExactly(1, 2, 3, 4);
  }

  @Test
  void copyFromATensorOfAnotherShapeFails() {
    DjlTensor target = DjlTensor.view(manager.zeros(new Shape(2)));
    DjlTensor source = DjlTensor.view(manager.zeros(new Shape(3)));

    assertThatThrownBy(() -> target.copyFrom(source))
        .hasMessage("cannot copy float32[3] into a tensor of float32[2]");
  }

  @Test
  void inPlaceChangesToATrainableParameterWorkFromAnyThread() throws Exception {
    NDArray weight = manager.create(new float[] {1, 2});
    weight.setRequiresGradient(true);
    DjlTensor handle = DjlTensor.view(weight);
    Throwable[] failure = new Throwable[1];
    // PyTorch records autograd on new threads, where in-place writes to such leaves are refused.
    Thread other =
        new Thread(
            () -> {
              try {
                handle.copyFrom(HostTensor.ofFloats(new long[] {2}, 3, 4));
                handle.lerpInPlace(DjlTensor.view(manager.create(new float[] {5, 6})), 0.5);
              } catch (Throwable t) {
                failure[0] = t;
              }
            });
    other.start();
    other.join();

    assertThat(failure[0]).isNull();
    assertThat(weight.toFloatArray()).containsExactly(4, 5);
  }

  @Test
  void lerpOnIntegersIsRefused() {
    DjlTensor counts = DjlTensor.view(manager.create(new long[] {1, 2}));

    assertThatThrownBy(() -> counts.lerpInPlace(counts, 0.5))
        .hasMessageContaining("floating point");
  }

  /** A tensor of another engine: only its host snapshot is usable. */
  private static final class Tensorish implements ai.noether.api.tensor.Tensor {
    private final HostTensor host;

    Tensorish(HostTensor host) {
      this.host = host;
    }

    @Override
    public ai.noether.api.tensor.DType dtype() {
      return host.dtype();
    }

    @Override
    public long[] shape() {
      return host.shape();
    }

    @Override
    public HostTensor toHost() {
      return host;
    }

    @Override
    public void copyFrom(HostTensor source) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void copyFrom(ai.noether.api.tensor.Tensor source) {
      throw new UnsupportedOperationException();
    }

    @Override
    public ai.noether.api.tensor.Tensor duplicate() {
      throw new UnsupportedOperationException();
    }

    @Override
    public void lerpInPlace(ai.noether.api.tensor.Tensor target, double weight) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void close() {}
  }
}
