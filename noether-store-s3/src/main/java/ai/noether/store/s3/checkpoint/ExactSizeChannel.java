package ai.noether.store.s3.checkpoint;

import ai.noether.api.checkpoint.CheckpointFile;
import ai.noether.core.store.CommitRules;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

/** Passes a checkpoint file's bytes on and refuses more, or fewer, than it declared. */
final class ExactSizeChannel implements WritableByteChannel {
  private final WritableByteChannel out;
  private final CheckpointFile file;
  private long written;

  ExactSizeChannel(WritableByteChannel out, CheckpointFile file) {
    this.out = out;
    this.file = file;
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    if (written + src.remaining() > file.size()) {
      throw new IllegalStateException(
          "checkpoint file "
              + file.name()
              + " wrote more than the "
              + file.size()
              + " bytes it declared; CheckpointFile.size() must be exact so that the upload can be planned");
    }
    int n = out.write(src);
    written += n;
    return n;
  }

  void requireComplete() {
    if (written != file.size()) {
      throw CommitRules.wrongSize(file, written, "the upload can be planned");
    }
  }

  @Override
  public boolean isOpen() {
    return out.isOpen();
  }

  @Override
  public void close() {
    // The store owns the upload's channel.
  }
}
