package ai.noether.store.s3.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.WritableByteChannel;

/** Collects a single-part object, refusing more bytes than announced. */
public final class SinglePartBuffer implements WritableByteChannel {
  private final String key;
  private final byte[] bytes;
  private int length;
  private boolean open = true;

  public SinglePartBuffer(String key, int size) {
    this.key = key;
    this.bytes = new byte[size];
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    if (!open) {
      throw new ClosedChannelException();
    }
    int n = src.remaining();
    if (n > bytes.length - length) {
      throw new IOException(
          "the writer of " + key + " wrote more than the " + bytes.length + " bytes it announced");
    }
    src.get(bytes, length, n);
    length += n;
    return n;
  }

  public byte[] bytes() throws IOException {
    open = false;
    if (length != bytes.length) {
      throw new IOException(
          "the writer of " + key + " wrote " + length + " bytes but announced " + bytes.length);
    }
    return bytes;
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public void close() {}
}
