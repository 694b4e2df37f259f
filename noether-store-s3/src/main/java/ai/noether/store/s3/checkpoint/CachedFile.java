package ai.noether.store.s3.checkpoint;

import ai.noether.api.checkpoint.CheckpointFile;
import ai.noether.api.checkpoint.CheckpointFileName;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.checkpoint.StoredFile;
import ai.noether.core.store.FileCheckpointStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.WritableByteChannel;

/** A file of a checkpoint in the local cache, read back verified to be uploaded to the bucket. */
final class CachedFile implements CheckpointFile {
  private final FileCheckpointStore local;
  private final StoredCheckpoint checkpoint;
  private final StoredFile file;

  CachedFile(FileCheckpointStore local, StoredCheckpoint checkpoint, StoredFile file) {
    this.local = local;
    this.checkpoint = checkpoint;
    this.file = file;
  }

  @Override
  public CheckpointFileName name() {
    return file.name();
  }

  @Override
  public long size() {
    return file.size();
  }

  @Override
  public void writeTo(WritableByteChannel out) throws IOException {
    try (SeekableByteChannel in = local.open(checkpoint, file)) {
      ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
      while (in.read(buffer.clear()) > 0) {
        buffer.flip();
        while (buffer.hasRemaining()) {
          out.write(buffer);
        }
      }
    }
  }
}
