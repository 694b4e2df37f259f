package ai.noether.core.data.text;

import ai.noether.core.config.Suggestions;
import ai.noether.core.data.DataFileException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * The numbers of a text table, parsed once into a binary cache file and memory-mapped from it:
 * float64 values, row-major, so that all columns of a row (and the rows of a time window) lie side
 * by side. The Java heap holds only the column names; a table larger than the heap is fine.
 *
 * <p>Reads never move a buffer's position: one table serves concurrent readers.
 */
public final class ColumnTable {
  private final String shownAs;
  private final List<String> names;
  private final long rows;
  private final ByteBuffer[] chunks;
  private final long chunkBytes;

  ColumnTable(String shownAs, List<String> names, long rows, List<ByteBuffer> chunks) {
    this.shownAs = shownAs;
    this.names = List.copyOf(names);
    this.rows = rows;
    this.chunks =
        chunks.stream()
            .map(b -> b.slice().order(ByteOrder.LITTLE_ENDIAN))
            .toArray(ByteBuffer[]::new);
    // Mappings of a large region are split at multiples of one size from its start (MappedRegions).
    this.chunkBytes = this.chunks.length == 0 ? 1 : Math.max(1, this.chunks[0].capacity());
  }

  /** The file as messages name it. */
  public String shownAs() {
    return shownAs;
  }

  /** The column names, in file order. */
  public List<String> names() {
    return names;
  }

  /** Data rows (blank lines and the header do not count). */
  public long rows() {
    return rows;
  }

  public int columns() {
    return names.size();
  }

  /** The value in {@code row} (from 0) and {@code column} (from 0). */
  public double value(long row, int column) {
    long offset = (row * names.size() + column) * Double.BYTES;
    return chunks[(int) (offset / chunkBytes)].getDouble((int) (offset % chunkBytes));
  }

  /**
   * The index of the column named {@code name}.
   *
   * @param usedAs how the configuration uses it, for the message (e.g. {@code field 'x'})
   * @throws DataFileException naming the file, the column names it has and the closest one
   */
  public int column(String name, String usedAs) {
    int i = names.indexOf(name);
    if (i < 0) {
      throw new DataFileException(
          shownAs
              + " has no column '"
              + name
              + "' ("
              + usedAs
              + ")."
              + Suggestions.didYouMean(name, names)
              + " Its columns are "
              + String.join(", ", names));
    }
    return i;
  }
}
