package ai.noether.core.data.text;

import ai.noether.api.Nullable;
import ai.noether.core.data.DataCache;
import ai.noether.core.data.DataFileException;
import ai.noether.core.format.internal.MappedRegions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Reads a delimited text table of numbers into a {@link ColumnTable}: the file is parsed once, line
 * by line, into a float64 cache file (in a {@link DataCache}) that is memory-mapped; the next read
 * of the unchanged file maps the cache without parsing. The parse holds one line at a time, so a
 * file larger than the Java heap is fine.
 *
 * <p>Every problem names the file, the line and the column: a row with too few or too many values,
 * a value that is not a number, an empty value, a repeated column name. Blank lines are skipped.
 * Numbers are written as Java and Python print them; {@code nan}, {@code inf} and {@code -inf} are
 * accepted in any case.
 */
public final class TextTableReader {
  private static final byte[] MAGIC = "NTHTBL01".getBytes(StandardCharsets.US_ASCII);
  private static final int HEADER_BYTES = 64;
  private static final int WRITE_BUFFER = 1 << 20;

  private TextTableReader() {}

  /**
   * Reads {@code path}.
   *
   * @param shownAs how messages name the file (as configured)
   * @param header whether the first non-blank line names the columns
   * @param configuredNames column names for a file without a header; null for {@code c0, c1, ...}
   * @throws DataFileException for a missing file or any content problem
   */
  public static ColumnTable read(
      Path path,
      String shownAs,
      TextFormat format,
      boolean header,
      @Nullable List<String> configuredNames,
      DataCache cache) {
    if (!Files.isRegularFile(path)) {
      throw new DataFileException(
          shownAs
              + ": no such file"
              + (Files.exists(path) ? " (it is a directory)" : "")
              + " (resolved to "
              + path.toAbsolutePath()
              + ")");
    }
    if (header && configuredNames != null) {
      throw new DataFileException(
          shownAs
              + ": columns are named both by the file's header line and by columns:;"
              + " remove columns:, or set header: false if the file has no header");
    }
    try {
      List<String> names = header ? headerNames(path, shownAs, format) : configuredNames;
      int expected = names == null ? -1 : names.size();
      String variant = format + "/" + header + "/" + expected;
      Path cached =
          cache.derived(
              path, variant, ".f64", target -> parse(path, shownAs, format, header, names, target));
      return map(cached, shownAs, names);
    } catch (NoSuchFileException e) {
      throw new DataFileException(shownAs + ": no such file");
    } catch (IOException e) {
      throw new DataFileException(shownAs + ": cannot be read: " + e.getMessage(), e);
    }
  }

  private static BufferedReader open(Path path) throws IOException {
    // Malformed bytes become U+FFFD and then fail as "not a number" with their line.
    return new BufferedReader(
        new InputStreamReader(Files.newInputStream(path), StandardCharsets.UTF_8), 1 << 16);
  }

