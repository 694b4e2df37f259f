package ai.noether.core.format.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * A read-only {@link FileChannel} view of any {@link SeekableByteChannel}, so that the format
 * readers, written against file channels for their positional reads and memory mapping, read a file
 * a store opened as a channel (an object store's ranged reads) without spooling it to disk. {@link
 * MappedRegions} copies the regions it would map into direct buffers instead: the memory is the
 * tensors' own, which a read needs anyway.
 */
public final class ChannelFile extends FileChannel {
  private final SeekableByteChannel channel;

  private ChannelFile(SeekableByteChannel channel) {
    this.channel = channel;
  }

  /** {@code channel} itself if it is a file channel (the fast path: mapping), else a view of it. */
  public static FileChannel of(SeekableByteChannel channel) {
    return channel instanceof FileChannel file ? file : new ChannelFile(channel);
  }

  /** Reads {@code size} bytes at {@code offset} into a new direct buffer (a "mapping" by copy). */
  ByteBuffer readRegion(long offset, long size) throws IOException {
    if (size > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("region of " + size + " bytes is larger than one buffer");
    }
    ByteBuffer b = ByteBuffer.allocateDirect((int) size);
    long at = offset;
    while (b.hasRemaining()) {
      int n = read(b, at);
      if (n < 0) {
        throw new java.io.EOFException(
            "the file ends at " + at + " bytes, inside a region " + offset + "+" + size);
      }
      at += n;
    }
    return b.flip().asReadOnlyBuffer();
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    return channel.read(dst);
  }

  @Override
  public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
    long total = 0;
    for (int i = offset; i < offset + length; i++) {
      int n = channel.read(dsts[i]);
      if (n < 0) {
        return total == 0 ? -1 : total;
      }
      total += n;
      if (dsts[i].hasRemaining()) {
        break;
      }
    }
    return total;
  }

  @Override
  public synchronized int read(ByteBuffer dst, long position) throws IOException {
    long saved = channel.position();
    try {
      channel.position(position);
      return channel.read(dst);
    } finally {
      channel.position(saved);
    }
  }

  @Override
  public long position() throws IOException {
    return channel.position();
  }

  @Override
  public FileChannel position(long newPosition) throws IOException {
    channel.position(newPosition);
    return this;
  }

  @Override
  public long size() throws IOException {
    return channel.size();
  }

  @Override
  public int write(ByteBuffer src) {
    throw new NonWritableChannelException();
  }

  @Override
  public long write(ByteBuffer[] srcs, int offset, int length) {
    throw new NonWritableChannelException();
  }

  @Override
  public int write(ByteBuffer src, long position) {
    throw new NonWritableChannelException();
  }

  @Override
  public FileChannel truncate(long size) {
    throw new NonWritableChannelException();
  }

  @Override
  public void force(boolean metaData) {}

  @Override
  public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
    ByteBuffer b = ByteBuffer.allocate((int) Math.min(count, 1 << 16));
    long done = 0;
    while (done < count) {
      b.clear().limit((int) Math.min(b.capacity(), count - done));
      int n = read(b, position + done);
      if (n <= 0) {
        break;
      }
      b.flip();
      while (b.hasRemaining()) {
        target.write(b);
      }
      done += n;
    }
    return done;
  }

  @Override
  public long transferFrom(ReadableByteChannel src, long position, long count) {
    throw new NonWritableChannelException();
  }

  @Override
  public MappedByteBuffer map(MapMode mode, long position, long size) {
    throw new UnsupportedOperationException(
        "a store channel cannot be memory-mapped; MappedRegions copies regions");
  }

  @Override
  public FileLock lock(long position, long size, boolean shared) {
    throw new UnsupportedOperationException("a store channel cannot be locked");
  }

  @Override
  public FileLock tryLock(long position, long size, boolean shared) {
    throw new UnsupportedOperationException("a store channel cannot be locked");
  }

  @Override
  protected void implCloseChannel() throws IOException {
    channel.close();
  }
}
