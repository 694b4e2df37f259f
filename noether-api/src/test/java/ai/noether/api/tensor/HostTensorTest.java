package ai.noether.api.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class HostTensorTest {

  @Test
  void scalarsAndEmptyTensorsHaveTheRightSizes() {
    HostTensor scalar = HostTensor.ofFloats(new long[] {}, 3f);
    HostTensor empty = HostTensor.allocateDirect(DType.INT64, new long[] {0, 3});

    assertThat(scalar.elementCount()).isEqualTo(1);
    assertThat(scalar.toFloatArray()).containsExactly(3f);
    assertThat(empty.elementCount()).isZero();
    assertThat(empty.byteSize()).isZero();
    assertThat(empty.chunks()).hasSize(1);
  }

  @Test
  void aTensorMaySpanSeveralBuffers() {
    ByteBuffer a = ByteBuffer.allocateDirect(8);
    ByteBuffer b = ByteBuffer.allocateDirect(8);
    a.putLong(0, 1L << 8);
    HostTensor t = HostTensor.wrap(DType.INT32, new long[] {2, 2}, List.of(a, b));

    assertThat(t.chunks()).hasSize(2);
    assertThat(t.buffer().remaining()).isEqualTo(16);
    assertThat(t.contentEquals(HostTensor.wrap(DType.INT32, new long[] {2, 2}, t.buffer())))
        .isTrue();
  }

  @Test
  void theByteCountMustMatchDtypeAndShape() {
    assertThatThrownBy(() -> HostTensor.wrap(DType.FLOAT32, new long[] {3}, ByteBuffer.allocate(8)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("tensor of FLOAT32 [3] needs 12 bytes but 8 were given");
  }

  @Test
  void contentEqualityLooksAtDtypeShapeAndBytes() {
    HostTensor x = HostTensor.ofFloats(new long[] {2}, 1f, 2f);

    assertThat(x.contentEquals(HostTensor.ofFloats(new long[] {2}, 1f, 2f))).isTrue();
    assertThat(x.contentEquals(HostTensor.ofFloats(new long[] {1, 2}, 1f, 2f))).isFalse();
    assertThat(x.contentEquals(HostTensor.ofFloats(new long[] {2}, 1f, 2.5f))).isFalse();
  }

  @Test
  void dtypeNamesParseCaseInsensitivelyAndListTheValidOnes() {
    assertThat(DType.parse("BFloat16")).isEqualTo(DType.BFLOAT16);
    assertThatThrownBy(() -> DType.parse("complex64"))
        .hasMessage(
            "unknown dtype 'complex64'; valid: float16, bfloat16, float32, float64, int8, uint8, int16, int32,"
                + " int64, bool");
  }
}
