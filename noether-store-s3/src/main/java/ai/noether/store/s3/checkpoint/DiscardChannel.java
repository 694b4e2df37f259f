package ai.noether.store.s3.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.WritableByteChannel;

/** Counts nothing, keeps nothing: the sink of a verification pass. */
final class DiscardChannel implements WritableByteChannel {
  private boolean open = true;

  @Override
  public int write(ByteBuffer src) throws IOException {
    if (!open) {
      throw new ClosedChannelException();
    }
    int n = src.remaining();
    src.position(src.limit());
    return n;
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public void close() {
    open = false;
  }
}
