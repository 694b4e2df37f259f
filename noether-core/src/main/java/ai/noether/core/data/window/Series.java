package ai.noether.core.data.window;

import ai.noether.core.data.DataFileException;
import ai.noether.core.data.text.ColumnTable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One time series of a table: the consecutive rows that share an id (a unit's cycles), in file
 * order.
 *
 * @param id the value of the id column (NaN when the table is one series without an id column)
 * @param firstRow the series' first data row
 * @param rows its number of rows (time steps)
 */
public record Series(double id, long firstRow, long rows) {

  /** The id as messages write it: {@code 7} rather than {@code 7.0}. */
  public String idText() {
    return id == Math.rint(id) && Math.abs(id) < 1e15
        ? Long.toString((long) id)
        : Double.toString(id);
  }

  /**
   * The series of {@code table}: runs of equal values of column {@code idColumn} (or the whole
   * table when it is negative). Holds one record per series, never per row.
   *
   * @throws DataFileException if an id appears again after another id's rows: the rows of a series
   *     must be consecutive (sort the file by id, keeping each series' time order)
   */
  public static List<Series> of(ColumnTable table, int idColumn) {
    List<Series> out = new ArrayList<>();
    if (idColumn < 0) {
      out.add(new Series(Double.NaN, 0, table.rows()));
      return out;
    }
    Map<Double, Long> seen = new HashMap<>();
    long start = 0;
    double current = table.value(0, idColumn);
    for (long r = 1; r <= table.rows(); r++) {
      double id = r < table.rows() ? table.value(r, idColumn) : Double.NaN;
      if (r < table.rows() && Double.compare(id, current) == 0) {
        continue;
      }
      Series s = new Series(current, start, r - start);
      Long earlier = seen.put(current, start);
      if (earlier != null) {
        throw new DataFileException(
            table.shownAs()
                + ", data row "
                + (start + 1)
                + ": "
                + table.names().get(idColumn)
                + " "
                + s.idText()
                + " appears again after other series (its rows began at data row "
                + (earlier + 1)
                + "); the rows of each "
                + table.names().get(idColumn)
                + " must be consecutive: sort the file by "
                + table.names().get(idColumn)
                + ", keeping each series in time order");
      }
      out.add(s);
      start = r;
      current = id;
    }
    return out;
  }
}
