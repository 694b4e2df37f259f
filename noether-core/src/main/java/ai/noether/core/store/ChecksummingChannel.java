package ai.noether.core.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.zip.CRC32C;

/**
 * The channel a {@link ai.noether.api.checkpoint.CheckpointFile} writes into: it passes everything
 * to the real file and, while the writes only append, computes the CRC32C of the bytes on the way,
 * so the store need not read the file back. Any write that could change bytes already counted
 * (seeking back, mapping, {@code transferFrom}, truncating) turns that off, and the store then
 * reads the finished file once instead. Closing it closes the file.
 */
final class ChecksummingChannel extends FileChannel {
  private final FileChannel file;
  private final CRC32C crc = new CRC32C();
  private long checksummed;
  private boolean appendOnly = true;

  ChecksummingChannel(FileChannel file) {
    this.file = file;
  }

  /** The CRC32C of the first {@code size} bytes if the writes allowed following them, else -1. */
  long checksumOf(long size) {
    return appendOnly && checksummed == size ? crc.getValue() : -1;
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    long at = file.position();
    ByteBuffer view = src.duplicate();
    int n = file.write(src);
    count(at, view, n);
    return n;
  }

  @Override
  public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
    long at = file.position();
    ByteBuffer[] views = new ByteBuffer[length];
    for (int i = 0; i < length; i++) {
      views[i] = srcs[offset + i].duplicate();
    }
    long n = file.write(srcs, offset, length);
    long left = n;
    for (ByteBuffer view : views) {
      int part = (int) Math.min(left, view.remaining());
      count(at + (n - left), view, part);
      left -= part;
    }
    return n;
  }

  @Override
  public int write(ByteBuffer src, long position) throws IOException {
    ByteBuffer view = src.duplicate();
    int n = file.write(src, position);
    count(position, view, n);
    return n;
  }

  private void count(long at, ByteBuffer view, int n) {
    if (n <= 0) {
      return;
    }
    if (appendOnly && at == checksummed) {
      view.limit(view.position() + n);
      crc.update(view);
      checksummed += n;
    } else {
      appendOnly = false;
    }
  }

  @Override
  public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
    appendOnly = false;
    return file.transferFrom(src, position, count);
  }

  @Override
  public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
    if (mode != MapMode.READ_ONLY) {
      appendOnly = false;
    }
    return file.map(mode, position, size);
  }

  @Override
  public FileChannel truncate(long size) throws IOException {
    if (size < checksummed) {
      appendOnly = false;
    }
    file.truncate(size);
    return this;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    return file.read(dst);
  }

  @Override
  public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
    return file.read(dsts, offset, length);
  }

  @Override
  public int read(ByteBuffer dst, long position) throws IOException {
    return file.read(dst, position);
  }

  @Override
  public long position() throws IOException {
    return file.position();
  }

  @Override
  public FileChannel position(long newPosition) throws IOException {
    file.position(newPosition);
    return this;
  }

  @Override
  public long size() throws IOException {
    return file.size();
  }

  @Override
  public void force(boolean metaData) throws IOException {
    file.force(metaData);
  }

  @Override
  public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
    return file.transferTo(position, count, target);
  }

  @Override
  public FileLock lock(long position, long size, boolean shared) throws IOException {
    return file.lock(position, size, shared);
  }

  @Override
  public FileLock tryLock(long position, long size, boolean shared) throws IOException {
    return file.tryLock(position, size, shared);
  }

  @Override
  protected void implCloseChannel() throws IOException {
    file.close();
  }
}
