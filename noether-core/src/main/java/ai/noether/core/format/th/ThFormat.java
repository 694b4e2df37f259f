package ai.noether.core.format.th;

import ai.noether.api.checkpoint.CheckpointFile;
import ai.noether.api.checkpoint.CheckpointFileName;
import ai.noether.core.checkpoint.CheckpointEncoder;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Objects;

/**
 * Writes state trees as {@code .th} files: PyTorch's own serialization layout, which {@code
 * torch.load(path, weights_only=True)} reads.
 *
 * <p>A tree holds only the values of {@link ai.noether.api.state.Stateful}: {@code Map} (keys
 * String, Long, Integer, Double, Float, Boolean or null; iteration order is kept, and a {@link
 * java.util.LinkedHashMap} becomes a {@code collections.OrderedDict}, any other map a {@code
 * dict}), {@code List}, {@code String}, {@code Long}/{@code Integer}, {@code Double}/{@code Float},
 * {@code Boolean}, {@code null} and {@link ai.noether.api.tensor.HostTensor}. Anything else is
 * rejected with an {@link IllegalArgumentException} naming its path in the tree, before a byte is
 * written. The same HostTensor instance appearing twice is stored once and shared on load.
 *
 * <p>Read the files back with {@link ThReader}.
 */
public final class ThFormat {
  /** The directory every record lives under inside the zip archive. */
  public static final String ARCHIVE_NAME = "archive";

  /** Content of the {@code version} record: PyTorch's zip file format version. */
  public static final int FILE_FORMAT_VERSION = 3;

  private ThFormat() {}

  /**
   * The production encoder: each file's exact size is known when it is created, and {@link
   * CheckpointFile#writeTo} streams tensor bytes from the tensors' buffers without copying them
   * through the heap.
   *
   * <p><b>Note:</b> the tensors are read while the file is written, not when it is encoded; they
   * must not change in between (snapshots never do).
   */
  public static CheckpointEncoder encoder() {
    return (name, tree) ->
        new ThCheckpointFile(Objects.requireNonNull(name, "name"), ThArchive.of(tree));
  }

  /**
   * Writes {@code tree} to {@code path} (created or replaced) and forces it to disk. This is a
   * plain write, not an atomic commit: use a {@link ai.noether.api.checkpoint.CheckpointStore} for
   * checkpoints that must survive a crash mid-write.
   *
   * @return the number of bytes written
   * @throws IllegalArgumentException naming the path of a value a checkpoint cannot hold
   */
  public static long write(Path path, Map<String, ?> tree) throws IOException {
    ThArchive archive = ThArchive.of(tree);
    try (FileChannel out =
        FileChannel.open(
            path,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      archive.writeTo(out);
      out.force(true);
    }
    return archive.size();
  }

  private record ThCheckpointFile(CheckpointFileName name, ThArchive archive)
      implements CheckpointFile {
    @Override
    public long size() {
      return archive.size();
    }

    @Override
    public void writeTo(WritableByteChannel out) throws IOException {
      archive.writeTo(out);
    }

    @Override
    public String toString() {
      return name + " (" + archive.size() + " bytes)";
    }
  }
}
