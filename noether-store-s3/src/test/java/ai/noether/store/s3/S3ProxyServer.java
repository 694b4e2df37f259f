package ai.noether.store.s3;

import java.net.URI;
import java.nio.file.Path;
import java.util.Properties;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * A real S3Proxy 2.6.0 served in-process on 127.0.0.1 at a random port, backed by jclouds'
 * filesystem blobstore under a directory (so that a test can damage an object's bytes at rest),
 * with AWS V2/V4 signatures checked against fixed credentials.
 */
public final class S3ProxyServer implements AutoCloseable {
  public static final String ACCESS_KEY = "noether-test";
  public static final String SECRET_KEY = "noether-test-secret";

  private final S3Proxy proxy;
  private final BlobStoreContext context;
  private final Path baseDir;

  private S3ProxyServer(Path baseDir, boolean ignoreUnknownHeaders) throws Exception {
    this.baseDir = baseDir;
    Properties properties = new Properties();
    properties.setProperty("jclouds.filesystem.basedir", baseDir.toString());
    context =
        ContextBuilder.newBuilder("filesystem")
            .credentials("unused", "unused")
            .overrides(properties)
            .build(BlobStoreContext.class);
    proxy =
        S3Proxy.builder()
            .blobStore(context.getBlobStore())
            .endpoint(URI.create("http://127.0.0.1:0"))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
            .ignoreUnknownHeaders(ignoreUnknownHeaders)
            .build();
    proxy.start();
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!AbstractLifeCycle.STARTED.equals(proxy.getState())) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("S3Proxy did not start within 30 s: " + proxy.getState());
      }
      Thread.sleep(10);
    }
  }

  public static S3ProxyServer start(Path baseDir) throws Exception {
    return new S3ProxyServer(baseDir, false);
  }

  /**
   * As {@link #start}, but accepting headers S3Proxy 2.6.0 does not know: the SDK's own multipart
   * client (2.57) sends {@code x-amz-mp-object-size}, which S3Proxy otherwise answers with 501.
   */
  public static S3ProxyServer startLenient(Path baseDir) throws Exception {
    return new S3ProxyServer(baseDir, true);
  }

  public void createBucket(String bucket) {
    context.getBlobStore().createContainerInLocation(null, bucket);
  }

  /** Where the filesystem blobstore keeps the bytes of {@code key} in {@code bucket}. */
  public Path file(String bucket, String key) {
    return baseDir.resolve(bucket).resolve(key);
  }

  /** Every blob name in the bucket, the multipart parts S3Proxy stores as hidden blobs included. */
  public java.util.List<String> rawBlobNames(String bucket) {
    java.util.List<String> names = new java.util.ArrayList<>();
    var options = org.jclouds.blobstore.options.ListContainerOptions.Builder.recursive();
    for (var meta : context.getBlobStore().list(bucket, options)) {
      names.add(meta.getName());
    }
    return names;
  }

  public int port() {
    return proxy.getPort();
  }

  public String endpoint() {
    return "http://127.0.0.1:" + port();
  }

  public static StaticCredentialsProvider credentials() {
    return StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY));
  }

  /**
   * A config for this server: path-style, region us-east-1, small parts so that tests stay small.
   */
  public S3StoreConfig config() {
    return new S3StoreConfig(endpoint(), "us-east-1", true, 5, 3, 2, null);
  }

  @Override
  public void close() {
    try {
      proxy.stop();
    } catch (Exception e) {
      throw new IllegalStateException("S3Proxy did not stop", e);
    } finally {
      context.close();
    }
  }
}
