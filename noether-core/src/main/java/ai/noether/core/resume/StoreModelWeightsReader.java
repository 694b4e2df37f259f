package ai.noether.core.resume;

import ai.noether.api.checkpoint.CheckpointSelector;
import ai.noether.api.checkpoint.CheckpointStore;
import ai.noether.api.checkpoint.ModelWeightsReader;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.tensor.HostTensor;
import java.io.IOException;
import java.util.Map;

/**
 * The {@link ModelWeightsReader} of every run: {@link CheckpointResolver} to choose the checkpoint,
 * {@link CheckpointReader} to read and check its model file.
 */
public final class StoreModelWeightsReader implements ModelWeightsReader {

  @Override
  public StoredCheckpoint resolve(CheckpointStore store, StageId stage, CheckpointSelector selector)
      throws IOException {
    return CheckpointResolver.of(store).resolve(stage, selector);
  }

  @Override
  public Map<String, HostTensor> read(
      CheckpointStore store, StoredCheckpoint checkpoint, String modelName, String modelInfo)
      throws IOException {
    return CheckpointReader.modelWeights(store, checkpoint, modelName, modelInfo);
  }
}
