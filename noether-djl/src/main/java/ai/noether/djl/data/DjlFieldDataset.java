package ai.noether.djl.data;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Record;
import ai.noether.api.Nullable;
import ai.noether.api.data.Field;
import ai.noether.api.data.FieldDataset;
import ai.noether.api.tensor.DType;
import ai.noether.api.tensor.HostTensor;
import ai.noether.djl.tensor.DTypes;
import ai.noether.djl.tensor.HostTransfer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

/**
 * Any DJL {@link RandomAccessDataset} as a {@link FieldDataset}: each array of a record's data and
 * labels is a field. Fields are named after the arrays' names when every array has a distinct one
 * ({@code NDArray.setName}), else {@code data} and {@code label} (one array each), else {@code
 * data0, data1, ..., label0, ...}; or as the caller names them. Shapes and dtypes come from the
 * first record; a record that differs is an error naming the sample and the field.
 *
 * <p><b>Note:</b> DJL datasets make no promise about concurrent {@code get} calls, so gathers are
 * serialised; and each gather calls {@code get} once per sample, for one field, so a batch of
 * {@code k} fields reads each record {@code k} times. Prepare the DJL dataset ({@code prepare()})
 * before wrapping it.
 */
public final class DjlFieldDataset implements FieldDataset {
  private final RandomAccessDataset dataset;
  private final List<Field> fields;
  private final List<String> names;
  private final int dataCount;

  private DjlFieldDataset(
      RandomAccessDataset dataset, List<String> names, List<Field> fields, int dataCount) {
    this.dataset = dataset;
    this.names = names;
    this.fields = fields;
    this.dataCount = dataCount;
  }

  /** Wraps {@code dataset}, naming its fields as described in the class comment. */
  public static DjlFieldDataset of(RandomAccessDataset dataset) {
    return of(dataset, null);
  }

  /**
   * Wraps {@code dataset} with the given field names: first the record's data arrays in order, then
   * its labels.
   *
   * @param names one distinct name per array of a record; null for the names described in the class
   *     comment
   * @throws IllegalArgumentException if the dataset is empty or the names do not fit its records
   */
  public static DjlFieldDataset of(RandomAccessDataset dataset, @Nullable List<String> names) {
    Objects.requireNonNull(dataset, "dataset");
    if (dataset.size() == 0) {
      throw new IllegalArgumentException(
          "the DJL dataset "
              + dataset.getClass().getName()
              + " is empty; prepare() it"
              + " first, or give it samples");
    }
    try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      Record first = record(dataset, manager, 0);
      NDList data = first.getData();
      NDList labels = first.getLabels() == null ? new NDList() : first.getLabels();
      List<NDArray> arrays = new ArrayList<>(data);
      arrays.addAll(labels);
      List<String> chosen = names == null ? defaultNames(data, labels) : List.copyOf(names);
      if (chosen.size() != arrays.size() || new HashSet<>(chosen).size() != chosen.size()) {
        throw new IllegalArgumentException(
            "the records of "
                + dataset.getClass().getName()
                + " have "
                + data.size()
                + " data and "
                + labels.size()
                + " label arrays; give one distinct name for each, not "
                + chosen);
      }
      List<Field> fields = new ArrayList<>();
      for (int i = 0; i < arrays.size(); i++) {
        NDArray a = arrays.get(i);
        fields.add(new Field(chosen.get(i), DTypes.of(a.getDataType()), a.getShape().getShape()));
      }
      return new DjlFieldDataset(dataset, chosen, List.copyOf(fields), data.size());
    }
  }

  private static List<String> defaultNames(NDList data, NDList labels) {
    List<String> named = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (NDList list : List.of(data, labels)) {
      for (NDArray a : list) {
        String n = a.getName();
        if (n == null || n.isBlank() || !seen.add(n)) {
          named = null;
          break;
        }
        named.add(n);
      }
      if (named == null) {
        break;
      }
    }
    if (named != null) {
      return named;
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < data.size(); i++) {
      out.add(data.size() == 1 ? "data" : "data" + i);
    }
    for (int i = 0; i < labels.size(); i++) {
      out.add(labels.size() == 1 ? "label" : "label" + i);
    }
    return out;
  }

  private static Record record(RandomAccessDataset dataset, NDManager manager, long index) {
    try {
      return dataset.get(manager, index);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "the DJL dataset "
              + dataset.getClass().getName()
              + " could not read sample "
              + index
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /** The wrapped DJL dataset. */
  public RandomAccessDataset dataset() {
    return dataset;
  }

  @Override
  public long size() {
    return dataset.size();
  }

  @Override
  public List<Field> fields() {
    return fields;
  }

  @Override
  public synchronized HostTensor gather(String field, long[] indices) {
    int at = names.indexOf(field);
    if (at < 0) {
      throw new NoSuchElementException(
          "the dataset has no field '" + field + "'; its fields are " + String.join(", ", names));
    }
    Field f = fields.get(at);
    DType dtype = f.dtype();
    long perSample = 1;
    for (long d : f.sampleShape()) {
      perSample *= d;
    }
    long sampleBytes = perSample * dtype.byteSize();
    long bytes = Math.multiplyExact(sampleBytes, (long) indices.length);
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
    long size = dataset.size();
    try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      for (long index : indices) {
        if (index < 0 || index >= size) {
          throw new IndexOutOfBoundsException(
              "sample index " + index + " is outside [0, " + size + ")");
        }
        Record r = record(dataset, manager, index);
        NDArray a = at < dataCount ? r.getData().get(at) : r.getLabels().get(at - dataCount);
        if (DTypes.of(a.getDataType()) != dtype
            || !Arrays.equals(a.getShape().getShape(), f.sampleShape())) {
          throw new IllegalStateException(
              "sample "
                  + index
                  + " of "
                  + dataset.getClass().getName()
                  + " has field '"
                  + field
                  + "' of "
                  + DTypes.of(a.getDataType())
                  + " "
                  + a.getShape()
                  + ", but the first sample's is "
                  + dtype
                  + " "
                  + Arrays.toString(f.sampleShape())
                  + "; every sample of a field needs the same shape");
        }
        out.put(HostTransfer.toHost(a).buffer());
        r.getData().close();
        if (r.getLabels() != null) {
          r.getLabels().close();
        }
      }
    }
    return HostTensor.wrap(dtype, f.batchShape(indices.length), out.flip());
  }
}
