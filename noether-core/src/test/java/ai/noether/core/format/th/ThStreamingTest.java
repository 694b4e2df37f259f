package ai.noether.core.format.th;

import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.api.checkpoint.CheckpointFile;
import ai.noether.api.checkpoint.CheckpointFileKind;
import ai.noether.api.checkpoint.CheckpointFileName;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.tensor.DType;
import ai.noether.api.tensor.HostTensor;
import ai.noether.core.format.internal.ChannelFile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code .th} file written as a stream (an upload, which cannot seek back to patch a header) is
 * the same bytes as one written into a file, and reads back from a channel that is not a file.
 */
class ThStreamingTest {
  @TempDir Path dir;

  private static Map<String, Object> tree() {
    Map<String, Object> tree = new LinkedHashMap<>();
    // 3 MiB: above the size whose CRC the file path computes while writing and patches afterwards.
    tree.put("big", TestTensors.random(DType.FLOAT32, new long[] {768, 1024}, 1));
    tree.put("small", TestTensors.random(DType.BFLOAT16, new long[] {33, 3}, 2));
    tree.put("checkpoint_tag", "latest");
    return tree;
  }

  @Test
  void aStreamedFileIsTheSameBytesAsAFileWrittenOneAndReadsBackFromAnyChannel() throws IOException {
    CheckpointFileName name =
        CheckpointFileName.of("mlp", CheckpointTag.LATEST, CheckpointFileKind.MODEL);
    CheckpointFile viaFile = ThFormat.encoder().encode(name, tree());
    CheckpointFile viaStream = ThFormat.encoder().encode(name, tree());

    Path file = dir.resolve(name.format());
    try (FileChannel out =
        FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      viaFile.writeTo(out);
    }
    ByteArrayOutputStream streamed = new ByteArrayOutputStream();
    try (WritableByteChannel out = Channels.newChannel(streamed)) {
      viaStream.writeTo(out);
    }

    byte[] bytes = streamed.toByteArray();
    assertThat(bytes).hasSize((int) viaStream.size()).isEqualTo(Files.readAllBytes(file));

    Map<String, Object> back;
    try (FileChannel in = ChannelFile.of(new NotAFile(Files.newByteChannel(file)))) {
      assertThat(in).isInstanceOf(ChannelFile.class);
      back = ThReader.read(in, "streamed");
    }
    Map<String, Object> expected = tree();
    assertThat(((HostTensor) back.get("big")).contentEquals((HostTensor) expected.get("big")))
        .isTrue();
    assertThat(((HostTensor) back.get("small")).contentEquals((HostTensor) expected.get("small")))
        .isTrue();
    assertThat(back.get("checkpoint_tag")).isEqualTo("latest");
  }

  /**
   * Hides that a channel is a file channel, as an object store's ranged-read channel is not one.
   */
  private record NotAFile(SeekableByteChannel delegate) implements SeekableByteChannel {
    @Override
    public int read(ByteBuffer dst) throws IOException {
      return delegate.read(dst);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      return delegate.write(src);
    }

    @Override
    public long position() throws IOException {
      return delegate.position();
    }

    @Override
    public SeekableByteChannel position(long newPosition) throws IOException {
      delegate.position(newPosition);
      return this;
    }

    @Override
    public long size() throws IOException {
      return delegate.size();
    }

    @Override
    public SeekableByteChannel truncate(long size) throws IOException {
      delegate.truncate(size);
      return this;
    }

    @Override
    public boolean isOpen() {
      return delegate.isOpen();
    }

    @Override
    public void close() throws IOException {
      delegate.close();
    }
  }
}
