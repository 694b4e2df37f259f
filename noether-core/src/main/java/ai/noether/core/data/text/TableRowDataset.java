package ai.noether.core.data.text;

import ai.noether.api.data.Field;
import ai.noether.api.data.FieldDataset;
import ai.noether.api.tensor.HostTensor;
import ai.noether.core.data.BatchBuffers;
import ai.noether.core.data.Elements;
import ai.noether.core.data.RowSelection;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
      throw BatchBuffers.noSuchField(field, columns.keySet());
    }
    int[] cols = f.columns();
    int step = f.dtype().byteSize();
    long bytes = Math.multiplyExact((long) indices.length * cols.length, step);
    ByteBuffer out = BatchBuffers.allocate(field, indices.length, bytes);
    long size = rows.size();
    int at = 0;
    for (long index : indices) {
      BatchBuffers.checkIndex(index, size);
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
