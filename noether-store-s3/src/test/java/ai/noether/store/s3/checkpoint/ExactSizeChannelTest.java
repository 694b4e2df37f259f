package ai.noether.store.s3.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.noether.api.checkpoint.CheckpointFile;
import ai.noether.api.checkpoint.CheckpointFileKind;
import ai.noether.api.checkpoint.CheckpointFileName;
import ai.noether.api.checkpoint.CheckpointTag;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import org.junit.jupiter.api.Test;

class ExactSizeChannelTest {
  private static CheckpointFile declaring(long size) {
    CheckpointFileName name =
        CheckpointFileName.of("mlp", CheckpointTag.LATEST, CheckpointFileKind.MODEL);
    return new CheckpointFile() {
      @Override
      public CheckpointFileName name() {
        return name;
      }

      @Override
      public long size() {
        return size;
      }

      @Override
      public void writeTo(WritableByteChannel out) {}
    };
  }

  @Test
  void theDeclaredBytesPassThrough() throws Exception {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    ExactSizeChannel exact = new ExactSizeChannel(Channels.newChannel(sink), declaring(3));

    exact.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
    exact.requireComplete();

    assertThat(sink.toByteArray()).containsExactly(1, 2, 3);
  }

  @Test
  void moreBytesThanDeclaredAreRefusedBeforeTheyAreUploaded() {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    ExactSizeChannel exact = new ExactSizeChannel(Channels.newChannel(sink), declaring(2));

    assertThatThrownBy(() -> exact.write(ByteBuffer.wrap(new byte[] {1, 2, 3})))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("wrote more than the 2 bytes it declared");
    assertThat(sink.size()).isZero();
  }

  @Test
  void fewerBytesThanDeclaredAreRefusedAtTheEnd() throws Exception {
    ExactSizeChannel exact =
        new ExactSizeChannel(Channels.newChannel(new ByteArrayOutputStream()), declaring(5));
    exact.write(ByteBuffer.wrap(new byte[] {1}));

    assertThatThrownBy(exact::requireComplete)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("wrote 1 bytes but declared 5");
  }
}
