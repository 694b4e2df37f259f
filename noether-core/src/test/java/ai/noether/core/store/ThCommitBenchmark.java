package ai.noether.core.store;

import ai.noether.api.checkpoint.CheckpointFile;
import ai.noether.api.checkpoint.CheckpointFileKind;
import ai.noether.api.checkpoint.CheckpointFileName;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.TrainingIteration;
import ai.noether.api.tensor.DType;
import ai.noether.api.tensor.HostTensor;
import ai.noether.core.format.th.ThFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The time to commit a real {@code .th} model file (float32 tensors of 64 MiB) through the file
 * store, the path whose speed the store contract's change to {@code writeTo(WritableByteChannel)}
 * must not slow down. Prints the median over the rounds in MB/s.
 *
 * <p>Run: {@code mvn -B -q -ntp -pl noether-core -am -Pbenchmark
 * -Dbenchmark=ai.noether.core.store.ThCommitBenchmark process-test-classes}; system properties
 * {@code bench.dir} (default: the temp directory), {@code bench.mb} (default 512), {@code
 * bench.rounds} (default 5).
 */
public final class ThCommitBenchmark {
  private ThCommitBenchmark() {}

  public static void main(String[] args) throws IOException {
    Path dir =
        Files.createTempDirectory(
            Path.of(System.getProperty("bench.dir", System.getProperty("java.io.tmpdir"))),
            "th-commit");
    long mb = Long.getLong("bench.mb", 512);
    int rounds = Integer.getInteger("bench.rounds", 5);
    int tensors = Math.toIntExact(Math.max(1, mb / 64));
    Map<String, Object> stateDict = new LinkedHashMap<>();
    Random random = new Random(1);
    for (int i = 0; i < tensors; i++) {
      ByteBuffer b = ByteBuffer.allocateDirect(64 << 20).order(ByteOrder.LITTLE_ENDIAN);
      while (b.hasRemaining()) {
        b.putFloat(random.nextFloat());
      }
      stateDict.put(
          "layer" + i + ".weight",
          HostTensor.wrap(DType.FLOAT32, new long[] {16_384, 1_024}, b.flip()));
    }
    Map<String, Object> tree = Map.of("state_dict", stateDict);
    FileCheckpointStore store = FileCheckpointStore.open(dir.resolve("store"));
    StageId stage = new StageId("bench", "train");
    double[] seconds = new double[rounds];
    long bytes = 0;
    for (int r = 0; r < rounds; r++) {
      TrainingIteration it = new TrainingIteration(r + 1, r + 1, r + 1);
      CheckpointTag tag = CheckpointTag.at(it);
      CheckpointFile file =
          ThFormat.encoder()
              .encode(CheckpointFileName.of("mlp", tag, CheckpointFileKind.MODEL), tree);
      bytes = file.size();
      long t0 = System.nanoTime();
      store.commit(stage, tag, it, List.of(file), Set.of(CheckpointTag.LATEST));
      seconds[r] = (System.nanoTime() - t0) / 1e9;
      store.delete(stage, tag);
    }
    Arrays.sort(seconds);
    double median = seconds[rounds / 2];
    System.out.printf(
        "commit of a %d MB .th file (fsync on), median of %d: %.3f s = %.0f MB/s (all: %s)%n",
        bytes / 1_000_000, rounds, median, bytes / 1e6 / median, Arrays.toString(seconds));
  }
}
