package ai.noether.api.callback;

import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.model.ModelSnapshot;
import java.io.IOException;
import java.util.List;

/** Lets a callback save model files under a tag of its own (e.g. {@code best.loss/valid/total}). */
public interface ModelCheckpointWriter {

  /**
   * Writes the snapshots as {@code _model.th} files under {@code tag}, committed atomically; the
   * files carry the usual metadata (tag, iteration, run id, model config).
   */
  void save(CheckpointTag tag, List<ModelSnapshot> models) throws IOException;

  /** Removes the files of {@code tag} that this stage wrote; other tags are untouched. */
  void delete(CheckpointTag tag) throws IOException;
}
