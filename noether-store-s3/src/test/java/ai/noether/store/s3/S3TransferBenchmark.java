package ai.noether.store.s3;

import static ai.noether.store.s3.S3BenchmarkSupport.copyFile;
import static ai.noether.store.s3.S3BenchmarkSupport.deleteTree;
import static ai.noether.store.s3.S3BenchmarkSupport.median;
import static ai.noether.store.s3.S3BenchmarkSupport.writeRandomFile;

import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.transfer.s3.S3TransferManager;

/**
 * Not a test (not run by the build): upload and download throughput of one file through {@link
 * S3ObjectStore} side by side with the AWS SDK's own {@link S3TransferManager} (multipart, same
 * part size and parallelism) against S3Proxy on loopback, printed as a table.
 *
 * <pre>{@code
 * mvn -B -ntp -o -q -pl noether-store-s3 -am test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * java -Xmx512m -cp noether-store-s3/target/test-classes:noether-store-s3/target/classes:$(cat noether-store-s3/target/cp.txt) \
 *     ai.noether.store.s3.S3TransferBenchmark 1024 3
 * }</pre>
 *
 * Arguments: the file size in MiB (default 1024) and the number of rounds (default 3). The heap is
 * capped (512 MiB above) to show that a 1 GiB upload needs no whole-file copy in memory.
 */
public final class S3TransferBenchmark {
  private static final String BUCKET = "bench";

  private S3TransferBenchmark() {}

  public static void main(String[] args) throws Exception {
    int sizeMib = args.length > 0 ? Integer.parseInt(args[0]) : 1024;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    long size = sizeMib * 1024L * 1024L;
    Path work = Files.createTempDirectory("noether-s3-bench");
    try (S3ProxyServer server =
        S3ProxyServer.startLenient(Files.createDirectories(work.resolve("server")))) {
      server.createBucket(BUCKET);
      Path source = work.resolve("source.bin");
      writeRandomFile(source, size);
      S3StoreConfig config = S3BenchmarkSupport.config(server.endpoint());
      double[][] seconds = new double[4][rounds];
      try (S3ObjectStore store =
              S3ObjectStore.open(
                  new S3Location(BUCKET, "noether"), config, S3ProxyServer.credentials());
          S3AsyncClient async =
              S3AsyncClient.builder()
                  .endpointOverride(URI.create(server.endpoint()))
                  .region(Region.US_EAST_1)
                  .forcePathStyle(true)
                  .credentialsProvider(S3ProxyServer.credentials())
                  .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                  .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                  .multipartEnabled(true)
                  .multipartConfiguration(
                      c -> c.minimumPartSizeInBytes(16L << 20).thresholdInBytes(16L << 20))
                  .build();
          S3TransferManager tm = S3TransferManager.builder().s3Client(async).build()) {
        for (int round = 0; round < rounds; round++) {
          long t0 = System.nanoTime();
          StoredObject ours = store.upload("file.bin", size, channel -> copyFile(source, channel));
          seconds[0][round] = (System.nanoTime() - t0) / 1e9;

          Path back = work.resolve("ours.bin");
          t0 = System.nanoTime();
          try (FileChannel out =
              FileChannel.open(
                  back,
                  StandardOpenOption.CREATE,
                  StandardOpenOption.WRITE,
                  StandardOpenOption.TRUNCATE_EXISTING)) {
            store.read("file.bin", out, ours.crc32c());
          }
          seconds[1][round] = (System.nanoTime() - t0) / 1e9;
          Files.delete(back);

          t0 = System.nanoTime();
          tm.uploadFile(
                  u -> u.source(source).putObjectRequest(p -> p.bucket(BUCKET).key("sdk/file.bin")))
              .completionFuture()
              .join();
          seconds[2][round] = (System.nanoTime() - t0) / 1e9;

          Path sdkBack = work.resolve("sdk.bin");
          t0 = System.nanoTime();
          tm.downloadFile(
                  d ->
                      d.destination(sdkBack)
                          .getObjectRequest(g -> g.bucket(BUCKET).key("sdk/file.bin")))
              .completionFuture()
              .join();
          seconds[3][round] = (System.nanoTime() - t0) / 1e9;
          Files.delete(sdkBack);
          System.err.printf(Locale.ROOT, "round %d done%n", round + 1);
        }
      }
      System.out.printf(
          Locale.ROOT,
          "%n%d MiB over S3Proxy 2.6.0 (filesystem blobstore) on 127.0.0.1, 16 MiB parts, "
              + "4 in flight, %d rounds, heap max %d MiB, %d cores%n",
          sizeMib,
          rounds,
          Runtime.getRuntime().maxMemory() >> 20,
          Runtime.getRuntime().availableProcessors());
      System.out.printf(Locale.ROOT, "%-36s %12s %12s%n", "transfer", "median s", "MiB/s");
      String[] names = {
        "upload   S3ObjectStore (+CRC32C)",
        "download S3ObjectStore (verified)",
        "upload   SDK S3TransferManager",
        "download SDK S3TransferManager"
      };
      for (int i = 0; i < 4; i++) {
        double median = median(seconds[i]);
        System.out.printf(Locale.ROOT, "%-36s %12.2f %12.1f%n", names[i], median, sizeMib / median);
      }
      System.out.printf(
          Locale.ROOT,
          "ratio upload ours/SDK time %.2f, download ours/SDK time %.2f%n",
          median(seconds[0]) / median(seconds[2]),
          median(seconds[1]) / median(seconds[3]));
    } finally {
      deleteTree(work);
    }
  }
}
