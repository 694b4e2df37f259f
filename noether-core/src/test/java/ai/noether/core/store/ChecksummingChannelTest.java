package ai.noether.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChecksummingChannelTest {
  @TempDir Path dir;

  @Test
  void appendingWritesOfEveryKindAreChecksummedOnTheWay() throws IOException {
    Path file = dir.resolve("f");
    try (ChecksummingChannel out = open(file)) {
      out.write(ByteBuffer.wrap(bytes(1000, 1)));
      out.write(
          new ByteBuffer[] {
            ByteBuffer.wrap(bytes(10, 2)), ByteBuffer.allocateDirect(300).put(bytes(300, 3)).flip()
          });
      out.write(ByteBuffer.wrap(bytes(50, 4)), out.size());
      out.position(out.size()); // a positional write leaves the position where it was
      Channels.newOutputStream(out).write(bytes(7, 5));

      assertThat(out.checksumOf(out.size())).isEqualTo(crcOf(Files.readAllBytes(file)));
      assertThat(out.size()).isEqualTo(1367);
    }
  }

  @Test
  void writingBackIntoCountedBytesTurnsTheChecksumOff() throws IOException {
    try (ChecksummingChannel out = open(dir.resolve("f"))) {
      out.write(ByteBuffer.wrap(bytes(100, 1)));
      out.write(ByteBuffer.wrap(bytes(4, 2)), 0); // a writer patching its header

      assertThat(out.checksumOf(100)).isEqualTo(-1);
    }
  }

  @Test
  void leavingAGapOrTruncatingOrMappingTurnsTheChecksumOff() throws IOException {
    try (ChecksummingChannel out = open(dir.resolve("gap"))) {
      out.position(10);
      out.write(ByteBuffer.wrap(bytes(10, 1)));
      assertThat(out.checksumOf(20)).isEqualTo(-1);
    }
    try (ChecksummingChannel out = open(dir.resolve("truncated"))) {
      out.write(ByteBuffer.wrap(bytes(10, 1)));
      out.truncate(5);
      assertThat(out.checksumOf(5)).isEqualTo(-1);
    }
    try (ChecksummingChannel out = open(dir.resolve("mapped"))) {
      out.write(ByteBuffer.wrap(bytes(10, 1)));
      out.map(FileChannel.MapMode.READ_WRITE, 0, 10).put(0, (byte) 1);
      assertThat(out.checksumOf(10)).isEqualTo(-1);
    }
  }

  private static ChecksummingChannel open(Path file) throws IOException {
    return new ChecksummingChannel(
        FileChannel.open(
            file,
            StandardOpenOption.CREATE_NEW,
            StandardOpenOption.READ,
            StandardOpenOption.WRITE));
  }

  private static long crcOf(byte[] bytes) {
    CRC32C crc = new CRC32C();
    crc.update(bytes);
    return crc.getValue();
  }

  private static byte[] bytes(int n, int seed) {
    byte[] out = new byte[n];
    for (int i = 0; i < n; i++) {
      out[i] = (byte) (i * 17 + seed);
    }
    return out;
  }
}
