package ai.noether.core.store;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32C;

/** CRC32C of a file's bytes, read with positional reads so the channel's position is untouched. */
final class Crc32c {
  private static final int CHUNK = 1 << 20;

  private Crc32c() {}

  /**
   * The checksum of the first {@code size} bytes of {@code channel}.
   *
   * @throws EOFException if the channel holds fewer bytes
   */
  static long of(FileChannel channel, long size) throws IOException {
    CRC32C crc = new CRC32C();
    ByteBuffer buffer = ByteBuffer.allocateDirect((int) Math.min(CHUNK, Math.max(size, 1)));
    long position = 0;
    while (position < size) {
      buffer.clear();
      buffer.limit((int) Math.min(buffer.capacity(), size - position));
      int n = channel.read(buffer, position);
      if (n < 0) {
        throw new EOFException("file ends at byte " + position + " of " + size);
      }
      buffer.flip();
      crc.update(buffer);
      position += n;
    }
    return crc.getValue();
  }
}
