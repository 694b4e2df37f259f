package ai.noether.store.s3.training;

import ai.noether.store.s3.S3ProxyServer;
import ai.noether.testkit.NoetherProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Not a test (not run by the build): what saving to S3 costs a training run, side by side with the
 * file store. The quickstart widened to 1024×1024 hidden units (a 17 MB checkpoint: model, EMA
 * model, optimizer, trainer) trains 4 epochs with a checkpoint every {@code N} updates, three times
 * in child JVMs: into a local {@code output_dir}, into {@code s3://} on S3Proxy in this JVM, and
 * into {@code s3://} with the local cache tier. Saves run on the background checkpoint writer, so
 * what the loop loses is its host snapshot plus any wait for a save still in flight: the difference
 * in wall time from the file store, per save, is the stall per save. Also printed: the mean commit
 * time per save as the writer logs it.
 *
 * <pre>{@code
 * mvn -B -ntp -o -q -pl noether-store-s3 -am test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * cd noether-store-s3 && java -cp $PWD/target/test-classes:$PWD/target/classes:$(cat target/cp.txt) \
 *     ai.noether.store.s3.training.S3TrainingStallBenchmark 32
 * }</pre>
 *
 * (Run it from {@code noether-store-s3}, with absolute class directories: the training JVMs run
 * elsewhere and find the quickstart as {@code ../noether-examples/configs}.)
 */
public final class S3TrainingStallBenchmark {
  private static final Pattern SAVED =
      Pattern.compile("saved checkpoint \\S+ \\([^)]* in (\\d+) ms\\)");

  private S3TrainingStallBenchmark() {}

  public static void main(String[] args) throws Exception {
    int every = args.length > 0 ? Integer.parseInt(args[0]) : 32;
    Path work = Files.createTempDirectory("noether-s3-stall");
    try (S3ProxyServer server = S3ProxyServer.start(work.resolve("s3"))) {
      server.createBucket("bench");
      Map<String, String> env =
          Map.of(
              "AWS_ACCESS_KEY_ID",
              S3ProxyServer.ACCESS_KEY,
              "AWS_SECRET_ACCESS_KEY",
              S3ProxyServer.SECRET_KEY,
              "AWS_REGION",
              "us-east-1",
              "AWS_ENDPOINT_URL_S3",
              server.endpoint());
      String[][] runs = {
        {"file store (local disk)", "output_dir=" + work.resolve("runs")},
        {"S3 store", "output_dir=s3://bench/plain"},
        {
          "S3 store + cache_dir",
          "output_dir=s3://bench/cached",
          "store.cache_dir=" + work.resolve("cache")
        }
      };
      double[] seconds = new double[runs.length];
      double[] commitMs = new double[runs.length];
      int[] saves = new int[runs.length];
      for (int i = 0; i < runs.length; i++) {
        List<String> command =
            new ArrayList<>(
                List.of(
                    "train",
                    S3KilledTrainingTest.QUICKSTART.toString(),
                    "run_id=stall",
                    "model.hidden_sizes=[1024, 1024]",
                    "trainer.max_epochs=4",
                    "trainer.callbacks[0].every_n_updates=" + every));
        for (int k = 1; k < runs[i].length; k++) {
          command.add(runs[i][k]);
        }
        long t0 = System.nanoTime();
        try (NoetherProcess p =
            S3KilledTrainingTest.start(work.resolve("machine-" + i), env, command)) {
          int status = p.awaitExit();
          seconds[i] = (System.nanoTime() - t0) / 1e9;
          if (status != 0) {
            throw new IllegalStateException(runs[i][0] + " exited with " + status + "\n" + p.log());
          }
          Matcher m = SAVED.matcher(p.log());
          long total = 0;
          while (m.find()) {
            total += Long.parseLong(m.group(1));
            saves[i]++;
          }
          commitMs[i] = saves[i] == 0 ? 0 : total / (double) saves[i];
        }
        System.err.printf(Locale.ROOT, "%s done%n", runs[i][0]);
      }
      System.out.printf(
          Locale.ROOT,
          "%nquickstart 1024x1024 (17 MB checkpoints), 256 updates, a save every %d updates, "
              + "%d cores%n",
          every,
          Runtime.getRuntime().availableProcessors());
      System.out.printf(
          Locale.ROOT,
          "%-26s %8s %8s %16s %18s%n",
          "store",
          "wall s",
          "saves",
          "commit ms/save",
          "stall ms/save");
      for (int i = 0; i < runs.length; i++) {
        double stall = saves[i] == 0 ? 0 : (seconds[i] - seconds[0]) * 1000 / saves[i];
        System.out.printf(
            Locale.ROOT,
            "%-26s %8.1f %8d %16.0f %18s%n",
            runs[i][0],
            seconds[i],
            saves[i],
            commitMs[i],
            i == 0 ? "(reference)" : String.format(Locale.ROOT, "%.0f", stall));
      }
      System.out.printf(
          Locale.ROOT,
          "ratio wall time S3/file %.2f, S3+cache/file %.2f%n",
          seconds[1] / seconds[0],
          seconds[2] / seconds[0]);
    } finally {
      try (var files = Files.walk(work)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
