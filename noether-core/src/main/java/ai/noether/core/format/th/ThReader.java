package ai.noether.core.format.th;

import ai.noether.api.checkpoint.CorruptCheckpointException;
import ai.noether.core.format.internal.MappedRegions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code .th} files: those {@link ThFormat} writes, and those {@code torch.save} writes
 * (torch 1.6 and later) when they hold state dicts, nested dicts, lists, tuples, numbers,
 * strings, {@code None} and dense CPU or CUDA tensors of the dtypes in
 * {@link ai.noether.api.tensor.DType}.
 *
 * <p>Loading never runs code: the pickle is read by a restricted reader that accepts only the
 * globals needed to rebuild those values and fails with a {@link ForbiddenGlobalException} naming
 * any other (such as {@code posix.system}). Every record's CRC-32 is checked before its content
 * is used; a damaged, truncated or malformed file fails with a
 * {@link CorruptCheckpointException} naming the file and the record.
 *
 * <p>Results: maps are {@link java.util.LinkedHashMap}s in file order (keys as stored: strings,
 * or Long/Double/Boolean/null/tuple keys from Python code such as optimizer states), lists
 * {@link java.util.ArrayList}s, tuples unmodifiable lists, ints {@code Long}, floats
 * {@code Double}. Tensors are {@link ai.noether.api.tensor.HostTensor}s whose buffers are
 * read-only memory mappings of the file (no copy through the heap); tensors that share a storage
 * in the file share the mapping. A non-contiguous tensor (a transposed view saved as is) is
 * copied into row-major direct memory. An OrderedDict's instance attributes (the
 * {@code _metadata} of a module state dict) are dropped.
 *
 * <p><b>Note:</b> the mappings outlive this call and the file's deletion; but if another process
 * truncates the file while its tensors are in use, reading them crashes the JVM (SIGBUS), as with
 * any memory mapping. Checkpoint stores never modify a committed file in place.
 */
public final class ThReader {
  private ThReader() {}

