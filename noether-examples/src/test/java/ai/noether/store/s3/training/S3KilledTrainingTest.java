package ai.noether.store.s3.training;

import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.api.checkpoint.CheckpointKeys;
import ai.noether.api.checkpoint.CheckpointSelector;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.checkpoint.StoredFile;
import ai.noether.api.tensor.HostTensor;
import ai.noether.core.format.th.ThReader;
import ai.noether.core.resume.CheckpointResolver;
import ai.noether.store.s3.S3Location;
import ai.noether.store.s3.S3ObjectStore;
import ai.noether.store.s3.S3ProxyServer;
import ai.noether.store.s3.S3StoreConfig;
import ai.noether.store.s3.StoredObject;
import ai.noether.store.s3.checkpoint.S3CheckpointStore;
import ai.noether.testkit.NoetherProcess;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quickstart trained into {@code s3://} on a real S3Proxy in this JVM, by child processes that
 * are killed with {@code kill -9} at random updates and, every other time, while a checkpoint
 * upload is in flight (a multipart upload started, or data objects not yet listed by a manifest).
 * The same command ({@code train --resume-if-exists}) is started again after each kill, as a
 * requeued job would be. After every kill the bucket alone must resolve {@code latest} to a
 * complete checkpoint whose every file verifies, and {@code latest} never goes back. The run is
 * finished by {@code noether resume} on "another machine": a fresh working directory with no local
 * state, the bucket only. Its final checkpoint (weights, EMA weights, optimizer, trainer state)
 * must equal, bit for bit, the one of the same configuration trained without interruption.
 *
 * <p>The model is widened to 1024×1024 hidden units so that the optimizer file (8 MiB) goes up in
 * two 5 MiB parts, and checkpoints every 32 updates keep uploads in flight much of the time.
 */
class S3KilledTrainingTest {
  static final Path QUICKSTART =
      Path.of("../noether-examples/configs/quickstart.yaml").toAbsolutePath().normalize();
  static final String BUCKET = "checkpoints";
  static final StageId STAGE = new StageId("job", "train");
  static final int EPOCHS = 4;
  static final List<String> VARIANT =
      List.of(
          "model.hidden_sizes=[1024, 1024]",
          "trainer.max_epochs=" + EPOCHS,
          "trainer.log_every_n_updates=1",
          "trainer.callbacks[0].every_n_updates=32",
          "store.part_size_mib=5");
  static final String TOTAL = "E4_U256_S8192";

  @TempDir static Path shared;
  static S3ProxyServer server;
  static Map<String, Map<String, String>> uninterrupted;

  @BeforeAll
  static void trainWithoutInterruption() throws Exception {
    server = S3ProxyServer.start(shared.resolve("s3"));
    server.createBucket(BUCKET);
    try (NoetherProcess p = train(shared.resolve("reference"), "reference")) {
      assertThat(p.awaitExit()).as("%s", p.log()).isZero();
    }
    uninterrupted = finalState("reference");
    assertThat(uninterrupted).isNotEmpty();
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void threeKillsDuringTrainingAndUploadsThenResumeOnAnotherMachineEndBitForBit(@TempDir Path dir)
      throws Exception {
    killAndResume(dir, "killed3", 3, EPOCHS * 64 / 4);
  }

  @Test
  @Tag("slow")
  void twentyKillsDuringTrainingAndUploadsThenResumeOnAnotherMachineEndBitForBit(@TempDir Path dir)
      throws Exception {
    killAndResume(dir, "killed20", 20, EPOCHS * 64 / 21);
  }

  private void killAndResume(Path dir, String prefix, int kills, int window) throws Exception {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    Path machine = dir.resolve("machine-a");
    Path history =
        machine.resolve(".noether-work/s3/" + BUCKET + "/" + prefix + "/job/train/history.jsonl");
    List<String> story = new ArrayList<>();
    int duringUploads = 0;
    int leftovers = 0;
    Long latestBefore = null;
    try (S3ObjectStore objects = objects(prefix);
        S3CheckpointStore reader =
            new S3CheckpointStore(objects(prefix), Duration.ofSeconds(60), null)) {
      NoetherProcess p = train(machine, prefix);
      try {
        for (int kill = 0; kill < kills; kill++) {
          boolean upload = kill % 2 == 1;
          String why;
          if (upload) {
            Optional<String> inFlight = awaitUpload(p, objects);
            Thread.sleep(random.nextInt(60));
            why = "during an upload (" + inFlight.orElseThrow() + ")";
          } else {
            long target = (long) kill * window + 1 + random.nextInt(window);
            p.awaitUpdate(history, target);
            why = "at update " + NoetherProcess.lastUpdate(history);
          }
          p.killHard();
          Optional<String> debris = debris(objects);
          duringUploads += upload ? 1 : 0;
          leftovers += debris.isPresent() ? 1 : 0;
          story.add("kill -9 " + why + debris.map(d -> ", left " + d).orElse(""));
          String context = "seed " + seed + ": " + String.join("; ", story);

          // Every state the bucket is left in resolves to a complete checkpoint that verifies.
          List<StoredCheckpoint> listed = reader.list(STAGE);
          for (StoredCheckpoint c : listed) {
            reader.verify(c);
          }
          if (!listed.isEmpty()) {
            StoredCheckpoint latest =
                CheckpointResolver.of(reader).resolve(STAGE, CheckpointSelector.parse("latest"));
            assertThat(latest.files()).as(context).hasSizeGreaterThanOrEqualTo(3);
            if (latestBefore != null) {
              assertThat(latest.iteration().update())
                  .as("latest never goes back; %s", context)
                  .isGreaterThanOrEqualTo(latestBefore);
            }
            latestBefore = latest.iteration().update();
          }
          p = train(machine, prefix);
        }
        // The last life on machine A is killed too; machine B finishes from the bucket alone.
        p.awaitUpdate(history, NoetherProcess.lastUpdate(history) + 1);
        p.killHard();
      } finally {
        p.close();
      }
      String context = "seed " + seed + ": " + String.join("; ", story);

      Path machineB = dir.resolve("machine-b");
      try (NoetherProcess b =
          start(
              machineB,
              environment(),
              List.of("resume", "job", "--output-dir", "s3://" + BUCKET + "/" + prefix))) {
        assertThat(b.awaitExit()).as("%s\n%s", context, b.log()).isZero();
        assertThat(b.log()).as(context).contains("finished at " + TOTAL);
      }
      assertThat(debris(objects)).as("the resumed writer cleaned up; %s", context).isEmpty();
      assertThat(finalState(prefix)).as(context).isEqualTo(uninterrupted);
      System.out.println(
          "S3KilledTrainingTest: "
              + kills
              + " kills, "
              + duringUploads
              + " while an upload was in flight, "
              + leftovers
              + " left objects or uploads that the next writer removed; "
              + context);
    }
  }

  /** Waits until an upload of this process is under way; returns what shows it. */
  private static Optional<String> awaitUpload(NoetherProcess p, S3ObjectStore objects)
      throws Exception {
    long deadline = System.nanoTime() + NoetherProcess.PATIENCE.toNanos();
    // What the previous kill left goes at this process's start (repair); then wait for its own
    // upload.
    while (debris(objects).isPresent()) {
      p.requireRunning(deadline, "the repair of what the previous kill left");
      Thread.sleep(5);
    }
    while (true) {
      Optional<String> d = debris(objects);
      if (d.isPresent()) {
        return d;
      }
      p.requireRunning(deadline, "a checkpoint upload");
      Thread.sleep(5);
    }
  }

  /**
   * What a commit in flight shows in the bucket: an unfinished multipart upload, or a data object
   * that no manifest lists.
   */
  static Optional<String> debris(S3ObjectStore objects) throws IOException {
    var uploads = objects.unfinishedUploads();
    if (!uploads.isEmpty()) {
      return Optional.of("unfinished upload of " + uploads.get(0).key());
    }
    String store = "job/train/checkpoints/.noether/";
    StringBuilder manifests = new StringBuilder();
    List<StoredObject> all = objects.list(store);
    for (StoredObject o : all) {
      String name = o.key().substring(objects.location().prefix().length());
      if (name.endsWith(".manifest")) {
        try {
          manifests.append(new String(objects.readBytes(name), StandardCharsets.UTF_8));
        } catch (RuntimeException gone) {
          return Optional.of("manifest being replaced: " + name);
        }
      }
    }
    for (StoredObject o : all) {
      String blob = o.key().substring(o.key().lastIndexOf('/') + 1);
      if (o.key().contains("/data/") && manifests.indexOf(blob) < 0) {
        return Optional.of("data object without a manifest " + blob);
      }
    }
    return Optional.empty();
  }

  /**
   * {@code noether args...} in a child JVM on "machine" {@code machine}, with the S3 credentials
   * and endpoint in its environment as a job on a cluster would have them.
   */
  static NoetherProcess start(Path machine, Map<String, String> env, List<String> args)
      throws IOException {
    return NoetherProcess.builder(args.toArray(String[]::new))
        .workingDir(machine)
        .env(env)
        .jvmOption("-Daws.disableEc2Metadata=true")
        .start();
  }

  static NoetherProcess train(Path machine, String prefix) throws IOException {
    List<String> args =
        new ArrayList<>(
            List.of(
                "train",
                QUICKSTART.toString(),
                "output_dir=s3://" + BUCKET + "/" + prefix,
                "run_id=job",
                "--resume-if-exists"));
    args.addAll(VARIANT);
    return start(machine, environment(), args);
  }

  /** Credentials and endpoint as a cluster job gets them: the standard AWS variables. */
  static Map<String, String> environment() {
    return Map.of(
        "AWS_ACCESS_KEY_ID",
        S3ProxyServer.ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY",
        S3ProxyServer.SECRET_KEY,
        "AWS_REGION",
        "us-east-1",
        "AWS_ENDPOINT_URL_S3",
        server.endpoint());
  }

  static S3ObjectStore objects(String prefix) {
    return S3ObjectStore.open(
        new S3Location(BUCKET, prefix),
        server.config().withConditionalWrites(S3StoreConfig.ConditionalWrites.EMULATED),
        S3ProxyServer.credentials());
  }

  /**
   * The {@code last} checkpoint of the stage read back from the bucket, fingerprinted: every tensor
   * as dtype, shape and SHA-256 of its bytes, every number as its raw bits; the trainer file
   * without what differs between runs by design (configuration, lineage, resume markers).
   */
  static Map<String, Map<String, String>> finalState(String prefix) throws IOException {
    try (S3CheckpointStore store =
        new S3CheckpointStore(objects(prefix), Duration.ofSeconds(60), null)) {
      StoredCheckpoint last =
          CheckpointResolver.of(store).resolve(STAGE, CheckpointSelector.parse("last"));
      assertThat(last.iteration().toString()).isEqualTo(TOTAL);
      Map<String, Map<String, String>> files = new TreeMap<>();
      for (StoredFile file : last.files()) {
        Map<String, Object> tree;
        try (FileChannel channel = (FileChannel) store.open(last, file)) {
          tree = ThReader.read(channel, file.name().format());
        }
        Object compared =
            switch (file.name().kind()) {
              case MODEL -> tree.get(CheckpointKeys.STATE_DICT);
              case OPTIM -> without(tree, CheckpointKeys.RUN_ID);
              case TRAINER -> comparableTrainerState(tree);
            };
        Map<String, String> leaves = new TreeMap<>();
        walk("", compared, leaves);
        files.put(file.name().format(), leaves);
      }
      return files;
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> comparableTrainerState(Map<String, Object> trainer) {
    Map<String, Object> copy =
        without(trainer, CheckpointKeys.CONFIG, CheckpointKeys.LINEAGE, CheckpointKeys.RUN_ID);
    copy.put(
        CheckpointKeys.HISTORY,
        without((Map<String, Object>) copy.get(CheckpointKeys.HISTORY), "resumes"));
    return copy;
  }

  private static Map<String, Object> without(Map<String, Object> tree, String... keys) {
    Map<String, Object> copy = new LinkedHashMap<>(tree);
    for (String k : keys) {
      copy.remove(k);
    }
    return copy;
  }

  private static void walk(String path, Object value, Map<String, String> out) {
    if (value instanceof Map<?, ?> map) {
      map.forEach((k, v) -> walk(path.isEmpty() ? String.valueOf(k) : path + "." + k, v, out));
      if (map.isEmpty()) {
        out.put(path, "{}");
      }
    } else if (value instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        walk(path + "[" + i + "]", list.get(i), out);
      }
      if (list.isEmpty()) {
        out.put(path, "[]");
      }
    } else if (value instanceof HostTensor t) {
      out.put(path, t.dtype() + java.util.Arrays.toString(t.shape()) + " sha256:" + sha256(t));
    } else if (value instanceof Double || value instanceof Float) {
      out.put(path, Long.toHexString(Double.doubleToRawLongBits(((Number) value).doubleValue())));
    } else {
      out.put(path, value == null ? "None" : value.getClass().getSimpleName() + " " + value);
    }
  }

  private static String sha256(HostTensor t) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (ByteBuffer b : t.chunks()) {
        sha.update(b.duplicate());
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
