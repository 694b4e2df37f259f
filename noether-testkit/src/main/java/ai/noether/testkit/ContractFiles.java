package ai.noether.testkit;

import ai.noether.api.checkpoint.CheckpointFile;
import ai.noether.api.checkpoint.CheckpointFileKind;
import ai.noether.api.checkpoint.CheckpointFileName;
import ai.noether.api.checkpoint.CheckpointTag;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * The checkpoint files {@link CheckpointStoreContract} commits: deterministic bytes a store must
 * give back exactly, and writers that fail half-way or write fewer bytes than they declared, which
 * a store must refuse without changing what it holds. Usable in a store's own tests as well.
 */
public final class ContractFiles {
  private static final int CHUNK = 8192;

  private ContractFiles() {}

  /** A model, optimizer and trainer file of {@code size} bytes each, named for {@code tag}. */
  public static List<CheckpointFile> of(CheckpointTag tag, int size) {
    List<CheckpointFile> files = new ArrayList<>();
    for (CheckpointFileKind kind :
        List.of(CheckpointFileKind.MODEL, CheckpointFileKind.OPTIM, CheckpointFileKind.TRAINER)) {
      files.add(new Content(CheckpointFileName.of("mlp", tag, kind), size));
    }
    return files;
  }

  /**
   * The bytes a file of {@link #of} holds: they depend on the file's kind and size, not on its tag,
   * so an alias's files compare equal to the tag's.
   */
  public static byte[] bytes(CheckpointFileName name, int size) {
    byte[] b = new byte[size];
    long x = name.kind().ordinal() * 0x9E3779B97F4A7C15L + size;
    for (int i = 0; i < size; i++) {
      x ^= x << 13;
      x ^= x >>> 7;
      x ^= x << 17;
      b[i] = (byte) x;
    }
    return b;
  }

  /** {@code file}, but its writer stops half-way with an {@link IOException}. */
  public static CheckpointFile failingHalfway(CheckpointFile file) {
    return new Written(
        file,
        out -> {
          out.write(ByteBuffer.allocate((int) file.size() / 2));
          throw new IOException("encoder failed");
        });
  }

  /** {@code file}, but its writer writes one byte fewer than it declares. */
  public static CheckpointFile oneByteShort(CheckpointFile file) {
    return new Written(file, out -> out.write(ByteBuffer.allocate((int) file.size() - 1)));
  }

  private record Content(CheckpointFileName name, long size) implements CheckpointFile {
    @Override
    public void writeTo(WritableByteChannel out) throws IOException {
      byte[] all = bytes(name, (int) size);
      for (int off = 0; off < all.length; off += CHUNK) {
        ByteBuffer chunk = ByteBuffer.wrap(all, off, Math.min(CHUNK, all.length - off));
        while (chunk.hasRemaining()) {
          out.write(chunk);
        }
      }
    }
  }

  private interface Writer {
    void writeTo(WritableByteChannel out) throws IOException;
  }

  /** {@code declared}'s name and size with another writer. */
  private record Written(CheckpointFile declared, Writer writer) implements CheckpointFile {
    @Override
    public CheckpointFileName name() {
      return declared.name();
    }

    @Override
    public long size() {
      return declared.size();
    }

    @Override
    public void writeTo(WritableByteChannel out) throws IOException {
      writer.writeTo(out);
    }
  }
}
