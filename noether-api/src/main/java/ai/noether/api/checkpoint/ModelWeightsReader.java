package ai.noether.api.checkpoint;

import ai.noether.api.tensor.HostTensor;
import java.io.IOException;
import java.util.Map;

/**
 * Reads model weights out of committed checkpoints through a {@link CheckpointStore}, with the
 * framework's checks: a selector resolves as {@code resume_checkpoint} does, and every file is
 * checked against the store's size and checksum and every tensor record against its CRC while it is
 * read. Injectable into any component of a run; an initializer that takes another run's weights
 * needs nothing else.
 */
public interface ModelWeightsReader {

  /**
   * The checkpoint {@code selector} designates in {@code stage}.
   *
   * @throws CheckpointNotFoundException if the run, stage or checkpoint does not exist, or a
   *     partial selector matches several iterations; the message lists what exists
   * @throws CorruptCheckpointException if the selected tag's commit record cannot be trusted
   */
  StoredCheckpoint resolve(CheckpointStore store, StageId stage, CheckpointSelector selector)
      throws IOException;

  /**
   * The state dict of the model file of {@code modelName} in {@code checkpoint}: parameter path to
   * tensor, in file order.
   *
   * @param modelInfo the file's model info ({@code ema=0.9999}), or null for the model itself
   * @throws CheckpointNotFoundException if the checkpoint has no such model file, naming the files
   *     it has
   * @throws CorruptCheckpointException naming the file and record that fail a check
   */
  Map<String, HostTensor> read(
      CheckpointStore store, StoredCheckpoint checkpoint, String modelName, String modelInfo)
      throws IOException;
}
