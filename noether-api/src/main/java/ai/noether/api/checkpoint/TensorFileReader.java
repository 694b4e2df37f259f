package ai.noether.api.checkpoint;

import ai.noether.api.tensor.HostTensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Reads local weight files in the formats the framework reads, safely: PyTorch's zip serialization
 * ({@code torch.save}, Noether's {@code .th}) through the restricted unpickler, which refuses every
 * global but plain containers, numbers, strings and tensors (nothing from the file runs), and
 * safetensors. Tensors are memory mappings of the file. Injectable into any component of a run.
 */
public interface TensorFileReader {

  /**
   * The object tree of a PyTorch zip-serialized file: {@code Map}s, {@code List}s, {@code Long},
   * {@code Double}, {@code Boolean}, {@code String}, {@code null} and {@link HostTensor}s.
   *
   * @throws CorruptCheckpointException naming the file and record when it is damaged, not a zip
   *     archive of PyTorch's layout, or holds a global outside the allowed ones
   */
  Object readTorch(Path file) throws IOException;

  /**
   * The tensors of a safetensors file by name, in the header's order.
   *
   * @throws CorruptCheckpointException naming the file when its header or data does not fit
   */
  Map<String, HostTensor> readSafetensors(Path file) throws IOException;
}
