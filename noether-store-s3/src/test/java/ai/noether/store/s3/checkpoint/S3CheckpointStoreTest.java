package ai.noether.store.s3.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.noether.api.checkpoint.CheckpointFile;
import ai.noether.api.checkpoint.CheckpointFileKind;
import ai.noether.api.checkpoint.CheckpointFileName;
import ai.noether.api.checkpoint.CheckpointSelector;
import ai.noether.api.checkpoint.CheckpointStore;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.CorruptCheckpointException;
import ai.noether.api.checkpoint.StageBusyException;
import ai.noether.api.checkpoint.StageClaim;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.StageWriter;
import ai.noether.api.checkpoint.StoreLocation;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.checkpoint.StoredFile;
import ai.noether.api.checkpoint.TrainingIteration;
import ai.noether.api.spi.CheckpointStoreFactory;
import ai.noether.core.resume.CheckpointResolver;
import ai.noether.store.s3.S3Location;
import ai.noether.store.s3.S3ObjectStore;
import ai.noether.store.s3.S3ProxyServer;
import ai.noether.store.s3.S3StoreConfig;
import ai.noether.store.s3.StoredObject;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * What the S3 store does beyond the shared contract, on a real S3Proxy on loopback: faults injected
 * after every object call of a commit, repair of what a dead writer left, verified reads of damaged
 * objects, the lease's take-over rules, and the factory as the configuration finds it.
 */
public class S3CheckpointStoreTest {
  static final TrainingIteration IT1 = new TrainingIteration(1, 10, 320);
  static final TrainingIteration IT2 = new TrainingIteration(2, 20, 640);
  static final String PREFIX = "team/runs";
  @TempDir static Path serverDir;
  static S3ProxyServer server;
  static final AtomicInteger BUCKETS = new AtomicInteger();