  /**
   * Reads a file whose root object is a dict with string keys (every checkpoint and state dict).
   *
   * @throws CorruptCheckpointException if the file is damaged or its root is not such a dict
   * @throws ForbiddenGlobalException if the file refers to a global a checkpoint may not use
   * @throws IOException if the file cannot be read at all (missing, permissions)
   */
  public static Map<String, Object> read(Path path) throws IOException {
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      return read(ch, path.toString());
    }
  }

  /**
   * Reads a dict-rooted file from an open channel (e.g. one a checkpoint store opened); the
   * channel stays open. {@code file} names the file in error messages.
   *
   * @throws CorruptCheckpointException if the file is damaged or its root is not such a dict
   * @throws ForbiddenGlobalException if the file refers to a global a checkpoint may not use
   */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> read(FileChannel ch, String file) throws IOException {
    Object root = readObject(ch, file);
    if (!(root instanceof Map<?, ?> map)) {
      throw new CorruptCheckpointException(file + ": the root object is "
          + (root == null ? "None" : root.getClass().getSimpleName()) + ", not a dict; use readObject for such files");
    }
    for (Object key : map.keySet()) {
      if (!(key instanceof String)) {
        throw new CorruptCheckpointException(file + ": the root dict has a key " + key + " that is not a string");
      }
    }
    return (Map<String, Object>) map;
  }

  /**
   * Reads a file whose root may be any supported value (a bare tensor or list, too).
   *
   * @return the root object; null if the file holds {@code None}
   */
  public static Object readObject(Path path) throws IOException {
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      return readObject(ch, path.toString());
    }
  }

  /** Reads a file whose root may be any supported value from an open channel, which stays open. */
  public static Object readObject(FileChannel ch, String file) throws IOException {
    ZipDirectory dir = ZipDirectory.read(ch, file);
    String prefix = archivePrefix(dir, file);
    List<MappedRegions.Region> mapped = new ArrayList<>();
    for (ZipDirectory.Record r : dir.all()) {
      if (r.name().startsWith(prefix + "data/")) {
        mapped.add(new MappedRegions.Region(r.name(), r.dataOffset(), r.size()));
      }
    }
    Map<String, List<ByteBuffer>> data = MappedRegions.map(ch, mapped);
    byte[] pickle = null;
    for (ZipDirectory.Record r : dir.all()) {
      List<ByteBuffer> bytes = data.get(r.name());
      if (bytes == null) {
        if (r.size() > Integer.MAX_VALUE - 8) {
          throw new CorruptCheckpointException(file + ": record " + r.name() + " is " + r.size()
              + " bytes, too large for a metadata record");
        }
        ByteBuffer heap = ZipDirectory.readAt(ch, r.dataOffset(), (int) r.size());
        bytes = List.of(heap);
        checkCrc(file, r, bytes);
        if (r.name().equals(prefix + "data.pkl")) {
          pickle = heap.array();
        } else if (r.name().equals(prefix + "byteorder")) {
          checkByteOrder(file, r, heap);
        }
      } else {
        prefetch(bytes);
        checkCrc(file, r, bytes);
      }
    }
    return RestrictedUnpickler.load(pickle, file, prefix + "data.pkl", (key, dtype, numel) -> {
      String name = prefix + "data/" + key;
      List<ByteBuffer> bytes = data.get(name);
      if (bytes == null) {
        throw new CorruptCheckpointException(file + ": record " + name + " is missing; the pickle refers to it");
      }
      long need = Math.multiplyExact(numel, dtype.byteSize());
      long have = dir.records().get(name).size();
      if (have < need) {
        throw new CorruptCheckpointException(file + ": record " + name + " holds " + have + " bytes but its storage of "
            + numel + " " + dtype + " needs " + need);
      }
      return new RestrictedUnpickler.Storage(key, dtype, numel, StridedTensors.slice(bytes, 0, need));
    });
  }

  private static String archivePrefix(ZipDirectory dir, String file) {
    String prefix = null;
    for (String name : dir.records().keySet()) {
      int slash = name.indexOf('/');
      if (slash > 0 && name.substring(slash).equals("/data.pkl")) {
        if (prefix != null) {
          throw new CorruptCheckpointException(file + ": the archive holds two pickles, " + prefix + "data.pkl and "
              + name);
        }
        prefix = name.substring(0, slash + 1);
      }
    }
    if (prefix == null) {
      throw new CorruptCheckpointException(file + ": the archive has no record <name>/data.pkl; it is a zip file but"
          + " not one torch.save wrote");
    }
    return prefix;
  }

  /**
   * Asks the kernel to read a mapped record ahead in large requests ({@code madvise(WILLNEED)}
   * inside {@link MappedByteBuffer#load}); without it, the CRC pass would fault the pages in with
   * little read-ahead and a cold read would be slower than a plain {@code read}.
   */
  private static void prefetch(List<ByteBuffer> bytes) {
    for (ByteBuffer b : bytes) {
      if (b instanceof MappedByteBuffer m) {
        m.load();
      }
    }
  }

  private static void checkCrc(String file, ZipDirectory.Record r, List<ByteBuffer> bytes) {
    int crc = MappedRegions.crc(bytes);
    if (crc != r.crc()) {
      throw new CorruptCheckpointException(String.format("%s: record %s is corrupt: CRC-32 0x%08x, expected 0x%08x",
          file, r.name(), crc, r.crc()));
    }
  }

  private static void checkByteOrder(String file, ZipDirectory.Record r, ByteBuffer heap) {
    String order = new String(heap.array(), StandardCharsets.US_ASCII).trim();
    if (!order.equals("little")) {
      throw new CorruptCheckpointException(file + ": record " + r.name() + " says the tensors are '" + order
          + "'-endian; only little-endian files can be read");
    }
  }
}
