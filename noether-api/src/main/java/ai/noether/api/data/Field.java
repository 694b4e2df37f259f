package ai.noether.api.data;

import ai.noether.api.tensor.DType;
import java.util.Arrays;
import java.util.Objects;

/**
 * One named field of a dataset's samples, such as the input window {@code x}, the remaining useful
 * life {@code rul} or the health class {@code health}.
 *
 * @param name the field's name, as written in YAML ({@code inputs: [x]}); never blank
 * @param dtype the element type of the field's values
 * @param sampleShape the shape of one sample's value, without the sample dimension ({@code []} for
 *     a scalar per sample, {@code [30, 14]} for a window of 30 time steps of 14 sensors)
 */
public record Field(String name, DType dtype, long[] sampleShape) {
  public Field {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(dtype, "dtype");
    if (name.isBlank()) {
      throw new IllegalArgumentException("a field needs a name");
    }
    sampleShape = sampleShape.clone();
    for (long d : sampleShape) {
      if (d < 0) {
        throw new IllegalArgumentException(
            "field '" + name + "' has a negative dimension in " + Arrays.toString(sampleShape));
      }
    }
  }

  /** The shape of one sample's value; a copy. */
  @Override
  public long[] sampleShape() {
    return sampleShape.clone();
  }

  /** The shape of a batch of {@code samples} values: {@code [samples, sampleShape...]}. */
  public long[] batchShape(long samples) {
    long[] shape = new long[sampleShape.length + 1];
    shape[0] = samples;
    System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
    return shape;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Field f
        && name.equals(f.name)
        && dtype == f.dtype
        && Arrays.equals(sampleShape, f.sampleShape);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, dtype, Arrays.hashCode(sampleShape));
  }

  @Override
  public String toString() {
    return name + ":" + dtype + Arrays.toString(sampleShape);
  }
}
