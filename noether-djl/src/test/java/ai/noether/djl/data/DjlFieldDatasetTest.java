package ai.noether.djl.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Record;
import ai.djl.util.Progress;
import ai.noether.api.data.Field;
import ai.noether.api.data.FieldDataset;
import ai.noether.api.tensor.DType;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DjlFieldDatasetTest {
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
  void anArrayDatasetsDataAndLabelsBecomeFieldsGatheredInTheOrderOfTheIndices() {
    float[] x = new float[10 * 3];
    for (int i = 0; i < x.length; i++) {
      x[i] = i;
    }
    NDArray features = manager.create(x, new Shape(10, 3));
    NDArray labels = manager.arange(10L).toType(ai.djl.ndarray.types.DataType.INT64, false);
    ArrayDataset djl =
        new ArrayDataset.Builder()
            .setData(features)
            .optLabels(labels)
            .setSampling(4, false)
            .build();

    FieldDataset data = DjlFieldDataset.of(djl);
    assertThat(data.size()).isEqualTo(10);
    assertThat(data.fields())
        .containsExactly(
            new Field("data", DType.FLOAT32, new long[] {3}),
            new Field("label", DType.INT64, new long[0]));
    assertThat(data.gather("data", new long[] {9, 0, 9}).toFloatArray())
        .containsExactly(27, 28, 29, 0, 1, 2, 27, 28, 29);
    assertThat(data.gather("label", new long[] {4, 2}).toLongArray()).containsExactly(4, 2);
    assertThat(DjlFieldDataset.of(djl, List.of("x", "y")).gather("y", new long[] {7}).toLongArray())
        .containsExactly(7);
    assertThatThrownBy(() -> data.gather("data", new long[] {10}))
        .isInstanceOf(IndexOutOfBoundsException.class)
        .hasMessage("sample index 10 is outside [0, 10)");
    assertThatThrownBy(() -> DjlFieldDataset.of(djl, List.of("x")))
        .hasMessageContaining(
            "have 1 data and 1 label" + " arrays; give one distinct name for each, not [x]");
  }

  @Test
  void arraysNamedByTheDatasetGiveTheFieldNamesAndARaggedSampleIsNamed() {
    FieldDataset data = DjlFieldDataset.of(new Windows(5, 3));
    assertThat(data.fields()).extracting(Field::name).containsExactly("x", "rul");
    assertThat(data.field("x").sampleShape()).containsExactly(4, 2);
    assertThat(data.gather("rul", new long[] {0, 4}).toFloatArray()).containsExactly(0, 4);
    assertThat(data.gather("x", new long[] {1}).toFloatArray()).containsOnly(1);
    assertThatThrownBy(() -> data.gather("x", new long[] {3}))
        .hasMessageContaining(
            "sample 3 of "
                + Windows.class.getName()
                + " has field 'x' of FLOAT32 (3, 2), but the first sample's is FLOAT32 [4, 2]");
  }

  /** Named arrays; sample {@code ragged} has a shorter window. */
  static final class Windows extends RandomAccessDataset {
    private final long size;
    private final long ragged;

    Windows(long size, long ragged) {
      super(new ArrayDataset.Builder().setSampling(1, false));
      this.size = size;
      this.ragged = ragged;
    }

    @Override
    public Record get(NDManager manager, long index) {
      NDArray x = manager.full(new Shape(index == ragged ? 3 : 4, 2), (float) index);
      x.setName("x");
      NDArray rul = manager.create((float) index);
      rul.setName("rul");
      return new Record(new NDList(x), new NDList(rul));
    }

    @Override
    protected long availableSize() {
      return size;
    }

    @Override
    public void prepare(Progress progress) {}
  }
}
