package ai.noether.core.data.text;

import ai.noether.api.data.Field;
import ai.noether.api.data.FieldDataset;
import ai.noether.api.tensor.HostTensor;
import ai.noether.core.data.Elements;
import ai.noether.core.data.RowSelection;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * A dataset with one sample per row of a text table (through a {@link RowSelection}); each field is
 * one column or several, read from the memory-mapped table when a batch is gathered.
 */
public final class TableRowDataset implements FieldDataset {
  private final ColumnTable table;
  private final Map<String, ColumnField> columns = new LinkedHashMap<>();
  private final List<Field> fields;
  private final RowSelection rows;

  public TableRowDataset(ColumnTable table, List<ColumnField> fields, RowSelection rows) {
    this.table = table;
    fields.forEach(f -> columns.put(f.name(), f));
    this.fields = fields.stream().map(f -> new Field(f.name(), f.dtype(), f.rowShape())).toList();
    this.rows = rows;
  }

  @Override
  public long size() {
    return rows.size();
  }

  @Override
  public List<Field> fields() {
    return fields;
  }

  @Override
  public HostTensor gather(String field, long[] indices) {
    ColumnField f = columns.get(field);
    if (f == null) {
      throw new NoSuchElementException(
          "the dataset has no field '"
              + field
              + "'; its fields are "
              + String.join(", ", columns.keySet()));
    }
    int[] cols = f.columns();
    int step = f.dtype().byteSize();
    long bytes = Math.multiplyExact((long) indices.length * cols.length, step);
    if (bytes > HostTensor.MAX_CHUNK_BYTES) {
      throw new IllegalArgumentException(
          "a batch of "
              + indices.length
              + " samples of field '"
              + field
              + "' needs "
              + bytes
              + " bytes, more than "
              + HostTensor.MAX_CHUNK_BYTES
              + "; use smaller batches");
    }
    ByteBuffer out = ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
    long size = rows.size();
    int at = 0;
    for (long index : indices) {
      if (index < 0 || index >= size) {
        throw new IndexOutOfBoundsException(
            "sample index " + index + " is outside [0, " + size + ")");
      }
      long row = rows.row(index);
      for (int c : cols) {
        Elements.putDouble(out, at, f.dtype(), table.value(row, c));
        at += step;
      }
    }
    long[] rowShape = f.rowShape();
    long[] shape = new long[rowShape.length + 1];
    shape[0] = indices.length;
    System.arraycopy(rowShape, 0, shape, 1, rowShape.length);
    return HostTensor.wrap(f.dtype(), shape, out);
  }
}