  String bucket;
  S3ObjectStore objects;
  S3CheckpointStore store;

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
  void openStore() {
    bucket = "store-" + BUCKETS.incrementAndGet();
    server.createBucket(bucket);
    objects = openObjects();
    store = new S3CheckpointStore(objects, Duration.ofSeconds(30), null);
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  S3ObjectStore openObjects() {
    return S3ObjectStore.open(
        new S3Location(bucket, PREFIX),
        server.config().withConditionalWrites(S3StoreConfig.ConditionalWrites.EMULATED),
        S3ProxyServer.credentials());
  }

  // --- faults between every step of a commit ---------------------------------------------------

  /**
   * For every n, a writer whose object layer fails from its n-th call on commits E2 (6 MiB model
   * file, so a multipart upload, plus optimizer and trainer files) and moves latest over a stage
   * that holds E1. After each fault a reader sees E1 with latest at E1, or E2 complete (latest at
   * E1 or E2), every listed checkpoint verifies; the next writer's repair leaves no data object
   * without a manifest and no unfinished upload, and its commit of E2 succeeds.
   */
  @Test
  void aFaultAfterAnyCallOfACommitNeverShowsAHalfCheckpointAndTheNextWriterRepairs()
      throws Exception {
    int faults = 0;
    for (int n = 1; ; n++) {
      StageId stage = new StageId("fault" + n, "train");
      commitLatest(store, stage, IT1, 1000);
      FaultyObjectLayer faulty = new FaultyObjectLayer(objects);
      S3CheckpointStore writer = new S3CheckpointStore(faulty, Duration.ofSeconds(30), null);
      writer.repair(stage);
      faulty.failFromCall(n);
      boolean committed;
      try {
        commitLatest(writer, stage, IT2, 6 << 20);
        committed = true;
      } catch (IOException | RuntimeException e) {
        assertThat(e).as("call %d: %s", n, faulty.log()).hasStackTraceContaining("injected fault");
        committed = false;
        faults++;
      }
      String context = "fault from call " + n + ": " + faulty.log();

      List<String> seen = describe(store.list(stage));
      assertThat(seen)
          .as(context)
          .isIn(
              List.of("E1_U10_S320", "latest @ E1_U10_S320"),
              List.of("E1_U10_S320", "latest @ E1_U10_S320", "E2_U20_S640"),
              List.of("E1_U10_S320", "E2_U20_S640", "latest @ E2_U20_S640"));
      for (StoredCheckpoint c : store.list(stage)) {
        store.verify(c);
      }
      assertThat(resolve(stage, "latest").files()).as(context).hasSize(3);

      S3CheckpointStore next = new S3CheckpointStore(openObjects(), Duration.ofSeconds(30), null);
      try {
        next.repair(stage);
        assertThat(unreferencedBlobs(stage)).as(context).isEmpty();
        assertThat(objects.unfinishedUploads()).as(context).isEmpty();
        commitLatest(next, stage, IT2, 6 << 20);
        assertThat(resolve(stage, "latest").iteration()).isEqualTo(IT2);
        assertThat(unreferencedBlobs(stage)).as(context).isEmpty();
      } finally {
        next.close();
      }
      if (committed && faulty.log().stream().noneMatch(l -> l.contains("FAILED"))) {
        assertThat(faults)
            .as("faults injected before the commit went through untouched")
            .isGreaterThanOrEqualTo(6);
        return;
      }
    }
  }

  @Test
  void repairAbortsUnfinishedUploadsAndDeletesDataObjectsWithoutAManifest() throws Exception {
    StageId stage = new StageId("run1", "train");
    commitLatest(store, stage, IT1, 100);
    String data = S3StageKeys.dataDir(stage);
    objects.put(data + "0-0.mlp_cp=E2_U20_S640_model.th.blob", new byte[] {1, 2, 3});
    try (S3Client client = client()) {
      String key = objects.location().key(data + "0-1.mlp_cp=E2_U20_S640_optim.th.blob");
      String upload = client.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
      client.uploadPart(
          b -> b.bucket(bucket).key(key).uploadId(upload).partNumber(1),
          RequestBody.fromBytes(new byte[100]));
      // Another stage's upload in flight is not this stage's debris.
      String otherKey =
          objects.location().key(S3StageKeys.dataDir(new StageId("run2", "train")) + "x.blob");
      String other = client.createMultipartUpload(b -> b.bucket(bucket).key(otherKey)).uploadId();
      assertThat(objects.unfinishedUploads()).hasSize(2);

      S3CheckpointStore next = new S3CheckpointStore(openObjects(), Duration.ofSeconds(30), null);
      next.repair(stage);
      next.close();

      assertThat(unreferencedBlobs(stage)).isEmpty();
      assertThat(objects.unfinishedUploads())
          .singleElement()
          .satisfies(u -> assertThat(u.uploadId()).isEqualTo(other));
      assertThat(describe(store.list(stage)))
          .containsExactly("E1_U10_S320", "latest @ E1_U10_S320");
      store.verify(resolve(stage, "latest"));
    }
  }

  @Test
  void aByteFlippedInADataObjectIsRefusedByOpenAndVerifyNamingTheFileAndTheObject()
      throws Exception {
    StageId stage = new StageId("run1", "train");
    StoredCheckpoint c = commitLatest(store, stage, IT1, 5000);
    StoredObject blob =
        objects.list(S3StageKeys.dataDir(stage)).stream()
            .filter(o -> o.key().contains("_optim.th"))
            .findFirst()
            .orElseThrow();
    Path file = server.file(bucket, blob.key());
    byte[] bytes = Files.readAllBytes(file);
    bytes[1234] ^= 0x10;
    Files.write(file, bytes);

    StoredCheckpoint latest = resolve(stage, "latest");
    StoredFile optim = latest.file("mlp", null, CheckpointFileKind.OPTIM).orElseThrow();
    assertThatThrownBy(() -> store.open(latest, optim))
        .isInstanceOf(CorruptCheckpointException.class)
        .hasMessageContaining(
            "s3://" + bucket + "/" + PREFIX + "/run1/train/checkpoints/mlp_cp=latest_optim.th")
        .hasMessageContaining("of checkpoint latest @ E1_U10_S320 is corrupt")
        .hasMessageContaining(blob.key());
    assertThatThrownBy(() -> store.verify(c)).isInstanceOf(CorruptCheckpointException.class);
    try (SeekableByteChannel in =
        store.open(latest, latest.file("mlp", null, CheckpointFileKind.MODEL).orElseThrow())) {
      assertThat(in.size()).isEqualTo(5000);
    }
    assertThat(store.sharing(latest, optim)).containsExactly(CheckpointTag.at(IT1));
  }

  @Test
  void aManifestEditedOnTheServerIsListedAsUnreadableWithTheReason() throws Exception {
    StageId stage = new StageId("run1", "train");
    commitLatest(store, stage, IT1, 100);
    String name = S3StageKeys.manifest(stage, CheckpointTag.LATEST);
    String json =
        new String(objects.readBytes(name), StandardCharsets.UTF_8)
            .replace("\"update\" : 10", "\"update\" : 18");
    objects.put(
        name, json.getBytes(StandardCharsets.UTF_8)); // a consistent object, a changed manifest

    assertThat(describe(store.list(stage))).containsExactly("E1_U10_S320");
    assertThat(store.contents(stage).unreadable()).containsOnlyKeys(CheckpointTag.LATEST);
    assertThatThrownBy(() -> resolve(stage, "latest"))
        .isInstanceOf(CorruptCheckpointException.class)
        .hasMessageContaining("does not match its own checksum");
  }

  @Test
  void aRangeOfAVerifiedFileIsReadWithOneRangedRequest() throws Exception {
    StageId stage = new StageId("run1", "train");
    StoredCheckpoint c =
        store.commit(
            stage, CheckpointTag.at(IT1), IT1, files(CheckpointTag.at(IT1), 9000), Set.of());
    StoredFile f = c.files().get(0);
    ByteBuffer whole = store.read(c, f, 0, 9000);
    FaultyObjectLayer counting = new FaultyObjectLayer(objects);
    S3CheckpointStore reader = new S3CheckpointStore(counting, Duration.ofSeconds(30), null);
    reader.verify(c);
    counting.failFromCall(Integer.MAX_VALUE);
    ByteBuffer range = reader.read(c, f, 100, 50);
    assertThat(counting.log())
        .as("the manifest, then the range")
        .hasSize(2)
        .last()
        .asString()
        .contains("readRange");
    assertThat(range).isEqualTo(whole.slice(100, 50));
  }

  // --- the lease ------------------------------------------------------------------------------

  @Test
  void aLeaseOfAProcessThatNoLongerRunsOnThisHostIsTakenOverAtOnce() throws Exception {
    StageId stage = new StageId("run1", "train");
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    StageWriter dead =
        new StageWriter(gone.pid(), LocalHost.NAME, Instant.now(), "noether train a.yaml");
    store.claim(stage, dead); // never closed: the process "was killed"
    try (StageClaim claim =
        new S3CheckpointStore(openObjects(), Duration.ofSeconds(30), null)
            .claim(stage, writer(ProcessHandle.current().pid(), LocalHost.NAME))) {
      assertThat(claim.stage()).isEqualTo(stage);
      String lease =
          new String(objects.readBytes(S3StageLease.name(stage)), StandardCharsets.UTF_8);
      assertThat(lease).contains("pid: " + ProcessHandle.current().pid());
    }
    assertThat(objects.head(S3StageLease.name(stage)))
        .as("closing the claim deletes the lease")
        .isEmpty();
  }

  @Test
  void aLiveLeaseOnAnotherHostIsRefusedNamingItsHolderUntilItExpires() throws Exception {
    StageId stage = new StageId("run1", "train");
    FaultyObjectLayer holderLink = new FaultyObjectLayer(openObjects());
    S3CheckpointStore shortLeases = new S3CheckpointStore(holderLink, Duration.ofSeconds(5), null);
    shortLeases.claim(stage, writer(4242, "node17"));
    assertThatThrownBy(() -> store.claim(stage, writer(4343, "node18")))
        .isInstanceOf(StageBusyException.class)
        .hasMessageContaining(
            "stage run1/train in s3://"
                + bucket
                + "/"
                + PREFIX
                + "/ is being trained by another process "
                + "(pid 4242 on host node17")
        .hasMessageContaining("command: noether train a.yaml")
        .hasMessageContaining("expires at")
        .hasMessageContaining("store.lease_seconds");
    // Renewed while held: still refused after the first lease period.
    Thread.sleep(6000);
    assertThatThrownBy(() -> store.claim(stage, writer(4343, "node18")))
        .isInstanceOf(StageBusyException.class);
    // The holder "dies" (its renewals stop, its lease stays): expired, then taken over.
    holderLink.failFromCall(1);
    Thread.sleep(5500);
    try (StageClaim claim = store.claim(stage, writer(4343, "node18"))) {
      assertThat(new String(objects.readBytes(S3StageLease.name(stage)), StandardCharsets.UTF_8))
          .contains("pid: 4343");
    }
  }

  // --- the factory ----------------------------------------------------------------------------

  @Test
  void theS3KindIsFoundThroughTheServiceLoaderForTheS3SchemeAndBindsItsKeys() throws Exception {
    CheckpointStoreFactory<?> factory =
        ServiceLoader.load(CheckpointStoreFactory.class).stream()
            .map(ServiceLoader.Provider::get)
            .filter(f -> f.schemes().contains("s3"))
            .findFirst()
            .orElseThrow();
    assertThat(factory).isInstanceOf(S3CheckpointStoreFactory.class);
    assertThat(factory.kind()).isEqualTo("s3");
    S3StoreConfig config =
        new YAMLMapper()
            .readValue(
                "endpoint: "
                    + server.endpoint()
                    + "\nregion: us-east-1\n"
                    + "path_style: true\nlease_seconds: 20\nconditional_writes: emulated\n",
                S3StoreConfig.class);
    assertThat(config.leaseSeconds()).isEqualTo(20);
    assertThat(new YAMLMapper().readValue("{}", S3StoreConfig.class).leaseSeconds()).isEqualTo(60);
    System.setProperty("aws.accessKeyId", S3ProxyServer.ACCESS_KEY);
    System.setProperty("aws.secretAccessKey", S3ProxyServer.SECRET_KEY);
    try (CheckpointStore s3 =
        ((S3CheckpointStoreFactory) factory)
            .create(config, new StoreLocation(URI.create("s3://" + bucket + "/" + PREFIX)), null)) {
      StageId stage = new StageId("run1", "train");
      commitLatest(s3, stage, IT1, 10);
      assertThat(s3.location()).isEqualTo("s3://" + bucket + "/" + PREFIX);
      assertThat(s3.location(stage))
          .isEqualTo("s3://" + bucket + "/" + PREFIX + "/run1/train/checkpoints");
    } finally {
      System.clearProperty("aws.accessKeyId");
      System.clearProperty("aws.secretAccessKey");
    }
    assertThat(store.runs()).containsExactly("run1");
    assertThat(
            objects.list("run1/train/checkpoints/.noether/").stream()
                .map(StoredObject::key)
                .filter(k -> k.endsWith(".manifest"))
                .toList())
        .containsExactlyInAnyOrder(
            PREFIX + "/run1/train/checkpoints/.noether/E1_U10_S320.manifest",
            PREFIX + "/run1/train/checkpoints/.noether/latest.manifest");
  }

  // --- helpers --------------------------------------------------------------------------------

  static StageWriter writer(long pid, String host) {
    return new StageWriter(
        pid, host, Instant.parse("2026-03-15T14:22:33Z"), "noether train a.yaml");
  }

  StoredCheckpoint resolve(StageId stage, String selector) throws IOException {
    return CheckpointResolver.of(store).resolve(stage, CheckpointSelector.parse(selector));
  }

  static List<String> describe(List<StoredCheckpoint> checkpoints) {
    return checkpoints.stream().map(StoredCheckpoint::describe).toList();
  }

  List<String> unreferencedBlobs(StageId stage) throws IOException {
    StringBuilder manifests = new StringBuilder();
    for (StoredObject o : objects.list(S3StageKeys.storeDir(stage))) {
      if (o.key().endsWith(".manifest")) {
        manifests.append(
            new String(
                objects.readBytes(o.key().substring(objects.location().prefix().length())),
                StandardCharsets.UTF_8));
      }
    }
    List<String> orphans = new ArrayList<>();
    for (StoredObject o : objects.list(S3StageKeys.dataDir(stage))) {
      String blob = o.key().substring(o.key().lastIndexOf('/') + 1);
      if (manifests.indexOf(blob) < 0) {
        orphans.add(blob);
      }
    }
    return orphans;
  }

  S3Client client() {
    return ai.noether.store.s3.internal.S3ClientFactory.create(
        server.config(), S3ProxyServer.credentials());
  }

  /** Commits the files of {@link #files} at {@code it}, tagged with its iteration and latest. */
  static StoredCheckpoint commitLatest(
      CheckpointStore store, StageId stage, TrainingIteration it, int modelSize)
      throws IOException {
    return store.commit(
        stage,
        CheckpointTag.at(it),
        it,
        files(CheckpointTag.at(it), modelSize),
        Set.of(CheckpointTag.LATEST));
  }

  public static List<CheckpointFile> files(CheckpointTag tag, int modelSize) {
    List<CheckpointFile> files = new ArrayList<>();
    files.add(new Pattern(CheckpointFileName.of("mlp", tag, CheckpointFileKind.MODEL), modelSize));
    files.add(new Pattern(CheckpointFileName.of("mlp", tag, CheckpointFileKind.OPTIM), 5000));
    files.add(new Pattern(CheckpointFileName.of("mlp", tag, CheckpointFileKind.TRAINER), 700));
    return files;
  }

  /** Bytes that depend on the position and the file kind. */
  record Pattern(CheckpointFileName name, long size) implements CheckpointFile {
    @Override
    public void writeTo(WritableByteChannel out) throws IOException {
      byte[] chunk = new byte[64 * 1024];
      for (long off = 0; off < size; off += chunk.length) {
        int n = (int) Math.min(chunk.length, size - off);
        for (int i = 0; i < n; i++) {
          chunk[i] = (byte) ((off + i) * 31 + name.kind().ordinal());
        }
        ByteBuffer b = ByteBuffer.wrap(chunk, 0, n);
        while (b.hasRemaining()) {
          out.write(b);
        }
      }
    }
  }
}
