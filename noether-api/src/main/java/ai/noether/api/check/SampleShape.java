package ai.noether.api.check;

import ai.noether.api.Nullable;
import ai.noether.api.tensor.DType;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The shape of one sample of something (a dataset's features or targets, a model's prediction): its
 * dimensions without the leading sample dimension, its element type when known, and where it comes
 * from, in the words a message should use ({@code "model.output_size: 3"}, {@code "the training
 * features of dataset (kind: synthetic-regression)"}).
 *
 * @param dims dimensions of one sample, without the sample count; never null, empty for a scalar
 * @param dtype the element type; null when unknown (a model's output before it ran)
 * @param origin where the shape comes from, for messages; never null
 */
public record SampleShape(List<Long> dims, @Nullable DType dtype, String origin) {
  public SampleShape {
    dims = List.copyOf(dims);
    Objects.requireNonNull(origin, "origin");
  }

  /** The shape of the rows of a {@code [N, ...]} tensor. */
  public static SampleShape ofRows(long[] shape, DType dtype, String origin) {
    List<Long> dims = new java.util.ArrayList<>();
    for (int i = 1; i < shape.length; i++) {
      dims.add(shape[i]);
    }
    return new SampleShape(dims, dtype, origin);
  }

  /** Values per sample: the product of the dimensions (1 for a scalar). */
  public long elements() {
    long n = 1;
    for (long d : dims) {
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  /** {@code [8]}, {@code [3, 32, 32]}, {@code []} for a scalar. */
  public String dimsText() {
    return dims.stream().map(String::valueOf).collect(Collectors.joining(", ", "[", "]"));
  }

  /** {@code [8] float32}, or just the dimensions when the type is unknown. */
  @Override
  public String toString() {
    return dimsText()
        + (dtype == null ? "" : " " + dtype.name().toLowerCase(java.util.Locale.ROOT));
  }
}
