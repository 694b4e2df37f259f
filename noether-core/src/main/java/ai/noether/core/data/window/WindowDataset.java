package ai.noether.core.data.window;

import ai.noether.api.data.Field;
import ai.noether.api.data.FieldDataset;
import ai.noether.api.tensor.DType;
import ai.noether.api.tensor.HostTensor;
import ai.noether.core.data.BatchBuffers;
import ai.noether.core.data.Elements;
import ai.noether.core.data.text.ColumnField;
import ai.noether.core.data.text.ColumnTable;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Sliding windows over the time series of a table (the cycles of each unit): sample {@code i} is a
 * window of {@code length} consecutive time steps of one series, ending at a time step chosen by
 * the stride, or only at each series' last time step ({@link #lastOnly}, as test sets of
 * remaining-useful-life data are evaluated).
 *
 * <p>Fields: each window field has the per-sample shape {@code [length]} (one column) or {@code
 * [length, columns]}; each last-row field holds its columns at the window's last time step; the
 * {@link WindowTargets} (RUL, health class) are computed from the window's position in its series.
 * A series shorter than the window is padded at its start or dropped ({@link Padding}).
 *
 * <p>The heap holds a few numbers per series, never per row or per window: windows are located by a
 * binary search over the series, and values are read from the memory-mapped table per batch.
 */
public final class WindowDataset implements FieldDataset {
  private final ColumnTable table;
  private final int length;
  private final int stride;
  private final Padding padding;
  private final boolean lastOnly;
  private final Series[] series;
  private final double[] rulOffsets;
  private final long[] firstWindow;
  private final long size;
  private final Map<String, ColumnField> windowFields = new LinkedHashMap<>();
  private final Map<String, ColumnField> lastRowFields = new LinkedHashMap<>();
  private final WindowTargets targets;
  private final List<Field> fields = new ArrayList<>();

  /**
   * Windows over {@code series} of {@code table}.
   *
   * @param rulOffsets per series, the RUL at its last time step (0 for run-to-failure series; the
   *     true RUL of a truncated test series); same length as {@code series}
   * @param lastOnly one window per series, ending at its last time step, instead of all windows
   */
  public WindowDataset(
      ColumnTable table,
      List<Series> series,
      double[] rulOffsets,
      int length,
      int stride,
      Padding padding,
      boolean lastOnly,
      List<ColumnField> windowFields,
      List<ColumnField> lastRowFields,
      WindowTargets targets) {
    if (length < 1 || stride < 1) {
      throw new IllegalArgumentException("window length and stride must be at least 1");
    }
    if (rulOffsets.length != series.size()) {
      throw new IllegalArgumentException(
          rulOffsets.length + " RUL offsets for " + series.size() + " series");
    }
    this.table = table;
    this.length = length;
    this.stride = stride;
    this.padding = Objects.requireNonNull(padding, "padding");
    this.lastOnly = lastOnly;
    this.series = series.toArray(Series[]::new);
    this.rulOffsets = rulOffsets.clone();
    this.targets = targets;
    this.firstWindow = new long[this.series.length + 1];
    for (int s = 0; s < this.series.length; s++) {
      firstWindow[s + 1] = firstWindow[s] + windowsIn(this.series[s].rows());
    }
    this.size = firstWindow[this.series.length];
    for (ColumnField f : windowFields) {
      this.windowFields.put(f.name(), f);
      long[] shape = f.vector() ? new long[] {length, f.width()} : new long[] {length};
      fields.add(new Field(f.name(), f.dtype(), shape));
    }
    for (ColumnField f : lastRowFields) {
      this.lastRowFields.put(f.name(), f);
      fields.add(new Field(f.name(), f.dtype(), f.rowShape()));
    }
    if (targets.rulField() != null) {
      fields.add(new Field(targets.rulField(), targets.rulType(), new long[0]));
    }
    if (targets.healthField() != null) {
      fields.add(new Field(targets.healthField(), targets.healthType(), new long[0]));
    }
  }

  private long windowsIn(long rows) {
    if (rows < length && padding == Padding.DROP) {
      return 0;
    }
    return lastOnly || rows < length ? 1 : (rows - length) / stride + 1;
  }

  /** The series that contribute no window (shorter than the window, with {@link Padding#DROP}). */
  public List<Series> dropped() {
    List<Series> out = new ArrayList<>();
    for (int s = 0; s < series.length; s++) {
      if (firstWindow[s + 1] == firstWindow[s]) {
        out.add(series[s]);
      }
    }
    return out;
  }

  /** The series of this split, in file order. */
  public List<Series> series() {
    return List.of(series);
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public List<Field> fields() {
    return fields;
  }

  @Override
  public HostTensor gather(String field, long[] indices) {
    Field f = field(field);
    DType dtype = f.dtype();
    int step = dtype.byteSize();
    long perSample = 1;
    for (long d : f.sampleShape()) {
      perSample *= d;
    }
    long bytes = Math.multiplyExact(perSample * indices.length, step);
    ByteBuffer out = BatchBuffers.allocate(field, indices.length, bytes);
    ColumnField window = windowFields.get(field);
    ColumnField last = lastRowFields.get(field);
    int at = 0;
    for (long index : indices) {
      int s = seriesOf(index);
      Series series = this.series[s];
      long end = endOf(series, index - firstWindow[s]);
      if (window != null) {
        int[] cols = window.columns();
        for (long t = end - length + 1; t <= end; t++) {
          boolean pad = t < 0;
          long row = series.firstRow() + Math.max(0, t);
          for (int c : cols) {
            Elements.putDouble(
                out, at, dtype, pad && padding == Padding.ZERO ? 0 : table.value(row, c));
            at += step;
          }
        }
      } else if (last != null) {
        for (int c : last.columns()) {
          Elements.putDouble(out, at, dtype, table.value(series.firstRow() + end, c));
          at += step;
        }
      } else {
        double uncapped = series.rows() - 1 - end + rulOffsets[s];
        if (field.equals(targets.rulField())) {
          Elements.putDouble(out, at, dtype, targets.rul(uncapped));
        } else {
          Elements.putLong(out, at, dtype, targets.health(uncapped));
        }
        at += step;
      }
    }
    return HostTensor.wrap(dtype, f.batchShape(indices.length), out);
  }

  @Override
  public Field field(String name) {
    for (Field f : fields) {
      if (f.name().equals(name)) {
        return f;
      }
    }
    throw BatchBuffers.noSuchField(name, fields.stream().map(Field::name).toList());
  }

  /** The series of window {@code index}: binary search over the first window of each series. */
  private int seriesOf(long index) {
    BatchBuffers.checkIndex(index, size);
    int lo = 0;
    int hi = series.length - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (firstWindow[mid] <= index) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  /** The position in its series of the last time step of the series' {@code k}-th window. */
  private long endOf(Series s, long k) {
    if (lastOnly || s.rows() < length) {
      return s.rows() - 1;
    }
    return length - 1 + k * stride;
  }
}