  private static List<String> headerNames(Path path, String shownAs, TextFormat format)
      throws IOException {
    try (BufferedReader in = open(path)) {
      int lineNo = 0;
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        lineNo++;
        line = stripBom(line, lineNo);
        if (line.isBlank()) {
          continue;
        }
        List<String> names = new ArrayList<>();
        format.split(line, names);
        Set<String> seen = new HashSet<>();
        for (int c = 0; c < names.size(); c++) {
          String name = names.get(c);
          if (name.isEmpty()) {
            throw new DataFileException(
                shownAs
                    + " line "
                    + lineNo
                    + ", column "
                    + (c + 1)
                    + ": the header names no column here; name every column, or set header: false and list columns:");
          }
          if (!seen.add(name)) {
            throw new DataFileException(
                shownAs
                    + " line "
                    + lineNo
                    + ", column "
                    + (c + 1)
                    + ": the header names column '"
                    + name
                    + "' twice; column names must be unique");
          }
        }
        return names;
      }
      throw new DataFileException(
          shownAs + ": the file is empty; a header line and at least one row were expected");
    }
  }

  private static String stripBom(String line, int lineNo) {
    return lineNo == 1 && line.startsWith("\uFEFF") ? line.substring(1) : line;
  }

  /**
   * Parses the rows of the file into {@code target}: a header block, then float64 values row by
   * row.
   */
  private static void parse(
      Path path,
      String shownAs,
      TextFormat format,
      boolean header,
      @Nullable List<String> names,
      Path target)
      throws IOException {
    try (BufferedReader in = open(path);
        FileChannel out =
            FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ByteBuffer buffer = ByteBuffer.allocateDirect(WRITE_BUFFER).order(ByteOrder.LITTLE_ENDIAN);
      out.position(HEADER_BYTES);
      TextFormat.Tokens values = new TextFormat.Tokens();
      boolean[] valid = new boolean[1];
      int columns = names == null ? -1 : names.size();
      long rows = 0;
      int lineNo = 0;
      boolean headerSkipped = !header;
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        lineNo++;
        line = stripBom(line, lineNo);
        if (line.isBlank()) {
          continue;
        }
        if (!headerSkipped) {
          headerSkipped = true;
          continue;
        }
        format.tokenize(line, values);
        if (columns < 0) {
          columns = values.count;
        }
        if (values.count != columns) {
          throw new DataFileException(
              shownAs
                  + " line "
                  + lineNo
                  + ": "
                  + values.count
                  + " values, but "
                  + (names == null
                      ? "the first row has " + columns
                      : "the file has " + columns + " columns (" + abbreviate(names) + ")")
                  + "; every row needs one value per column"
                  + (format == TextFormat.CSV && values.count > columns
                      ? " (a comma inside a number, such as 1,5, splits it in two; write 1.5)"
                      : ""));
        }
        for (int c = 0; c < columns; c++) {
          double v = DecimalParser.parse(line, values.start(c), values.end(c), valid);
          if (!valid[0]) {
            throw notANumber(
                line.substring(values.start(c), values.end(c)), shownAs, lineNo, c, names);
          }
          if (buffer.remaining() < Double.BYTES) {
            drain(buffer, out);
          }
          buffer.putDouble(v);
        }
        rows++;
      }
      drain(buffer, out);
      if (rows == 0) {
        throw new DataFileException(shownAs + ": the file has no rows of data");
      }
      ByteBuffer head = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
      head.put(MAGIC).putLong(rows).putLong(columns).position(HEADER_BYTES).flip();
      while (head.hasRemaining()) {
        out.write(head, head.position());
      }
      out.force(true);
    }
  }

  private static void drain(ByteBuffer buffer, FileChannel out) throws IOException {
    buffer.flip();
    while (buffer.hasRemaining()) {
      out.write(buffer);
    }
    buffer.clear();
  }

  private static DataFileException notANumber(
      String text, String shownAs, int lineNo, int column, @Nullable List<String> names) {
    String where =
        shownAs
            + " line "
            + lineNo
            + ", column "
            + (column + 1)
            + (names == null ? "" : " (" + names.get(column) + ")");
    return new DataFileException(
        where
            + ": "
            + (text.isEmpty() ? "the value is empty" : "'" + text + "' is not a number")
            + "; every value must be a number such as 42, -0.5 or 1e-3 (nan and inf are accepted)");
  }

  private static String abbreviate(List<String> names) {
    return names.size() <= 8
        ? String.join(", ", names)
        : String.join(", ", names.subList(0, 4)) + ", ..., " + names.get(names.size() - 1);
  }

  private static ColumnTable map(Path cached, String shownAs, @Nullable List<String> names)
      throws IOException {
    try (FileChannel ch = FileChannel.open(cached, StandardOpenOption.READ)) {
      ByteBuffer head = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
      while (head.hasRemaining() && ch.read(head, head.position()) >= 0) {
        // fill the header block
      }
      head.flip();
      byte[] magic = new byte[MAGIC.length];
      if (head.remaining() < HEADER_BYTES) {
        throw new DataFileException(
            "the cache file " + cached + " of " + shownAs + " is truncated; delete it");
      }
      head.get(magic);
      long rows = head.getLong();
      long columns = head.getLong();
      long bytes = rows * columns * Double.BYTES;
      if (!java.util.Arrays.equals(magic, MAGIC)
          || ch.size() != HEADER_BYTES + bytes
          || names != null && names.size() != columns) {
        throw new DataFileException(
            "the cache file " + cached + " of " + shownAs + " does not match it; delete it");
      }
      List<String> columnNames = names;
      if (columnNames == null) {
        columnNames = new ArrayList<>();
        for (int c = 0; c < columns; c++) {
          columnNames.add("c" + c);
        }
      }
      List<ByteBuffer> chunks =
          Objects.requireNonNull(
              MappedRegions.map(ch, List.of(new MappedRegions.Region("data", HEADER_BYTES, bytes)))
                  .get("data"),
              "the mapped region named data");
      return new ColumnTable(shownAs, columnNames, rows, chunks);
    }
  }
}
