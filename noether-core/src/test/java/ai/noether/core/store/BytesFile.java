package ai.noether.core.store;

import ai.noether.api.checkpoint.CheckpointFile;
import ai.noether.api.checkpoint.CheckpointFileKind;
import ai.noether.api.checkpoint.CheckpointFileName;
import ai.noether.api.checkpoint.CheckpointTag;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A checkpoint file with pseudo-random content derived from a seed, streamed in chunks like the
 * real {@code .th} writer does. Shared by the tests and the child JVM of the crash test.
 */
class BytesFile implements CheckpointFile {
  private static final int CHUNK = 64 * 1024;

  private final CheckpointFileName name;
  private final long size;
  private final long seed;

  BytesFile(CheckpointFileName name, long size, long seed) {
    this.name = name;
    this.size = size;
    this.seed = seed;
  }

  /**
   * {@code {model}_cp={tag}_{kind}.th} with {@code size} bytes of content derived from {@code
   * seed}.
   */
  static BytesFile of(
      String model, CheckpointTag tag, CheckpointFileKind kind, long size, long seed) {
    return new BytesFile(CheckpointFileName.of(model, tag, kind), size, seed);
  }

  /** A model, optim and trainer file for {@code model} at {@code tag}. */
  static List<BytesFile> resumable(String model, CheckpointTag tag, long size, long seed) {
    List<BytesFile> files = new ArrayList<>();
    for (CheckpointFileKind kind : CheckpointFileKind.values()) {
      files.add(of(model, tag, kind, size, seed + kind.ordinal()));
    }
    return files;
  }

  /** The exact bytes {@link #writeTo} writes. */
  byte[] content() {
    byte[] out = new byte[Math.toIntExact(size)];
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < out.length; i += 8) {
      long v = random.nextLong();
      for (int j = 0; j < 8 && i + j < out.length; j++) {
        out[i + j] = (byte) (v >>> (8 * j));
      }
    }
    return out;
  }

  @Override
  public CheckpointFileName name() {
    return name;
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public void writeTo(WritableByteChannel out) throws IOException {
    byte[] all = content();
    for (int offset = 0; offset < all.length; offset += CHUNK) {
      beforeChunk(offset);
      ByteBuffer buffer = ByteBuffer.wrap(all, offset, Math.min(CHUNK, all.length - offset));
      while (buffer.hasRemaining()) {
        out.write(buffer);
      }
    }
  }

  /** Called before each chunk is written; tests override it to inject failures. */
  void beforeChunk(long offset) throws IOException {}
}
