package ai.noether.core.data;

import ai.noether.api.data.Field;
import ai.noether.api.data.FieldDataset;
import ai.noether.api.tensor.DType;
import ai.noether.api.tensor.HostTensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A dataset whose fields are arrays with the sample index as their first dimension, usually
 * memory-mapped from {@code .npy}, {@code .npz} or safetensors files: a batch copies the requested
 * rows, and nothing else of the files is read. A field may present its values in another dtype than
 * the file's (a float64 array as float32); a {@link RowSelection} picks the rows of a split.
 */
public final class ArrayFieldDataset implements FieldDataset {
  private record Column(
      Field field, DType stored, ChunkedBytes bytes, int rowBytes, int rowElements) {}

  private final Map<String, Column> columns;
  private final List<Field> fields;
  private final RowSelection rows;

  private ArrayFieldDataset(Map<String, Column> columns, RowSelection rows) {
    this.columns = columns;
    this.fields = columns.values().stream().map(Column::field).toList();
    this.rows = rows;
  }

  /**
   * A source array of a field: the array, how messages name it, and the dtype the field presents.
   */
  public record Source(String field, HostTensor array, String shownAs, DType dtype) {
    public Source {
      Objects.requireNonNull(field, "field");
      Objects.requireNonNull(array, "array");
      dtype = dtype == null ? array.dtype() : dtype;
    }
  }

  /**
   * A dataset of the given fields, all rows.
   *
   * @throws DataFileException if an array is a scalar, if the arrays differ in their first
   *     dimension (naming each field's file and length), or if a dtype cannot be converted
   */
  public static ArrayFieldDataset of(List<Source> sources) {
    if (sources.isEmpty()) {
      throw new IllegalArgumentException("a dataset needs at least one field");
    }
    Map<String, Column> columns = new LinkedHashMap<>();
    long samples = -1;
    for (Source s : sources) {
      long[] shape = s.array().shape();
      if (shape.length == 0) {
        throw new DataFileException(
            s.shownAs()
                + " (field '"
                + s.field()
                + "') is a scalar; a field's array needs the"
                + " sample index as its first dimension");
      }
      if (samples >= 0 && shape[0] != samples) {
        StringBuilder all = new StringBuilder();
        for (Source o : sources) {
          all.append("\n  ").append(o.shownAs()).append(" has ").append(o.array().shape()[0]);
        }
        throw new DataFileException(
            "the fields of a split must have the same number of samples (first dimension),"
                + " but field '"
                + s.field()
                + "' ("
                + s.shownAs()
                + ") has "
                + shape[0]
                + " and field '"
                + sources.get(0).field()
                + "' has "
                + samples
                + ":"
                + all);
      }
      samples = shape[0];
      if (s.dtype() != s.array().dtype() && !Elements.WRITABLE.contains(s.dtype())) {
        throw new DataFileException(
            "field '"
                + s.field()
                + "' ("
                + s.shownAs()
                + "): its values cannot be converted to "
                + s.dtype().name().toLowerCase(java.util.Locale.ROOT)
                + "; valid dtypes: "
                + Elements.names(Elements.WRITABLE));
      }
      if (columns.containsKey(s.field())) {
        throw new IllegalArgumentException("field '" + s.field() + "' is given twice");
      }
      long[] sampleShape = Arrays.copyOfRange(shape, 1, shape.length);
      long elements = 1;
      for (long d : sampleShape) {
        elements = Math.multiplyExact(elements, d);
      }
      long rowBytes = elements * s.array().dtype().byteSize();
      if (elements * Math.max(s.dtype().byteSize(), s.array().dtype().byteSize())
          > HostTensor.MAX_CHUNK_BYTES) {
        throw new DataFileException(
            "field '"
                + s.field()
                + "' ("
                + s.shownAs()
                + ") has samples of "
                + rowBytes
                + " bytes; one sample may have at most "
                + HostTensor.MAX_CHUNK_BYTES);
      }
      columns.put(
          s.field(),
          new Column(
              new Field(s.field(), s.dtype(), sampleShape),
              s.array().dtype(),
              new ChunkedBytes(s.array()),
              (int) rowBytes,
              (int) elements));
    }
    return new ArrayFieldDataset(columns, RowSelection.all(samples));
  }

  /** The same fields, restricted to {@code selection} (rows of this dataset's files). */
  public ArrayFieldDataset select(RowSelection selection) {
    return new ArrayFieldDataset(columns, selection);
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
    Column c = columns.get(field);
    if (c == null) {
      throw BatchBuffers.noSuchField(field, columns.keySet());
    }
    DType out = c.field().dtype();
    long outRowBytes = (long) c.rowElements() * out.byteSize();
    long total = Math.multiplyExact(outRowBytes, (long) indices.length);
    ByteBuffer target = BatchBuffers.allocate(field, indices.length, total);
    ByteBuffer row =
        out == c.stored() ? null : ByteBuffer.allocate(c.rowBytes()).order(ByteOrder.LITTLE_ENDIAN);
    long size = rows.size();
    for (int i = 0; i < indices.length; i++) {
      long index = indices[i];
      BatchBuffers.checkIndex(index, size);
      long offset = rows.row(index) * c.rowBytes();
      int at = (int) (i * outRowBytes);
      if (c.rowBytes() == 0) {
        continue;
      }
      if (row == null) {
        c.bytes().copy(offset, c.rowBytes(), target, at);
      } else {
        c.bytes().copy(offset, c.rowBytes(), row, 0);
        Elements.convert(row, 0, c.stored(), target, at, out, c.rowElements());
      }
    }
    return HostTensor.wrap(out, c.field().batchShape(indices.length), target);
  }
}
