package ai.noether.api.data;

import ai.noether.api.tensor.HostTensor;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.stream.Collectors;

/**
 * A dataset whose samples have named fields ({@code x}, {@code rul}, {@code health}, ...), each
 * with a fixed per-sample shape and dtype. Engines gather a batch field by field; which fields are
 * inputs and which are targets is the training step's configuration, not the dataset's.
 *
 * <p>Sources backed by files implement {@link #gather} by reading only the requested samples
 * (memory-mapped or streamed), so a dataset may be larger than the Java heap.
 *
 * <p><b>Threads.</b> {@link #gather} may be called from a background thread that prepares the next
 * batch while the training thread runs the current update, and concurrently for different fields;
 * implementations must allow concurrent calls and must not depend on the order of calls (the
 * trainer decides the data order from the seed and the epoch, so a resume reproduces it).
 */
public interface FieldDataset extends Dataset {

  /** The fields of every sample, in a stable order; never empty. */
  List<Field> fields();

  /**
   * The values of one field for the given samples, as a tensor of shape {@code [indices.length,
   * sampleShape...]} in the order of {@code indices}. The returned tensor is the caller's: it may
   * be direct memory the caller frees or reuses by dropping it.
   *
   * @param field a field's name
   * @param indices sample indices in {@code [0, size())}; may repeat
   * @throws NoSuchElementException naming the field and the fields there are
   * @throws IndexOutOfBoundsException naming the first index out of range
   */
  HostTensor gather(String field, long[] indices);

  /**
   * The field named {@code name}.
   *
   * @throws NoSuchElementException naming the field and the fields there are
   */
  default Field field(String name) {
    for (Field f : fields()) {
      if (f.name().equals(name)) {
        return f;
      }
    }
    throw new NoSuchElementException(
        "the dataset has no field '"
            + name
            + "'; its fields are "
            + fields().stream().map(Field::name).collect(Collectors.joining(", ")));
  }
}
