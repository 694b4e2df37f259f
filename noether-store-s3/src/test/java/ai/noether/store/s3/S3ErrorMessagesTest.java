package ai.noether.store.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * What a user reads when the endpoint, the bucket, the credentials or the request rate are wrong:
 * each against a real server (S3Proxy, a closed port, a real throttling HTTP hop).
 */
class S3ErrorMessagesTest {
  static final String BUCKET = "noether-errors";

  @TempDir static Path serverDir;
  static S3ProxyServer server;

  @BeforeAll
  static void startServer() throws Exception {
    server = S3ProxyServer.start(serverDir);
    server.createBucket(BUCKET);
  }

  @AfterAll
  static void stopServer() throws Exception {
    server.close();
  }

  @Test
  void anEndpointWhereNothingListensNamesTheEndpointAndSaysToCheckIt() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    S3StoreConfig config =
        new S3StoreConfig("http://127.0.0.1:" + closedPort, "us-east-1", true, null, null, 1, null);
    assertThatThrownBy(
            () ->
                S3ObjectStore.open(
                    new S3Location(BUCKET, "p"), config, S3ProxyServer.credentials()))
        .isInstanceOf(S3StoreException.class)
        .hasMessageContaining("http://127.0.0.1:" + closedPort)
        .hasMessageContaining("bucket " + BUCKET)
        .hasMessageContaining("cannot be reached")
        .hasMessageContaining("store.endpoint");
  }

  @Test
  void aMissingBucketIsNamedWithHowToCreateIt() {
    assertThatThrownBy(
            () ->
                S3ObjectStore.open(
                    new S3Location("no-such-bucket", "p"),
                    server.config(),
                    S3ProxyServer.credentials()))
        .isInstanceOf(S3StoreException.class)
        .hasMessageContaining("bucket no-such-bucket does not exist at " + server.endpoint())
        .hasMessageContaining("aws s3 mb s3://no-such-bucket");
  }

  @Test
  void deniedCredentialsSayWhereCredentialsComeFrom() {
    var wrong =
        StaticCredentialsProvider.create(
            AwsBasicCredentials.create(S3ProxyServer.ACCESS_KEY, "wrong-secret"));
    assertThatThrownBy(
            () -> S3ObjectStore.open(new S3Location(BUCKET, "p"), server.config(), wrong))
        .isInstanceOf(S3StoreException.class)
        .hasMessageContaining(BUCKET)
        .hasMessageContaining(server.endpoint())
        .hasMessageContaining("was denied (HTTP 403")
        .hasMessageContaining("AWS_ACCESS_KEY_ID");
    var unknown =
        StaticCredentialsProvider.create(AwsBasicCredentials.create("nobody", "wrong-secret"));
    assertThatThrownBy(
            () -> S3ObjectStore.open(new S3Location(BUCKET, "p"), server.config(), unknown))
        .isInstanceOf(S3StoreException.class)
        .hasMessageContaining("was denied");
  }

  @Test
  void throttledRequestsAreRetriedWithBackoffAndSucceed() throws Exception {
    try (ThrottlingProxy proxy = new ThrottlingProxy(server.port());
        S3ObjectStore store =
            S3ObjectStore.open(
                new S3Location(BUCKET, "throttled"),
                new S3StoreConfig(proxy.endpoint(), "us-east-1", true, 5, 2, 4, null),
                S3ProxyServer.credentials())) {
      proxy.throttleNext(3);
      store.put("pointer", "E1".getBytes());
      assertThat(proxy.throttled()).isEqualTo(3);

      // A multipart upload whose parts are throttled too: each part is retried from its buffer.
      byte[] data = S3ObjectStoreTest.random(11 * 1024 * 1024, 9);
      proxy.throttleNext(4);
      StoredObject big = store.upload("big.th", data.length, ch -> ch.write(ByteBuffer.wrap(data)));
      assertThat(proxy.throttled()).isEqualTo(4);
      var out = new java.io.ByteArrayOutputStream();
      store.read("big.th", java.nio.channels.Channels.newChannel(out), big.crc32c());
      assertThat(out.toByteArray()).isEqualTo(data);
      assertThat(store.readBytes("pointer")).isEqualTo("E1".getBytes());
    }
  }

  @Test
  void throttlingThatOutlastsTheRetriesGivesAClearError() throws Exception {
    try (ThrottlingProxy proxy = new ThrottlingProxy(server.port());
        S3ObjectStore store =
            S3ObjectStore.open(
                new S3Location(BUCKET, "throttled"),
                new S3StoreConfig(proxy.endpoint(), "us-east-1", true, 5, 2, 2, null),
                S3ProxyServer.credentials())) {
      proxy.throttleNext(1000);
      assertThatThrownBy(() -> store.put("pointer", "E1".getBytes()))
          .isInstanceOf(S3ThrottledException.class)
          .hasMessageContaining("s3://" + BUCKET + "/throttled/pointer at " + proxy.endpoint())
          .hasMessageContaining("HTTP 503 SlowDown) on all 3 attempts")
          .hasMessageContaining("upload_parallelism")
          .hasMessageContaining("max_retries");
      // max_retries: 2 means three requests in all, then the error: no endless retrying.
      assertThat(proxy.throttled()).isEqualTo(3);
    }
  }
}
