package ai.noether.store.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.TrainingIteration;
import ai.noether.core.cli.NoetherCli;
import ai.noether.store.s3.checkpoint.S3CheckpointStore;
import ai.noether.store.s3.checkpoint.S3CheckpointStoreTest;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user sees when the bucket cannot be used, through the command line and through a save: a
 * bad endpoint, a missing bucket and refused credentials each give one clear message and exit
 * status 1, never a stack trace; a throttled save is retried with backoff and succeeds, and one
 * that stays throttled fails the save with the throttling named and the earlier checkpoints intact.
 */
class S3StoreErrorsTest {
  static final String BUCKET = "errors";
  @TempDir static Path serverDir;
  static S3ProxyServer server;

  @BeforeAll
  static void startServer() throws Exception {
    server = S3ProxyServer.start(serverDir);
    server.createBucket(BUCKET);
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @AfterEach
  void clearProperties() {
    for (String p :
        new String[] {
          "aws.endpointUrlS3", "aws.accessKeyId", "aws.secretAccessKey", "aws.region"
        }) {
      System.clearProperty(p);
    }
  }

  record Result(int status, String err) {}

  static Result runs(Path dir, String endpoint, String secret, String outputDir) {
    System.setProperty("aws.endpointUrlS3", endpoint);
    System.setProperty("aws.accessKeyId", S3ProxyServer.ACCESS_KEY);
    System.setProperty("aws.secretAccessKey", secret);
    System.setProperty("aws.region", "us-east-1");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status =
        new NoetherCli()
            .execute(new PrintWriter(out), new PrintWriter(err), "runs", "--output-dir", outputDir);
    return new Result(status, err.toString());
  }

  @Test
  void aMissingBucketABadEndpointAndRefusedCredentialsEachGiveOneClearMessage(@TempDir Path dir) {
    Result missing =
        runs(dir, server.endpoint(), S3ProxyServer.SECRET_KEY, "s3://no-such-bucket/runs");
    assertThat(missing.status()).as(missing.err()).isEqualTo(NoetherCli.FAILURE);
    assertThat(missing.err())
        .contains("bucket no-such-bucket does not exist at " + server.endpoint())
        .doesNotContain("Exception")
        .doesNotContain("\tat ");

    Result closed =
        runs(dir, "http://127.0.0.1:1", S3ProxyServer.SECRET_KEY, "s3://" + BUCKET + "/runs");
    assertThat(closed.status()).as(closed.err()).isEqualTo(NoetherCli.FAILURE);
    assertThat(closed.err())
        .contains("http://127.0.0.1:1")
        .contains("cannot be reached")
        .contains("endpoint")
        .doesNotContain("\tat ");

    Result denied = runs(dir, server.endpoint(), "wrong-secret", "s3://" + BUCKET + "/runs");
    assertThat(denied.status()).as(denied.err()).isEqualTo(NoetherCli.FAILURE);
    assertThat(denied.err())
        .contains("was denied (HTTP 403")
        .contains("AWS_ACCESS_KEY_ID")
        .doesNotContain("\tat ");

    Result fine =
        runs(dir, server.endpoint(), S3ProxyServer.SECRET_KEY, "s3://" + BUCKET + "/runs");
    assertThat(fine.status()).as(fine.err()).isZero();
  }

  @Test
  void aThrottledSaveIsRetriedAndOneThatStaysThrottledFailsLeavingEarlierCheckpoints()
      throws Exception {
    StageId stage = new StageId("run1", "train");
    TrainingIteration it1 = new TrainingIteration(1, 10, 320);
    TrainingIteration it2 = new TrainingIteration(2, 20, 640);
    try (ThrottlingProxy proxy = new ThrottlingProxy(server.port());
        S3CheckpointStore store =
            new S3CheckpointStore(
                S3ObjectStore.open(
                    new S3Location(BUCKET, "throttled"),
                    new S3StoreConfig(
                        proxy.endpoint(),
                        "us-east-1",
                        true,
                        5,
                        2,
                        3,
                        S3StoreConfig.ConditionalWrites.EMULATED),
                    S3ProxyServer.credentials()),
                Duration.ofSeconds(30),
                null)) {
      proxy.throttleNext(3);
      store.commit(
          stage,
          CheckpointTag.at(it1),
          it1,
          S3CheckpointStoreTest.files(CheckpointTag.at(it1), 6 << 20),
          Set.of(CheckpointTag.LATEST));
      assertThat(proxy.throttled()).isEqualTo(3);

      proxy.throttleNext(100_000);
      assertThatThrownBy(
              () ->
                  store.commit(
                      stage,
                      CheckpointTag.at(it2),
                      it2,
                      S3CheckpointStoreTest.files(CheckpointTag.at(it2), 1000),
                      Set.of(CheckpointTag.LATEST)))
          .isInstanceOf(IOException.class)
          .hasMessageContaining(
              "checkpoint E2_U20_S640 of run1/train was not committed to s3://"
                  + BUCKET
                  + "/throttled/")
          .hasMessageContaining("was throttled by the server (HTTP 503 SlowDown) on all 4 attempts")
          .hasMessageContaining("Earlier checkpoints are intact");
      proxy.throttleNext(0);
      assertThat(store.list(stage))
          .extracting(c -> c.describe())
          .containsExactly("E1_U10_S320", "latest @ E1_U10_S320");
      for (var c : store.list(stage)) {
        store.verify(c);
      }
    }
  }
}
