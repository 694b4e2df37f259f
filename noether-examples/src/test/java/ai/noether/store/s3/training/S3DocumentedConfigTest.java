package ai.noether.store.s3.training;

import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.api.checkpoint.CheckpointSelector;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.core.resume.CheckpointResolver;
import ai.noether.store.s3.S3Location;
import ai.noether.store.s3.S3ObjectStore;
import ai.noether.store.s3.S3ProxyServer;
import ai.noether.store.s3.checkpoint.S3CheckpointStore;
import ai.noether.testkit.NoetherProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The S3 YAML of docs/checkpoint-store.md, as written, trains the quickstart into S3Proxy: the
 * documentation test of noether-examples cannot (it has no S3 store on its class path and no
 * server), so this one does. Only the endpoint's port is replaced by S3Proxy's random one.
 */
class S3DocumentedConfigTest {
  static final Path DOC = Path.of("../docs/checkpoint-store.md");
  static final Pattern BLOCK =
      Pattern.compile(
          "<!-- not-a-config:[^>]*S3DocumentedConfigTest[^>]*-->\\s*```yaml\\n(.*?)```",
          Pattern.DOTALL);

  @Test
  void theDocumentedS3ConfigurationTrainsIntoTheBucketAndEveryCheckpointVerifies(@TempDir Path dir)
      throws Exception {
    Matcher m = BLOCK.matcher(Files.readString(DOC, StandardCharsets.UTF_8));
    assertThat(m.find()).as("the S3 block of %s", DOC).isTrue();
    String block = m.group(1);
    assertThat(block)
        .contains("output_dir: s3://my-checkpoints/team/runs", "endpoint: http://127.0.0.1:9000");
    try (S3ProxyServer server = S3ProxyServer.start(dir.resolve("s3"))) {
      server.createBucket("my-checkpoints");
      String quickstart =
          Files.readString(S3KilledTrainingTest.QUICKSTART, StandardCharsets.UTF_8)
              .replaceAll("(?m)^output_dir: .*$", "");
      Path config = dir.resolve("s3-run.yaml");
      Files.writeString(
          config, quickstart + "\n" + block.replace("http://127.0.0.1:9000", server.endpoint()));
      try (NoetherProcess p =
          S3KilledTrainingTest.start(
              dir.resolve("work"),
              Map.of(
                  "AWS_ACCESS_KEY_ID",
                  S3ProxyServer.ACCESS_KEY,
                  "AWS_SECRET_ACCESS_KEY",
                  S3ProxyServer.SECRET_KEY),
              List.of("train", config.toString(), "run_id=documented", "trainer.max_epochs=2"))) {
        assertThat(p.awaitExit()).as("%s", p.log()).isZero();
      }
      try (S3CheckpointStore store =
          new S3CheckpointStore(
              S3ObjectStore.open(
                  new S3Location("my-checkpoints", "team/runs"),
                  server.config(),
                  S3ProxyServer.credentials()),
              Duration.ofSeconds(60),
              null)) {
        StageId stage = new StageId("documented", "train");
        List<StoredCheckpoint> listed = store.list(stage);
        assertThat(listed).extracting(c -> c.tag().token()).contains("latest", "last");
        for (StoredCheckpoint c : listed) {
          store.verify(c);
        }
        assertThat(
                CheckpointResolver.of(store)
                    .resolve(stage, CheckpointSelector.parse("last"))
                    .iteration()
                    .epoch())
            .isEqualTo(2);
      }
    }
  }
}
