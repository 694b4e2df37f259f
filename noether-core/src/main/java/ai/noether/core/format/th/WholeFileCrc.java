package ai.noether.core.format.th;

import ai.noether.api.Nullable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;

/**
 * The CRC32C of a whole file, computed in the pass that checks its records' CRC-32s: the records
 * are handed over in file order, and each block of a record goes through both checksums while it is
 * in the CPU cache, so every byte is read from memory (or disk) once instead of once per checksum.
 * The bytes between records (zip headers, padding, the directory) are read here with positional
 * reads.
 *
 * <p>Records handed over out of file order (a zip's directory may list them in any order) cannot be
 * folded in; the file's checksum is then computed by a pass of its own at {@link #finish}, so the
 * result is always the checksum of every byte.
 */
final class WholeFileCrc {
  /** Small enough that a block read for the CRC-32 is still in the cache for the CRC32C. */
  private static final int BLOCK = 256 << 10;

  private static final int GAP_CHUNK = 1 << 20;

  private final FileChannel channel;
  private final CRC32C crc = new CRC32C();
  private long position;
  private boolean inOrder = true;
  private @Nullable ByteBuffer scratch;

  WholeFileCrc(FileChannel channel) {
    this.channel = channel;
  }

  /**
   * The CRC-32 of a record's bytes (at {@code offset} in the file), folding them into the file's
   * CRC32C on the way.
   */
  int record(long offset, List<ByteBuffer> bytes) throws IOException {
    CRC32 recordCrc = new CRC32();
    boolean fold = inOrder && offset >= position;
    if (fold) {
      readGap(offset);
    } else {
      inOrder = false;
    }
    long length = 0;
    for (ByteBuffer b : bytes) {
      ByteBuffer all = b.duplicate();
      int start = all.position();
      int end = all.limit();
      length += end - start;
      for (int at = start; at < end; at += BLOCK) {
        ByteBuffer block = all.limit(Math.min(end, at + BLOCK)).position(at).slice();
        recordCrc.update(block.duplicate());
        if (fold) {
          crc.update(block);
        }
        all.limit(end);
      }
    }
    if (fold) {
      position = offset + length;
    }
    return (int) recordCrc.getValue();
  }

  /** The CRC32C of the file's first {@code size} bytes (its size, which the caller checked). */
  long finish(long size) throws IOException {
    if (!inOrder) {
      position = 0;
      crc.reset();
    }
    readGap(size);
    return crc.getValue();
  }

  private void readGap(long until) throws IOException {
    while (position < until) {
      ByteBuffer scratch = this.scratch;
      if (scratch == null) {
        scratch = ByteBuffer.allocateDirect(GAP_CHUNK);
        this.scratch = scratch;
      }
      scratch.clear().limit((int) Math.min(GAP_CHUNK, until - position));
      int n = channel.read(scratch, position);
      if (n < 0) {
        throw new EOFException("the file ends at byte " + position + ", before byte " + until);
      }
      scratch.flip();
      crc.update(scratch);
      position += n;
    }
  }
}
