package ai.noether.callbacks.ema;

import ai.noether.api.Nullable;
import ai.noether.api.callback.CheckpointWriter;
import ai.noether.api.tensor.HostTensor;
import ai.noether.api.tensor.Tensor;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Host copies of the shadows, which checkpoints write and the trainer state holds, in host memory
 * reused from save to save: a buffer per model, factor and parameter, allocated at the first copy
 * (and on a shape change) and refreshed in place after, so saving EMA weights a thousand times
 * takes the memory of saving them once. A copy is taken again only when the shadows changed since
 * the last one.
 *
 * <p><b>Note:</b> before it overwrites the buffers it waits for the saves still writing them
 * ({@link CheckpointWriter#flush}); at a periodic save the writer has already waited for the
 * previous save, so this costs at most the deletions queued behind it. A tensor larger than one
 * host chunk ({@link HostTensor#MAX_CHUNK_BYTES}) is copied into fresh memory each time instead.
 */
final class EmaHostCopies {
  /** By model, info and parameter path. */
  private final Map<List<String>, ByteBuffer> buffers = new HashMap<>();

  private long allocations;
  private @Nullable Map<String, Map<String, Map<String, HostTensor>>> copy;
  private long copiedVersion = -1;

  /** The run's checkpoints, to wait for a save still writing the buffers; null before training. */
  private @Nullable CheckpointWriter checkpoints;

  /** The run's checkpoint writer, whose saves may still be reading the buffers. */
  void writtenBy(CheckpointWriter checkpoints) {
    this.checkpoints = checkpoints;
  }

  /**
   * The shadows' values on the host: model → model info → state dict, the same maps as long as the
   * shadows have not changed. {@code shadows} must not be empty.
   */
  Map<String, Map<String, Map<String, HostTensor>>> of(EmaShadows shadows) {
    Map<String, Map<String, Map<String, HostTensor>>> current = copy;
    if (current == null || copiedVersion != shadows.version()) {
      if (copy != null && checkpoints != null) {
        // A save may still be writing the previous copy from the buffers about to be overwritten.
        // At a resumable save the writer has already waited for the previous one: this waits at
        // most for the deletions queued behind it.
        checkpoints.flush();
      }
      Map<String, Map<String, Map<String, HostTensor>>> fresh = new LinkedHashMap<>();
      List<String> infos = shadows.infos();
      for (String model : shadows.models()) {
        Map<String, Map<String, HostTensor>> byInfo = new LinkedHashMap<>();
        for (int i = 0; i < infos.size(); i++) {
          String info = infos.get(i);
          Map<String, HostTensor> dict = new LinkedHashMap<>();
          shadows
              .of(model, i)
              .forEach((path, t) -> dict.put(path, refresh(List.of(model, info, path), t)));
          byInfo.put(info, dict);
        }
        fresh.put(model, byInfo);
      }
      copy = fresh;
      copiedVersion = shadows.version();
      current = fresh;
    }
    return current;
  }

  /**
   * Drops the current copy (the buffers stay for reuse): the next {@link #of} copies again without
   * waiting for the writer, as after loading a checkpoint's state.
   */
  void forget() {
    copy = null;
    copiedVersion = -1;
  }

  /** How many host buffers the copies allocated so far (tests: constant across saves). */
  long allocations() {
    return allocations;
  }

  /**
   * {@code t}'s values in the host buffer kept for {@code key}, allocated at the first call (and on
   * a shape change).
   */
  private HostTensor refresh(List<String> key, Tensor t) {
    long elements = 1;
    for (long d : t.shape()) {
      elements = Math.multiplyExact(elements, d);
    }
    long bytes = Math.multiplyExact(elements, t.dtype().byteSize());
    if (bytes > HostTensor.MAX_CHUNK_BYTES) {
      allocations++;
      return t.toHost(); // more than one buffer holds: not worth a special case for a rare size
    }
    ByteBuffer buffer = buffers.get(key);
    if (buffer == null || buffer.capacity() != bytes) {
      buffer = ByteBuffer.allocateDirect((int) bytes);
      buffers.put(key, buffer);
      allocations++;
    }
    t.copyTo(buffer.duplicate().clear());
    return HostTensor.wrap(t.dtype(), t.shape(), buffer.duplicate().clear());
  }
}
