package ai.noether.core.format.npy;

import ai.noether.api.tensor.DType;
import ai.noether.api.tensor.HostTensor;
import ai.noether.core.data.DataFileException;
import ai.noether.core.format.internal.MappedRegions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads NumPy's {@code .npy} files (format versions 1, 2 and 3) as memory-mapped {@link
 * HostTensor}s: the header is parsed and checked against the file, the data stay in the page cache,
 * so an array larger than the Java heap costs no heap.
 *
 * <p>Supported: little-endian (or single-byte) booleans, signed integers of 1 to 8 bytes, unsigned
 * bytes and floats of 2, 4 and 8 bytes, in C order (or any order for one dimension). Anything else
 * (Fortran order, big-endian, strings, objects, complex numbers, unsigned integers wider than a
 * byte) is a {@link DataFileException} naming the file, its {@code descr} and what is supported.
 */
public final class NpyReader {
  static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
  private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");
  private static final Map<String, DType> TYPES = new LinkedHashMap<>();

  static {
    TYPES.put("f2", DType.FLOAT16);
    TYPES.put("f4", DType.FLOAT32);
    TYPES.put("f8", DType.FLOAT64);
    TYPES.put("i1", DType.INT8);
    TYPES.put("u1", DType.UINT8);
    TYPES.put("i2", DType.INT16);
    TYPES.put("i4", DType.INT32);
    TYPES.put("i8", DType.INT64);
    TYPES.put("b1", DType.BOOL);
  }

  private NpyReader() {}

  /**
   * Reads {@code path}.
   *
   * @param shownAs how messages name the file (the path as configured, or an archive entry)
   * @throws DataFileException if the file is missing or not a supported {@code .npy} array
   */
  public static HostTensor read(Path path, String shownAs) {
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      long fileSize = ch.size();
      if (fileSize < 10) {
        throw bad(shownAs, "is " + fileSize + " bytes, too short for a .npy header");
      }
      ByteBuffer start = readAt(ch, 0, 12 <= fileSize ? 12 : 10);
      byte[] magic = new byte[6];
      start.get(magic);
      if (!Arrays.equals(magic, MAGIC)) {
        throw bad(
            shownAs,
            "does not start with the .npy magic bytes \\x93NUMPY; it is not a NumPy array file"
                + " (write it with numpy.save)");
      }
      int major = start.get() & 0xff;
      start.get();
      long headerLength;
      int prefix;
      if (major == 1) {
        headerLength = start.getShort() & 0xffff;
        prefix = 10;
      } else if (major == 2 || major == 3) {
        headerLength = start.getInt() & 0xffffffffL;
        prefix = 12;
      } else {
        throw bad(
            shownAs, "has .npy format version " + major + "; versions 1, 2 and 3 are supported");
      }
      if (prefix + headerLength > fileSize || headerLength > 1_000_000) {
        throw bad(
            shownAs,
            "announces a header of "
                + headerLength
                + " bytes, which does not fit a file of "
                + fileSize
                + " bytes (the file is truncated)");
      }
      String header =
          StandardCharsets.ISO_8859_1.decode(readAt(ch, prefix, (int) headerLength)).toString();
      NpyHeader parsed = parse(shownAs, header);
      long dataStart = prefix + headerLength;
      long bytes = parsed.byteSize();
      if (dataStart + bytes > fileSize) {
        throw bad(
            shownAs,
            "holds "
                + (fileSize - dataStart)
                + " bytes of data but its header announces "
                + parsed.describe()
                + ", "
                + bytes
                + " bytes (the file is truncated)");
      }
      Map<String, List<ByteBuffer>> mapped =
          MappedRegions.map(ch, List.of(new MappedRegions.Region("data", dataStart, bytes)));
      return HostTensor.wrap(
          parsed.dtype(), parsed.shape(), Objects.requireNonNull(mapped.get("data"), "data"));
    } catch (NoSuchFileException e) {
      throw new DataFileException(shownAs + ": no such file");
    } catch (IOException e) {
      throw new DataFileException(shownAs + ": cannot be read: " + e.getMessage(), e);
    }
  }

  /** Parses the Python-literal header dictionary. */
  static NpyHeader parse(String file, String header) {
    Matcher descr = DESCR.matcher(header);
    Matcher fortran = FORTRAN.matcher(header);
    Matcher shape = SHAPE.matcher(header);
    if (!descr.find() || !fortran.find() || !shape.find()) {
      throw bad(file, "has a header without descr, fortran_order and shape: " + header.strip());
    }
    String d = descr.group(1);
    DType dtype = dtype(file, d);
    List<Long> dims = new ArrayList<>();
    for (String part : shape.group(1).split(",")) {
      String p = part.strip();
      if (p.endsWith("L")) {
        p = p.substring(0, p.length() - 1);
      }
      if (p.isEmpty()) {
        continue;
      }
      try {
        long n = Long.parseLong(p);
        if (n < 0) {
          throw new NumberFormatException();
        }
        dims.add(n);
      } catch (NumberFormatException e) {
        throw bad(
            file,
            "has a shape (" + shape.group(1) + ") that is not a tuple of non-negative integers");
      }
    }
    long[] dimensions = dims.stream().mapToLong(Long::longValue).toArray();
    if (fortran.group(1).equals("True") && dimensions.length > 1) {
      throw bad(
          file,
          "is stored in Fortran order; save it in C order (numpy.save(path, numpy.ascontiguousarray(a)))");
    }
    return new NpyHeader(dtype, dimensions);
  }

  private static DType dtype(String file, String descr) {
    if (descr.length() >= 3) {
      char order = descr.charAt(0);
      DType t = TYPES.get(descr.substring(1));
      boolean singleByte = t != null && t.byteSize() == 1;
      if (t != null && (order == '<' || order == '|' || order == '=' || singleByte)) {
        return t;
      }
      if (t != null && order == '>') {
        throw bad(
            file,
            "holds big-endian values (descr '"
                + descr
                + "'); save it little-endian"
                + " (a.astype(a.dtype.newbyteorder('<')))");
      }
    }
    throw bad(
        file,
        "holds values of NumPy type '"
            + descr
            + "', which is not supported; supported: "
            + String.join(", ", TYPES.keySet().stream().map(k -> "<" + k).toList()));
  }

  private static ByteBuffer readAt(FileChannel ch, long offset, int length) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
    long at = offset;
    while (b.hasRemaining()) {
      int n = ch.read(b, at);
      if (n < 0) {
        throw new IOException("unexpected end of file");
      }
      at += n;
    }
    return b.flip();
  }

  /** The NumPy {@code descr} of a dtype, e.g. {@code <f4}. */
  static String descr(DType dtype) {
    for (Map.Entry<String, DType> e : TYPES.entrySet()) {
      if (e.getValue() == dtype) {
        return (dtype.byteSize() == 1 ? "|" : "<") + e.getKey();
      }
    }
    throw new IllegalArgumentException(
        dtype + " has no NumPy type; bfloat16 cannot be written as .npy");
  }

  private static DataFileException bad(String file, String what) {
    return new DataFileException(file + ": " + what);
  }

  /** A parsed header: element type and shape. */
  record NpyHeader(DType dtype, long[] shape) {
    long byteSize() {
      long n = dtype.byteSize();
      for (long d : shape) {
        n = Math.multiplyExact(n, d);
      }
      return n;
    }

    String describe() {
      return dtype.name().toLowerCase(java.util.Locale.ROOT) + " " + Arrays.toString(shape);
    }
  }
}
