package ai.noether.core.store;

import ai.noether.api.checkpoint.CheckpointFile;
import ai.noether.api.checkpoint.CheckpointFileKind;
import ai.noether.api.checkpoint.CheckpointNotFoundException;
import ai.noether.api.checkpoint.CheckpointSelector;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.TrainingIteration;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The child process of {@link FileCheckpointStoreCrashTest}: commits checkpoints in a loop, as fast
 * as it can, until it is killed. It continues from the update that {@code latest} names, moves
 * {@code latest} on every commit and keeps the newest {@link #KEEP} iteration checkpoints, like a
 * periodic-checkpoint callback with retention.
 *
 * <p>Prints {@code READY <update>} when it starts writing and {@code COMMITTED <update>} after each
 * commit. Arguments: {@code <output_dir> <run_id> <stage_name>}.
 */
public final class CrashingWriterMain {
  static final int KEEP = 3;
  static final String MODEL = "mlp";

  private CrashingWriterMain() {}

  public static void main(String[] args) throws Exception {
    FileCheckpointStore store = FileCheckpointStore.open(Path.of(args[0]));
    StageId stage = new StageId(args[1], args[2]);
    long update;
    try {
      update = store.resolve(stage, CheckpointSelector.parse("latest")).iteration().update() + 1;
    } catch (CheckpointNotFoundException none) {
      update = 1;
    }
    System.out.println("READY " + update);
    System.out.flush();
    for (; ; update++) {
      TrainingIteration it = iteration(update);
      CheckpointTag tag = CheckpointTag.at(it);
      store.commit(stage, tag, it, files(tag, update), Set.of(CheckpointTag.LATEST));
      if (update > KEEP) {
        store.delete(stage, CheckpointTag.at(iteration(update - KEEP)));
      }
      System.out.println("COMMITTED " + update);
      System.out.flush();
    }
  }

  /** The counters at an update: 4 updates per epoch, 32 samples per update. */
  static TrainingIteration iteration(long update) {
    return new TrainingIteration(update / 4, update, 32 * update);
  }

  /** Model, optimizer and trainer files of 200 KB to 2.5 MB of content derived from the update. */
  static List<CheckpointFile> files(CheckpointTag tag, long update) {
    SplittableRandom random = new SplittableRandom(update);
    List<CheckpointFile> files = new ArrayList<>();
    for (CheckpointFileKind kind : CheckpointFileKind.values()) {
      files.add(
          BytesFile.of(MODEL, tag, kind, random.nextLong(200_000, 2_500_000), random.nextLong()));
    }
    return files;
  }
}
