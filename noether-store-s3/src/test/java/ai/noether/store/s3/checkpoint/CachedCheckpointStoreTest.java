package ai.noether.store.s3.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.api.checkpoint.CheckpointSelector;
import ai.noether.api.checkpoint.CheckpointStore;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.checkpoint.TrainingIteration;
import ai.noether.core.resume.CheckpointResolver;
import ai.noether.core.store.FileCheckpointStore;
import ai.noether.store.s3.S3Location;
import ai.noether.store.s3.S3ObjectStore;
import ai.noether.store.s3.S3ProxyServer;
import ai.noether.store.s3.S3StoreConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local cache tier: saves land on local disk at once and reach the bucket in the background; a
 * machine with an empty cache resumes from the bucket; a bucket that cannot be reached does not
 * fail a save, and what it missed is uploaded when the stage's next writer starts; reads take the
 * newer tier per tag.
 */
class CachedCheckpointStoreTest {
  static final StageId STAGE = new StageId("run1", "train");
  static final TrainingIteration IT1 = new TrainingIteration(1, 10, 320);
  static final TrainingIteration IT2 = new TrainingIteration(2, 20, 640);
  static final TrainingIteration IT3 = new TrainingIteration(3, 30, 960);
  @TempDir static Path serverDir;
  static S3ProxyServer server;
  static final AtomicInteger BUCKETS = new AtomicInteger();

  @TempDir Path dir;
  String bucket;

  @BeforeAll
  static void startServer() throws Exception {
    server = S3ProxyServer.start(serverDir);
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @BeforeEach
  void newBucket() {
    bucket = "cache-" + BUCKETS.incrementAndGet();
    server.createBucket(bucket);
  }

  S3ObjectStore objects() {
    return S3ObjectStore.open(
        new S3Location(bucket, "runs"),
        server.config().withConditionalWrites(S3StoreConfig.ConditionalWrites.EMULATED),
        S3ProxyServer.credentials());
  }

  S3CheckpointStore bucketOnly() {
    return new S3CheckpointStore(objects(), Duration.ofSeconds(30), null);
  }

  CachedCheckpointStore cached(String machine) {
    return new CachedCheckpointStore(FileCheckpointStore.open(dir.resolve(machine)), bucketOnly());
  }

  @Test
  void aSaveLandsInTheCacheAndReachesTheBucketWhereAnotherMachineWithAnEmptyCacheResumesFromIt()
      throws Exception {
    byte[] expected;
    try (CachedCheckpointStore a = cached("machine-a")) {
      StoredCheckpoint c =
          a.commit(
              STAGE,
              CheckpointTag.at(IT1),
              IT1,
              S3CheckpointStoreTest.files(CheckpointTag.at(IT1), 6 << 20),
              Set.of(CheckpointTag.LATEST));
      assertThat(a.local().list(STAGE)).extracting(x -> x.tag().token()).contains("latest");
      assertThat(
              Files.exists(dir.resolve("machine-a/run1/train/checkpoints/mlp_cp=latest_model.th")))
          .isTrue();
      expected = read(a, resolve(a, "latest"));
      a.flush();
      try (S3CheckpointStore bucketView = bucketOnly()) {
        StoredCheckpoint inBucket = resolve(bucketView, "latest");
        assertThat(inBucket.files())
            .extracting(f -> f.size() + "/" + f.crc32c())
            .isEqualTo(c.files().stream().map(f -> f.size() + "/" + f.crc32c()).toList());
        bucketView.verify(inBucket);
      }
    }
    try (CachedCheckpointStore b = cached("machine-b")) {
      StoredCheckpoint latest = resolve(b, "latest");
      assertThat(latest.iteration()).isEqualTo(IT1);
      b.verify(latest);
      assertThat(read(b, latest)).isEqualTo(expected);
      assertThat(b.local().list(STAGE)).as("nothing was read into machine b's cache").isEmpty();
    }
  }

  @Test
  void aBucketThatCannotBeReachedFailsNoSaveAndTheNextWriterUploadsWhatItMissed() throws Exception {
    FaultyObjectLayer down = new FaultyObjectLayer(objects());
    try (CachedCheckpointStore a =
        new CachedCheckpointStore(
            FileCheckpointStore.open(dir.resolve("machine-a")),
            new S3CheckpointStore(down, Duration.ofSeconds(30), null))) {
      a.commit(
          STAGE,
          CheckpointTag.at(IT1),
          IT1,
          S3CheckpointStoreTest.files(CheckpointTag.at(IT1), 1000),
          Set.of(CheckpointTag.LATEST));
      a.flush();
      down.failFromCall(1); // the server goes away
      a.commit(
          STAGE,
          CheckpointTag.at(IT2),
          IT2,
          S3CheckpointStoreTest.files(CheckpointTag.at(IT2), 1000),
          Set.of(CheckpointTag.LATEST));
      a.flush();
      assertThat(a.lastUploadFailure()).get().asString().contains("injected fault");
      assertThat(a.local().list(STAGE))
          .extracting(c -> c.describe())
          .contains("latest @ E2_U20_S640");
    }
    try (S3CheckpointStore bucketView = bucketOnly()) {
      assertThat(resolve(bucketView, "latest").iteration())
          .as("the bucket missed E2")
          .isEqualTo(IT1);
    }
    // The same machine starts again: the cache holds E2, resume takes it, and the repair uploads
    // it.
    try (CachedCheckpointStore again = cached("machine-a")) {
      assertThat(resolve(again, "latest").iteration()).isEqualTo(IT2);
      again.repair(STAGE);
      again.flush();
      try (S3CheckpointStore bucketView = bucketOnly()) {
        assertThat(resolve(bucketView, "latest").iteration()).isEqualTo(IT2);
        for (StoredCheckpoint c : bucketView.list(STAGE)) {
          bucketView.verify(c);
        }
      }
    }
  }

  @Test
  void aStaleCacheGivesWayToTheNewerCheckpointInTheBucket() throws Exception {
    try (CachedCheckpointStore a = cached("machine-a")) {
      a.commit(
          STAGE,
          CheckpointTag.at(IT1),
          IT1,
          S3CheckpointStoreTest.files(CheckpointTag.at(IT1), 100),
          Set.of(CheckpointTag.LATEST));
    }
    // Machine b continued the run meanwhile.
    try (CachedCheckpointStore b = cached("machine-b")) {
      b.commit(
          STAGE,
          CheckpointTag.at(IT3),
          IT3,
          S3CheckpointStoreTest.files(CheckpointTag.at(IT3), 100),
          Set.of(CheckpointTag.LATEST));
    }
    try (CachedCheckpointStore a = cached("machine-a")) {
      StoredCheckpoint latest = resolve(a, "latest");
      assertThat(latest.iteration()).isEqualTo(IT3);
      a.verify(latest);
      assertThat(read(a, latest)).hasSize(100);
    }
  }

  static StoredCheckpoint resolve(CheckpointStore store, String selector) throws IOException {
    return CheckpointResolver.of(store).resolve(STAGE, CheckpointSelector.parse(selector));
  }

  static byte[] read(CheckpointStore store, StoredCheckpoint c) throws IOException {
    try (SeekableByteChannel in = store.open(c, c.files().get(0))) {
      ByteBuffer b = ByteBuffer.allocate((int) in.size());
      while (b.hasRemaining() && in.read(b) >= 0) {
        // read all
      }
      return b.array();
    }
  }
}
