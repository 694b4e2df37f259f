package ai.noether.store.s3;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
      Process child = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
          UploadChildMain.class.getName(), server.endpoint(), BUCKET, "run", "stage/model.th")
          .redirectError(ProcessBuilder.Redirect.DISCARD).start();
      try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
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

      try (S3ObjectStore store = S3ObjectStore.open(new S3Location(BUCKET, "run"), server.config(),
          S3ProxyServer.credentials())) {
        assertThat(store.head("stage/model.th")).isEmpty();
        assertThat(store.list("")).isEmpty();
        List<UnfinishedUpload> unfinished = store.unfinishedUploads();
        assertThat(unfinished).extracting(UnfinishedUpload::key).containsExactly("run/stage/model.th");
        String uploadId = unfinished.get(0).uploadId();
        assertThat(server.rawBlobNames(BUCKET)).as("the parts S3Proxy keeps for the upload")
            .anySatisfy(name -> assertThat(name).contains(uploadId));

        assertThat(store.abortUnfinishedUploads(Duration.ZERO)).isEqualTo(1);

        assertThat(store.unfinishedUploads()).isEmpty();
        assertThat(server.rawBlobNames(BUCKET)).noneSatisfy(name -> assertThat(name).contains(uploadId));
        assertThat(store.head("stage/model.th")).isEmpty();
      }
    }
  }
}
