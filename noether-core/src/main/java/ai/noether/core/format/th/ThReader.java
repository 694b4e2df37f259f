package ai.noether.core.format.th;

import ai.noether.api.Nullable;
import ai.noether.api.checkpoint.CorruptCheckpointException;
import ai.noether.api.tensor.DType;
import ai.noether.core.format.internal.MappedRegions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongConsumer;

/**
 * Reads {@code .th} files: those {@link ThFormat} writes, and those {@code torch.save} writes
 * (torch 1.6 and later) when they hold state dicts, nested dicts, lists, tuples, numbers, strings,
 * {@code None} and dense CPU or CUDA tensors of the dtypes in {@link ai.noether.api.tensor.DType}.
 *
 * <p>Loading never runs code: the pickle is read by a restricted reader that accepts only the
 * globals needed to rebuild those values and fails with a {@link ForbiddenGlobalException} naming
 * any other (such as {@code posix.system}). Every record's CRC-32 is checked before its content is
 * used; a damaged, truncated or malformed file fails with a {@link CorruptCheckpointException}
 * naming the file and the record.
 *
 * <p>Results: maps are {@link java.util.LinkedHashMap}s in file order (keys as stored: strings, or
 * Long/Double/Boolean/null/tuple keys from Python code such as optimizer states), lists {@link
 * java.util.ArrayList}s, tuples unmodifiable lists, ints {@code Long}, floats {@code Double}.
 * Tensors are {@link ai.noether.api.tensor.HostTensor}s whose buffers are read-only memory mappings
 * of the file (no copy through the heap); tensors that share a storage in the file share the
 * mapping. A non-contiguous tensor (a transposed view saved as is) is copied into row-major direct
 * memory. An OrderedDict's instance attributes (the {@code _metadata} of a module state dict) are
 * dropped.
 *
 * <p>Reading is bounded in time and memory whatever the file holds (see {@link ThReadLimits}):
 * shared references are followed once each, copies of non-contiguous tensors are counted against a
 * budget before anything is allocated, and only the pickle is read into the heap. A TorchScript
 * archive ({@code torch.jit.save}) is recognised and named as such.
 *
 * <p><b>Note:</b> the mappings outlive this call and the file's deletion; but if another process
 * truncates the file while its tensors are in use, reading them crashes the JVM (SIGBUS), as with
 * any memory mapping. Checkpoint stores never modify a committed file in place.
 */
public final class ThReader {
  /** "little" or "big", with room for a newline. */
  private static final int MAX_BYTE_ORDER_BYTES = 16;

  private ThReader() {}

  /**
   * Reads a file whose root object is a dict with string keys (every checkpoint and state dict).
   *
   * @throws CorruptCheckpointException if the file is damaged or its root is not such a dict
   * @throws ForbiddenGlobalException if the file refers to a global a checkpoint may not use
   * @throws IOException if the file cannot be read at all (missing, permissions)
   */
  public static Map<String, Object> read(Path path) throws IOException {
    return read(path, ThReadLimits.defaults());
  }

