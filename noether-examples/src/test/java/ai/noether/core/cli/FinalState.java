package ai.noether.core.cli;

import ai.noether.api.checkpoint.CheckpointFileKind;
import ai.noether.api.checkpoint.CheckpointKeys;
import ai.noether.api.checkpoint.CheckpointSelector;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.checkpoint.StoredFile;
import ai.noether.core.format.th.ThReader;
import ai.noether.core.run.StateTrees;
import ai.noether.core.store.FileCheckpointStore;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code last} checkpoint of a stage as read from disk through the store and the {@code .th}
 * reader, fingerprinted for a bitwise comparison: every model file's weights (the model's own and,
 * e.g., EMA weights, by file), the optimizer file, and the trainer file minus what differs between
 * runs by design.
 *
 * @param iteration where the stage ended
 * @param files fingerprint per file, keyed by the file name with the run's tag left out
 */
record FinalState(String iteration, Map<String, Map<String, String>> files) {

  static FinalState read(Path outputDir, String runId) throws IOException {
    FileCheckpointStore store = FileCheckpointStore.open(outputDir);
    StoredCheckpoint last =
        store.resolve(new StageId(runId, "train"), CheckpointSelector.parse("last"));
    Map<String, Map<String, String>> files = new TreeMap<>();
    for (StoredFile file : last.files()) {
      Map<String, Object> tree;
      try (FileChannel channel = store.open(last, file)) {
        tree = ThReader.read(channel, file.name().format());
      }
      Object compared =
          switch (file.name().kind()) {
            case MODEL -> tree.get(CheckpointKeys.STATE_DICT);
            case OPTIM -> withoutRunId(tree);
            case TRAINER -> StateTrees.comparableTrainerState(tree);
          };
      files.put(file.name().format(), StateTrees.fingerprint(compared));
    }
    if (files.keySet().stream()
        .noneMatch(n -> n.endsWith(CheckpointFileKind.OPTIM.suffix() + ".th"))) {
      throw new AssertionError(
          "the last checkpoint of " + runId + " has no optimizer file: " + files.keySet());
    }
    return new FinalState(last.iteration().toString(), files);
  }

  private static Map<String, Object> withoutRunId(Map<String, Object> tree) {
    Map<String, Object> copy = new java.util.LinkedHashMap<>(tree);
    copy.remove(CheckpointKeys.RUN_ID);
    return copy;
  }
}
