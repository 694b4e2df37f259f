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
 * <p>Implemented by {@code noether-core}; get it through
 * {@link ai.noether.api.spi.FrameworkServices}. {@link #DIRECT} serves where the framework is not on
 * the class path.
 */
public interface SnapshotBuffers {

  /** Fresh direct memory every time: no staging. */
  SnapshotBuffers DIRECT = ByteBuffer::allocateDirect;

  /**
   * A buffer of {@code bytes} bytes, positioned at zero with its limit at {@code bytes}; its byte
   * order is the caller's to set.
   */
  ByteBuffer allocate(int bytes);
}
