package ai.noether.core.format.th;

import ai.noether.api.checkpoint.CorruptCheckpointException;
import ai.noether.core.format.internal.MappedRegions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reads the metadata of a {@code .th} file (its pickle: the tags, counters and configuration next
 * to the tensors) without reading its tensor bytes: asked of every {@code latest}, {@code last} and
 * best file when a stage is listed, it must cost a few kilobytes per file, not the file's size.
 *
 * <p>Only the zip directory and the {@code data.pkl} record are read, and the pickle's CRC-32 is
 * checked; tensor records are mapped, not read, and their CRC-32s are not checked (that is {@link
 * ThReader}'s job when the weights are loaded). The pickle goes through the same restricted reader
 * as every load, so no file can run code here either.
 *
 * <p><b>Note:</b> the tensors in the result are views of the unread mappings; reading them reads
 * the file. A pickle larger than {@link #MAX_PICKLE_BYTES} is refused rather than read.
 */
public final class ThMetadata {
  /**
   * The largest pickle read. A checkpoint's pickle takes about a hundred bytes per tensor plus its
   * configuration, so real files stay far below this; it bounds the heap a hostile file can claim.
   */
  public static final int MAX_PICKLE_BYTES = 32 << 20;

  private ThMetadata() {}

  /**
   * The root dict of the file, tensors left unread.
   *
   * @throws CorruptCheckpointException if the archive or its pickle is damaged, the pickle is
   *     larger than {@link #MAX_PICKLE_BYTES}, or the root is not a dict with string keys
   * @throws ForbiddenGlobalException if the pickle refers to a global a checkpoint may not use
   * @throws IOException if the file cannot be read at all
   */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> read(Path path) throws IOException {
    String file = path.toString();
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      ZipDirectory dir = ZipDirectory.read(ch, file);
      String prefix = ThReader.archivePrefix(dir, file);
      // archivePrefix found this record
      ZipDirectory.Record pickleRecord =
          Objects.requireNonNull(dir.records().get(prefix + "data.pkl"), prefix);
      if (pickleRecord.size() > MAX_PICKLE_BYTES) {
        throw new CorruptCheckpointException(
            file
                + ": record "
                + pickleRecord.name()
                + " is "
                + pickleRecord.size()
                + " bytes; metadata larger than "
                + MAX_PICKLE_BYTES
                + " bytes is not read");
      }
      ByteBuffer pickle =
          ZipDirectory.readAt(ch, pickleRecord.dataOffset(), (int) pickleRecord.size());
      ThReader.checkCrc(file, pickleRecord, List.of(pickle), null);
      List<MappedRegions.Region> regions = new ArrayList<>();
      for (ZipDirectory.Record r : dir.all()) {
        if (r.name().startsWith(prefix + "data/")) {
          regions.add(new MappedRegions.Region(r.name(), r.dataOffset(), r.size()));
        }
      }
      Map<String, List<ByteBuffer>> data = MappedRegions.map(ch, regions);
      long tensorBytes = regions.stream().mapToLong(MappedRegions.Region::size).sum();
      ThReadLimits limits = ThReadLimits.defaults();
      Object root =
          RestrictedUnpickler.load(
              pickle.array(),
              file,
              pickleRecord.name(),
              (key, dtype, numel) -> {
                String name = prefix + "data/" + key;
                List<ByteBuffer> bytes = ThReader.storageRecord(data, file, name);
                return ThReader.storage(
                    dir,
                    file,
                    name,
                    bytes,
                    key,
                    dtype,
                    numel,
                    Math.multiplyExact(numel, dtype.byteSize()));
              },
              limits.copyBudget(tensorBytes),
              limits.explainCopyBudget(tensorBytes),
              limits.maxTreeValues());
      if (!(root instanceof Map<?, ?> map)
          || !map.keySet().stream().allMatch(String.class::isInstance)) {
        throw new CorruptCheckpointException(
            file + ": the root object is not a dict with string keys");
      }
      return (Map<String, Object>) map;
    } catch (ArithmeticException e) {
      throw new CorruptCheckpointException(
          file + ": a storage declares a size too large to address", e);
    }
  }
}
