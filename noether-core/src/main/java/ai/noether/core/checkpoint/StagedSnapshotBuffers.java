package ai.noether.core.checkpoint;

import ai.noether.api.tensor.SnapshotBuffers;
import java.nio.ByteBuffer;

/**
 * The api's {@link SnapshotBuffers}: {@link StagingBuffers#allocate(int)}, the checkpoint writer's
 * pool while it takes a snapshot on this thread, else fresh direct memory. Listed in core's {@code
 * META-INF/services/ai.noether.api.tensor.SnapshotBuffers}. Stateless.
 */
public final class StagedSnapshotBuffers implements SnapshotBuffers {

  @Override
  public ByteBuffer allocate(int bytes) {
    return StagingBuffers.allocate(bytes);
  }

  @Override
  public void copy(ByteBuffer from, ByteBuffer to) {
    StagingBuffers.copy(from, to);
  }
}
