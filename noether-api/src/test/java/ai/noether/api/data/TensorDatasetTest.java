package ai.noether.api.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.noether.api.tensor.DType;
import ai.noether.api.tensor.HostTensor;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

class TensorDatasetTest {
  private final TensorDataset data =
      new TensorDataset(
          HostTensor.ofFloats(new long[] {3, 2}, 0, 1, 10, 11, 20, 21),
          HostTensor.ofLongs(new long[] {3}, 7, 8, 9));

  @Test
  void exposesFeaturesAndTargetsAsNamedFields() {
    assertThat(data.fields())
        .containsExactly(
            new Field("features", DType.FLOAT32, new long[] {2}),
            new Field("targets", DType.INT64, new long[] {}));
    assertThat(data.field("targets").batchShape(5)).containsExactly(5);
  }

  @Test
  void gathersRowsInTheRequestedOrderWithRepeats() {
    HostTensor x = data.gather("features", new long[] {2, 0, 2});
    assertThat(x.shape()).containsExactly(3, 2);
    assertThat(x.toFloatArray()).containsExactly(20, 21, 0, 1, 20, 21);
    assertThat(data.gather("targets", new long[] {1}).toLongArray()).containsExactly(8);
  }

  @Test
  void namesAnUnknownFieldAndAnIndexOutOfRange() {
    assertThatThrownBy(() -> data.gather("rul", new long[] {0}))
        .isInstanceOf(NoSuchElementException.class)
        .hasMessageContaining("'rul'")
        .hasMessageContaining("features, targets");
    assertThatThrownBy(() -> data.gather("features", new long[] {3}))
        .isInstanceOf(IndexOutOfBoundsException.class)
        .hasMessageContaining("3");
  }
}
