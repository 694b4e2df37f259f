package ai.noether.store.s3;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A process killed with SIGKILL in the middle of a multipart upload. */
class KilledUploadTest {
  static final String BUCKET = "noether-kill";

  @TempDir Path serverDir;

  @Test
  void aKilledUploadLeavesNoVisibleObjectAndCleanupRemovesItsParts() throws Exception {
    try (S3ProxyServer server = S3ProxyServer.start(serverDir)) {
      server.createBucket(BUCKET);
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Process child =
          new ProcessBuilder(
                  java,
                  "-Xmx256m",
                  "-cp",
                  System.getProperty("java.class.path"),
                  UploadChildMain.class.getName(),
                  server.endpoint(),
                  BUCKET,
                  "run",
                  "stage/model.th")
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      try (BufferedReader out =
          new BufferedReader(
              new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        int partsSeen = 0;
        String line;
        while (partsSeen < 2 && (line = out.readLine()) != null) {
          if (line.startsWith("PART ")) {
            partsSeen++;
          }
        }
        assertThat(partsSeen).as("parts the child stored before it was killed").isEqualTo(2);
      } finally {
        child.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no abort
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
      }
      assertThat(child.exitValue()).isEqualTo(137);

      try (S3ObjectStore store =
          S3ObjectStore.open(
              new S3Location(BUCKET, "run"), server.config(), S3ProxyServer.credentials())) {
        assertThat(store.head("stage/model.th")).isEmpty();
        assertThat(store.list("")).isEmpty();
        List<UnfinishedUpload> unfinished = store.unfinishedUploads();
        assertThat(unfinished)
            .extracting(UnfinishedUpload::key)
            .containsExactly("run/stage/model.th");
        String uploadId = unfinished.get(0).uploadId();
        assertThat(server.rawBlobNames(BUCKET))
            .as("the parts S3Proxy keeps for the upload")
            .anySatisfy(name -> assertThat(name).contains(uploadId));

        assertThat(store.abortUnfinishedUploads(Duration.ZERO)).isEqualTo(1);

        assertThat(store.unfinishedUploads()).isEmpty();
        assertThat(server.rawBlobNames(BUCKET))
            .noneSatisfy(name -> assertThat(name).contains(uploadId));
        assertThat(store.head("stage/model.th")).isEmpty();
      }
    }
  }

  @Test
  void aFileFourTimesLargerThanTheHeapUploadsWithBoundedPartBuffers() throws Exception {
    try (S3ProxyServer server = S3ProxyServer.start(serverDir)) {
      server.createBucket(BUCKET);
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      // 256 MiB through a 64 MiB heap: 3 part buffers of 5 MiB fit, a copy of the file would not.
      Process child =
          new ProcessBuilder(
                  java,
                  "-Xmx64m",
                  "-cp",
                  System.getProperty("java.class.path"),
                  UploadChildMain.class.getName(),
                  server.endpoint(),
                  BUCKET,
                  "run",
                  "big.th",
                  "full",
                  "256")
              .redirectErrorStream(true)
              .start();
      String done = null;
      StringBuilder output = new StringBuilder();
      try (BufferedReader out =
          new BufferedReader(
              new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = out.readLine()) != null) {
          output.append(line).append('\n');
          if (line.startsWith("DONE ")) {
            done = line.substring(5);
          }
        }
      }
      assertThat(child.waitFor(120, TimeUnit.SECONDS)).isTrue();
      assertThat(child.exitValue()).as(output.toString()).isZero();
      assertThat(done).as(output.toString()).isNotNull();
      try (S3ObjectStore store =
          S3ObjectStore.open(
              new S3Location(BUCKET, "run"), server.config(), S3ProxyServer.credentials())) {
        StoredObject read =
            store.read(
                "big.th",
                Channels.newChannel(OutputStream.nullOutputStream()),
                OptionalLong.of(Long.parseLong(done)));
        assertThat(read.size()).isEqualTo(256L << 20);
      }
    }
  }
}
