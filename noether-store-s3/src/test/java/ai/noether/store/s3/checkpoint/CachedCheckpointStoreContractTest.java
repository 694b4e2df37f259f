package ai.noether.store.s3.checkpoint;

import ai.noether.api.checkpoint.CheckpointStore;
import ai.noether.core.store.FileCheckpointStore;
import ai.noether.store.s3.S3Location;
import ai.noether.store.s3.S3ObjectStore;
import ai.noether.store.s3.S3ProxyServer;
import ai.noether.store.s3.S3StoreConfig;
import ai.noether.testkit.CheckpointStoreContract;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The store contract against the S3 store behind its local cache tier, uploads still in flight. */
class CachedCheckpointStoreContractTest extends CheckpointStoreContract {
  @TempDir static Path dir;
  static S3ProxyServer server;
  static final AtomicInteger BUCKETS = new AtomicInteger();

  @BeforeAll
  static void startServer() throws Exception {
    server = S3ProxyServer.start(dir.resolve("s3"));
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @Override
  protected CheckpointStore newStore() {
    String bucket = "cached-" + BUCKETS.incrementAndGet();
    server.createBucket(bucket);
    S3ObjectStore objects =
        S3ObjectStore.open(
            new S3Location(bucket, "runs"),
            server.config().withConditionalWrites(S3StoreConfig.ConditionalWrites.EMULATED),
            S3ProxyServer.credentials());
    return new CachedCheckpointStore(
        FileCheckpointStore.open(dir.resolve("cache-" + bucket)),
        new S3CheckpointStore(objects, Duration.ofSeconds(30), null));
  }
}
