package ai.noether.store.s3.checkpoint;

import static ai.noether.store.s3.S3BenchmarkSupport.copyFile;
import static ai.noether.store.s3.S3BenchmarkSupport.deleteTree;
import static ai.noether.store.s3.S3BenchmarkSupport.median;
import static ai.noether.store.s3.S3BenchmarkSupport.writeRandomFile;

import ai.noether.api.checkpoint.CheckpointFile;
import ai.noether.api.checkpoint.CheckpointFileKind;
import ai.noether.api.checkpoint.CheckpointFileName;
import ai.noether.api.checkpoint.CheckpointStore;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.checkpoint.StoredFile;
import ai.noether.api.checkpoint.TrainingIteration;
import ai.noether.core.store.FileCheckpointStore;
import ai.noether.store.s3.S3BenchmarkSupport;
import ai.noether.store.s3.S3Location;
import ai.noether.store.s3.S3ObjectStore;
import ai.noether.store.s3.S3ProxyServer;
import ai.noether.store.s3.S3StoreConfig;
import ai.noether.store.s3.internal.S3ClientFactory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Not a test (not run by the build): a checkpoint of one large file committed and read back through
 * the S3 store, side by side with the AWS SDK's plain {@code putObject}/{@code getObject} of the
 * same file (same client settings, no checksum, no manifest, not atomic) and with the file store on
 * the local disk, against S3Proxy on loopback. Prints a table of median times and the ratios.
 *
 * <p>A commit runs on the background checkpoint writer, so the training loop waits for it only when
 * the next save comes before it has finished: the commit time is the shortest save interval at
 * which saving costs the loop nothing beyond its host snapshot ("stall per save" = max(0, commit
 * time - save interval)).
 *
 * <pre>{@code
 * mvn -B -ntp -o -q -pl noether-store-s3 -am test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * java -Xmx512m -cp noether-store-s3/target/test-classes:noether-store-s3/target/classes:$(cat noether-store-s3/target/cp.txt) \
 *     ai.noether.store.s3.checkpoint.S3CheckpointStoreBenchmark 1024 2
 * }</pre>
 */
public final class S3CheckpointStoreBenchmark {
  private static final String BUCKET = "bench";
  private static final StageId STAGE = new StageId("bench", "train");

  private S3CheckpointStoreBenchmark() {}

  public static void main(String[] args) throws Exception {
    int sizeMib = args.length > 0 ? Integer.parseInt(args[0]) : 1024;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    long size = sizeMib * 1024L * 1024L;
    Path work = Files.createTempDirectory("noether-s3-store-bench");
    try (S3ProxyServer server =
        S3ProxyServer.start(Files.createDirectories(work.resolve("server")))) {
      server.createBucket(BUCKET);
      Path source = work.resolve("source.bin");
      writeRandomFile(source, size);
      S3StoreConfig config = S3BenchmarkSupport.config(server.endpoint());
      String[] names = {
        "commit  S3 store (upload, CRC32C, manifest, latest)",
        "open    S3 store (download, verified)",
        "put     SDK putObject of the file",
        "get     SDK getObject to a file",
        "commit  file store (local disk, fsync)",
        "open    file store (verified)"
      };
      double[][] seconds = new double[names.length][rounds];
      try (S3CheckpointStore s3 =
              new S3CheckpointStore(
                  S3ObjectStore.open(
                      new S3Location(BUCKET, "noether"), config, S3ProxyServer.credentials()),
                  Duration.ofSeconds(60),
                  work);
          S3Client sdk = S3ClientFactory.create(config, S3ProxyServer.credentials());
          FileCheckpointStore file = FileCheckpointStore.open(work.resolve("runs"))) {
        for (int round = 0; round < rounds; round++) {
          TrainingIteration it = new TrainingIteration(round + 1, round + 1, round + 1);
          seconds[0][round] = time(() -> commit(s3, source, size, it));
          seconds[1][round] = time(() -> readBack(s3, it));
          seconds[2][round] =
              time(
                  () ->
                      sdk.putObject(
                          p -> p.bucket(BUCKET).key("sdk/file.bin").contentLength(size),
                          RequestBody.fromFile(source)));
          Path back = work.resolve("sdk.bin");
          seconds[3][round] =
              time(
                  () ->
                      sdk.getObject(
                          g -> g.bucket(BUCKET).key("sdk/file.bin"),
                          ResponseTransformer.toFile(back)));
          Files.delete(back);
          seconds[4][round] = time(() -> commit(file, source, size, it));
          seconds[5][round] = time(() -> readBack(file, it));
          System.err.printf(Locale.ROOT, "round %d done%n", round + 1);
        }
      }
      System.out.printf(
          Locale.ROOT,
          "%nA %d MiB checkpoint file over S3Proxy 2.6.0 (filesystem blobstore) on 127.0.0.1, "
              + "16 MiB parts, 4 in flight, %d rounds, heap max %d MiB, %d cores%n",
          sizeMib,
          rounds,
          Runtime.getRuntime().maxMemory() >> 20,
          Runtime.getRuntime().availableProcessors());
      System.out.printf(Locale.ROOT, "%-54s %10s %10s%n", "operation", "median s", "MiB/s");
      for (int i = 0; i < names.length; i++) {
        double median = median(seconds[i]);
        System.out.printf(Locale.ROOT, "%-54s %10.2f %10.1f%n", names[i], median, sizeMib / median);
      }
      System.out.printf(
          Locale.ROOT,
          "ratio S3 store / SDK: commit %.2f, open %.2f; S3 store / file store: commit %.2f, "
              + "open %.2f%n",
          median(seconds[0]) / median(seconds[2]),
          median(seconds[1]) / median(seconds[3]),
          median(seconds[0]) / median(seconds[4]),
          median(seconds[1]) / median(seconds[5]));
    } finally {
      deleteTree(work);
    }
  }

  private interface Step {
    void run() throws Exception;
  }

  private static double time(Step step) throws Exception {
    long t0 = System.nanoTime();
    step.run();
    return (System.nanoTime() - t0) / 1e9;
  }

  private static void commit(CheckpointStore store, Path source, long size, TrainingIteration it)
      throws IOException {
    CheckpointTag tag = CheckpointTag.at(it);
    CheckpointFile file =
        new CheckpointFile() {
          @Override
          public CheckpointFileName name() {
            return CheckpointFileName.of("model", tag, CheckpointFileKind.MODEL);
          }

          @Override
          public long size() {
            return size;
          }

          @Override
          public void writeTo(WritableByteChannel out) throws IOException {
            copyFile(source, out);
          }
        };
    store.commit(STAGE, tag, it, List.of(file), Set.of(CheckpointTag.LATEST));
    if (it.epoch() > 1) {
      store.delete(
          STAGE,
          CheckpointTag.at(
              new TrainingIteration(it.epoch() - 1, it.update() - 1, it.sample() - 1)));
    }
  }

  private static void readBack(CheckpointStore store, TrainingIteration it) throws IOException {
    StoredCheckpoint c =
        store.list(STAGE).stream()
            .filter(x -> x.tag().equals(CheckpointTag.at(it)))
            .findFirst()
            .orElseThrow();
    StoredFile f = c.files().get(0);
    try (SeekableByteChannel in = store.open(c, f)) {
      ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
      while (in.read(buffer.clear()) > 0) {
        // read through, as a loader does
      }
    }
  }
}