  /** As {@link #read(Path)}, within the given limits. */
  public static Map<String, Object> read(Path path, ThReadLimits limits) throws IOException {
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      return read(ch, path.toString(), limits);
    }
  }

  /**
   * Reads a dict-rooted file from an open channel (e.g. one a checkpoint store opened); the channel
   * stays open. {@code file} names the file in error messages.
   *
   * @throws CorruptCheckpointException if the file is damaged or its root is not such a dict
   * @throws ForbiddenGlobalException if the file refers to a global a checkpoint may not use
   */
  public static Map<String, Object> read(FileChannel ch, String file) throws IOException {
    return read(ch, file, ThReadLimits.defaults());
  }

  /** As {@link #read(FileChannel, String)}, within the given limits. */
  public static Map<String, Object> read(FileChannel ch, String file, ThReadLimits limits)
      throws IOException {
    return read(ch, file, limits, null);
  }

  /**
   * As {@link #read(FileChannel, String, ThReadLimits)}, also computing the CRC32C of the whole
   * file (every byte up to {@code ch.size()}) in the same pass as the records' CRC-32s, for a
   * checkpoint store that recorded it: {@code fileCrc32c} gets it after every record was checked
   * and before anything of the file is decoded, and refuses the file by throwing. The bytes are
   * read once instead of once per checksum.
   *
   * @param fileCrc32c receives the file's CRC32C; null to compute none
   */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> read(
      FileChannel ch, String file, ThReadLimits limits, @Nullable LongConsumer fileCrc32c)
      throws IOException {
    Object root = readObject(ch, file, limits, fileCrc32c);
    if (!(root instanceof Map<?, ?> map)) {
      throw new CorruptCheckpointException(
          file
              + ": the root object is "
              + (root == null ? "None" : root.getClass().getSimpleName())
              + ", not a dict; use readObject for such files");
    }
    for (Object key : map.keySet()) {
      if (!(key instanceof String)) {
        throw new CorruptCheckpointException(
            file + ": the root dict has a key " + key + " that is not a string");
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
    return readObject(path, ThReadLimits.defaults());
  }

  /** As {@link #readObject(Path)}, within the given limits. */
  public static Object readObject(Path path, ThReadLimits limits) throws IOException {
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      return readObject(ch, path.toString(), limits);
    }
  }

  /** Reads a file whose root may be any supported value from an open channel, which stays open. */
  public static Object readObject(FileChannel ch, String file) throws IOException {
    return readObject(ch, file, ThReadLimits.defaults());
  }

  /** As {@link #readObject(FileChannel, String)}, within the given limits. */
  public static Object readObject(FileChannel ch, String file, ThReadLimits limits)
      throws IOException {
    return readObject(ch, file, limits, null);
  }

  private static Object readObject(
      FileChannel ch, String file, ThReadLimits limits, @Nullable LongConsumer fileCrc32c)
      throws IOException {
    ZipDirectory dir = ZipDirectory.read(ch, file);
    refuseTorchScript(dir, file);
    for (ZipDirectory.Record r : dir.all()) {
      if (!r.stored()) {
        throw new CorruptCheckpointException(
            file
                + ": record "
                + r.name()
                + " is compressed (zip method "
                + r.method()
                + "); .th records are stored uncompressed, as torch.save writes them");
      }
    }
    String prefix = archivePrefix(dir, file);
    String pickleName = prefix + "data.pkl";
    String byteOrderName = prefix + "byteorder";
    // Only the pickle (and the byte order) enter the heap; every other record, whatever its size,
    // is checked through a mapping.
    List<MappedRegions.Region> mapped = new ArrayList<>();
    long tensorBytes = 0;
    for (ZipDirectory.Record r : dir.all()) {
      if (!r.name().equals(pickleName) && !r.name().equals(byteOrderName)) {
        mapped.add(new MappedRegions.Region(r.name(), r.dataOffset(), r.size()));
      }
      if (r.name().startsWith(prefix + "data/")) {
        tensorBytes += r.size();
      }
    }
    Map<String, List<ByteBuffer>> data = MappedRegions.map(ch, mapped);
    // With the file's checksum to fold in, records are checked in file order; else in the
    // directory's.
    List<ZipDirectory.Record> order = new ArrayList<>(dir.all());
    WholeFileCrc whole = null;
    if (fileCrc32c != null) {
      order.sort(Comparator.comparingLong(ZipDirectory.Record::dataOffset));
      whole = new WholeFileCrc(ch);
    }
    List<ReadAhead.Range> tensorRecords = new ArrayList<>();
    for (ZipDirectory.Record r : order) {
      if (data.containsKey(r.name()) && r.name().startsWith(prefix + "data/")) {
        tensorRecords.add(new ReadAhead.Range(r.dataOffset(), r.size(), data.get(r.name())));
      }
    }
    try (ReadAhead ahead = new ReadAhead(ch, tensorRecords)) {
      return readRecords(
          ch, file, limits, dir, order, prefix, data, tensorBytes, ahead, whole, fileCrc32c);
    }
  }

  private static Object readRecords(
      FileChannel ch,
      String file,
      ThReadLimits limits,
      ZipDirectory dir,
      List<ZipDirectory.Record> order,
      String prefix,
      Map<String, List<ByteBuffer>> data,
      long tensorBytes,
      ReadAhead ahead,
      @Nullable WholeFileCrc whole,
      @Nullable LongConsumer fileCrc32c)
      throws IOException {
    String pickleName = prefix + "data.pkl";
    String byteOrderName = prefix + "byteorder";
    @Nullable byte[] pickle = null;
    for (ZipDirectory.Record r : order) {
      List<ByteBuffer> bytes = data.get(r.name());
      if (bytes == null) {
        if (r.size() > Integer.MAX_VALUE - 8) {
          throw new CorruptCheckpointException(
              file
                  + ": record "
                  + r.name()
                  + " is "
                  + r.size()
                  + " bytes, too large for a metadata record");
        }
        if (r.name().equals(byteOrderName) && r.size() > MAX_BYTE_ORDER_BYTES) {
          throw new CorruptCheckpointException(
              file + ": record " + r.name() + " is " + r.size() + " bytes; it should say 'little'");
        }
        ByteBuffer heap = ZipDirectory.readAt(ch, r.dataOffset(), (int) r.size());
        bytes = List.of(heap);
        checkCrc(file, r, bytes, whole);
        if (r.name().equals(pickleName)) {
          pickle = heap.array();
        } else {
          checkByteOrder(file, r, heap);
        }
      } else {
        if (r.name().startsWith(prefix + "data/")) {
          // Read from disk (on the read-ahead thread) while the previous record's CRC was checked.
          ahead.awaitNext();
        }
        checkCrc(file, r, bytes, whole);
      }
    }
    // whole is made exactly when fileCrc32c is given
    if (whole != null && fileCrc32c != null) {
      fileCrc32c.accept(whole.finish(ch.size()));
    }
    return RestrictedUnpickler.load(
        // archivePrefix found the pickle's record, and the loop above read every record
        Objects.requireNonNull(pickle, pickleName),
        file,
        pickleName,
        (key, dtype, numel) -> {
          String name = prefix + "data/" + key;
          List<ByteBuffer> bytes = storageRecord(data, file, name);
          if (numel > Long.MAX_VALUE / dtype.byteSize()) {
            throw new CorruptCheckpointException(
                file
                    + ": storage "
                    + key
                    + " declares "
                    + numel
                    + " "
                    + dtype
                    + " elements, more bytes than a 64-bit size holds (a corrupt size)");
          }
          return storage(dir, file, name, bytes, key, dtype, numel, numel * dtype.byteSize());
        },
        limits.copyBudget(tensorBytes),
        limits.explainCopyBudget(tensorBytes),
        limits.maxTreeValues());
  }

  /**
   * The mapped bytes of the record {@code name} a storage refers to.
   *
   * @throws CorruptCheckpointException if the archive has no such record
   */
  static List<ByteBuffer> storageRecord(
      Map<String, List<ByteBuffer>> data, String file, String name) {
    List<ByteBuffer> bytes = data.get(name);
    if (bytes == null) {
      throw new CorruptCheckpointException(
          file + ": record " + name + " is missing; the pickle refers to it");
    }
    return bytes;
  }

  /**
   * The storage {@code key}: the first {@code need} bytes ({@code numel} elements of {@code dtype})
   * of its record {@code name}, whose mapped bytes are {@code bytes}.
   *
   * @throws CorruptCheckpointException if the record holds fewer than {@code need} bytes
   */
  static RestrictedUnpickler.Storage storage(
      ZipDirectory dir,
      String file,
      String name,
      List<ByteBuffer> bytes,
      String key,
      DType dtype,
      long numel,
      long need) {
    ZipDirectory.Record record = dir.records().get(name);
    long have = record == null ? 0 : record.size();
    if (have < need) {
      throw new CorruptCheckpointException(
          file
              + ": record "
              + name
              + " holds "
              + have
              + " bytes but its storage of "
              + numel
              + " "
              + dtype
              + " needs "
              + need);
    }
    return new RestrictedUnpickler.Storage(key, dtype, numel, StridedTensors.slice(bytes, 0, need));
  }

  /**
   * {@code torch.jit.save} writes a zip much like {@code torch.save}'s, plus the module's code and
   * constants (its code records compressed): recognise it by those records and say what to do.
   */
  private static void refuseTorchScript(ZipDirectory dir, String file) {
    for (String name : dir.records().keySet()) {
      int slash = name.indexOf('/');
      String inside = slash < 0 ? name : name.substring(slash + 1);
      if (inside.equals("constants.pkl") || inside.startsWith("code/")) {
        throw new CorruptCheckpointException(
            file
                + ": this is a TorchScript archive (torch.jit.save), not a"
                + " checkpoint or state dict (it has the record "
                + name
                + "); save a state_dict with"
                + " torch.save(model.state_dict()) instead");
      }
    }
  }

  static String archivePrefix(ZipDirectory dir, String file) {
    String prefix = null;
    for (String name : dir.records().keySet()) {
      int slash = name.indexOf('/');
      if (slash > 0 && name.substring(slash).equals("/data.pkl")) {
        if (prefix != null) {
          throw new CorruptCheckpointException(
              file + ": the archive holds two pickles, " + prefix + "data.pkl and " + name);
        }
        prefix = name.substring(0, slash + 1);
      }
    }
    if (prefix == null) {
      throw new CorruptCheckpointException(
          file
              + ": the archive has no record <name>/data.pkl; it is a zip file but"
              + " not one torch.save wrote");
    }
    return prefix;
  }

  static void checkCrc(
      String file, ZipDirectory.Record r, List<ByteBuffer> bytes, @Nullable WholeFileCrc whole)
      throws IOException {
    int crc = whole == null ? MappedRegions.crc(bytes) : whole.record(r.dataOffset(), bytes);
    if (crc != r.crc()) {
      throw new CorruptCheckpointException(
          String.format(
              "%s: record %s is corrupt: CRC-32 0x%08x, expected 0x%08x",
              file, r.name(), crc, r.crc()));
    }
  }

  private static void checkByteOrder(String file, ZipDirectory.Record r, ByteBuffer heap) {
    String order = new String(heap.array(), StandardCharsets.US_ASCII).trim();
    if (!order.equals("little")) {
      throw new CorruptCheckpointException(
          file
              + ": record "
              + r.name()
              + " says the tensors are '"
              + order
              + "'-endian; only little-endian files can be read");
    }
  }
}
