package ai.noether.core.data.text;

import ai.noether.api.tensor.DType;
import java.util.List;
import java.util.Objects;

/**
 * A dataset field made of table columns: one column (a scalar per row) or several (a vector).
 *
 * @param name the field's name
 * @param columns the column indices in the table, in field order; never empty
 * @param vector whether the field is a vector (written as a list in YAML) even with one column
 * @param dtype the dtype the field presents its values in
 */
public record ColumnField(String name, int[] columns, boolean vector, DType dtype) {
  public ColumnField {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(dtype, "dtype");
    columns = columns.clone();
  }

  @Override
  public int[] columns() {
    return columns.clone();
  }

  /** Number of values per row. */
  public int width() {
    return columns.length;
  }

  /** The per-row shape: {@code []} for a scalar, {@code [n]} for a vector. */
  public long[] rowShape() {
    return vector ? new long[] {columns.length} : new long[0];
  }

  /** The field built from {@code names} (the columns as configured) of {@code table}. */
  public static ColumnField of(
      ColumnTable table, String name, List<String> names, boolean vector, DType dtype) {
    int[] columns = new int[names.size()];
    for (int i = 0; i < columns.length; i++) {
      columns[i] = table.column(names.get(i), "field '" + name + "'");
    }
    return new ColumnField(name, columns, vector, dtype);
  }

  /**
   * Checks that every value of an integer field is a whole number that fits its dtype, by reading
   * the table once (no heap beyond a few numbers).
   *
   * @throws ai.noether.core.data.DataFileException naming the row, the column and the value
   */
  public void checkValues(ColumnTable table) {
    if (dtype.isFloatingPoint()) {
      return;
    }
    double min =
        switch (dtype) {
          case INT8 -> Byte.MIN_VALUE;
          case UINT8, BOOL -> 0;
          case INT16 -> Short.MIN_VALUE;
          case INT32 -> Integer.MIN_VALUE;
          default -> -0x1p63;
        };
    double max =
        switch (dtype) {
          case INT8 -> Byte.MAX_VALUE;
          case UINT8 -> 255;
          case BOOL -> 1;
          case INT16 -> Short.MAX_VALUE;
          case INT32 -> Integer.MAX_VALUE;
          default -> 0x1p63 - 1024;
        };
    for (long r = 0; r < table.rows(); r++) {
      for (int c : columns) {
        double v = table.value(r, c);
        if (v != Math.rint(v) || v < min || v > max) {
          throw new ai.noether.core.data.DataFileException(
              table.shownAs()
                  + ", data row "
                  + (r + 1)
                  + ", column "
                  + table.names().get(c)
                  + ": "
                  + v
                  + " is not a whole number in ["
                  + (long) min
                  + ", "
                  + (long) max
                  + "], but field '"
                  + name
                  + "' is "
                  + dtype.name().toLowerCase(java.util.Locale.ROOT)
                  + "; give the field a floating-point dtype or fix the value");
        }
      }
    }
  }
}
