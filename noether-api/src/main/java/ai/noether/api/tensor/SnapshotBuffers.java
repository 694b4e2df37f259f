package ai.noether.api.tensor;

import java.nio.ByteBuffer;

/**
 * Host memory for the device-to-host copies of a checkpoint snapshot. While the framework takes a
 * snapshot on the training thread, the buffers come from the checkpoint writer's staging pool,
 * allocated at the first save and reused from save to save (so the memory of a run that saves a
 * thousand times is that of one that saves once); anywhere else they are fresh direct memory.
 *
 * <p>An engine uses it only where it copies state that is written into a checkpoint once and then
 * dropped (a model's state dict, an optimizer's state), never for a copy a component keeps (an EMA
 * callback's host weights): a staged buffer is overwritten by the next snapshot.
 *
 * <p>Implemented by {@code noether-core}; get it through {@link
 * ai.noether.api.spi.FrameworkServices}. {@link #DIRECT} serves where the framework is not on the
 * class path.
 */
public interface SnapshotBuffers {

  /** Fresh direct memory every time: no staging. */
  SnapshotBuffers DIRECT = ByteBuffer::allocateDirect;

  /**
   * A buffer of {@code bytes} bytes, positioned at zero with its limit at {@code bytes}; its byte
   * order is the caller's to set.
   */
  ByteBuffer allocate(int bytes);

  /**
   * Copies {@code from}'s remaining bytes into {@code to} at its position and advances {@code to}'s
   * position past them now; {@code from}'s position does not move. While the framework takes a
   * snapshot on this thread the bytes may land only when the snapshot is complete (its copies are
   * made together, on several threads), so {@code from}'s memory must stay valid and unchanged
   * until then: pass views of the tensors being snapshotted, never of temporaries. Default: at
   * once.
   *
   * @throws java.nio.BufferOverflowException if {@code to} has less room than {@code from} has
   *     bytes
   */
  default void copy(ByteBuffer from, ByteBuffer to) {
    to.put(from.duplicate());
  }
}
