package ai.noether.api.model;

import ai.noether.api.tensor.HostTensor;
import ai.noether.api.tensor.Tensor;
import java.util.Map;

/**
 * A trainable model as the framework sees it, independent of the engine: a name, parameters by
 * stable path, and a state dict that moves in and out of checkpoints.
 *
 * <p>Parameter paths are dotted and human-readable, like PyTorch's ({@code layers.0.weight}); they
 * depend only on the model's structure, never on per-process ids, so a checkpoint written by one
 * process loads in another.
 */
public interface Model extends AutoCloseable {

  /** The configured model name, used in checkpoint file names. */
  String name();

  /**
   * Every tensor of the state dict (trainable parameters and buffers) by path, in a stable order.
   * The handles are live: they see updates and may be changed in place.
   */
  Map<String, Tensor> parameters();

  /** Only the parameters an optimizer updates, by path, in the same order. */
  Map<String, Tensor> trainableParameters();

  /** A host snapshot of every tensor by path; later updates do not change it. */
  Map<String, HostTensor> stateDict();

  /**
   * Copies values from a state dict into the model.
   *
   * @param strict when true, any missing or unexpected key or any shape mismatch fails before
   *     anything is copied; when false, matching keys are copied and the rest reported
   * @return what was loaded and what did not match
   * @throws StateDictMismatchException in strict mode, listing every difference
   */
  LoadReport load(Map<String, HostTensor> stateDict, boolean strict);

  /** The architecture description saved as {@code model_config}; plain values, never null. */
  Map<String, Object> config();

  /** Releases engine memory. */
  @Override
  void close();
}
