package ai.noether.store.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.noether.store.s3.S3StoreConfig.ConditionalWrites;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every operation of the object layer against a real S3Proxy on loopback. */
class S3ObjectStoreTest {
  static final String BUCKET = "noether-test";
  static final int MIB = 1024 * 1024;

  @TempDir static Path serverDir;
  static S3ProxyServer server;
  S3ObjectStore store;

  @BeforeAll
  static void startServer() throws Exception {
    server = S3ProxyServer.start(serverDir);
    server.createBucket(BUCKET);
  }

  @AfterAll
  static void stopServer() throws Exception {
    server.close();
  }

  @BeforeEach
  void openStore() {
    store =
        S3ObjectStore.open(
            new S3Location(BUCKET, "runs/" + UUID.randomUUID()),
            server.config(),
            S3ProxyServer.credentials());
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  @Test
  void aSmallObjectIsOnePutWithItsChecksumInTheMetadata() throws IOException {
    byte[] data = random(1000, 1);
    StoredObject written = store.upload("a.th", data.length, ch -> ch.write(ByteBuffer.wrap(data)));

    assertThat(written.crc32c()).hasValue(crc(data));
    assertThat(store.head("a.th"))
        .get()
        .satisfies(
            o -> {
              assertThat(o.size()).isEqualTo(1000);
              assertThat(o.crc32c()).hasValue(crc(data));
              assertThat(o.etag()).isEqualTo(written.etag());
            });
    assertThat(store.readBytes("a.th")).isEqualTo(data);
  }

  @Test
  void aLargeObjectIsUploadedInPartsAndReadsBackVerifiedAgainstItsManifestChecksum()
      throws IOException {
    byte[] data = random(12 * MIB + 123, 2);
    List<Integer> parts = Collections.synchronizedList(new ArrayList<>());
    store.onPartUploaded(parts::add);

    StoredObject written = store.upload("big.th", data.length, ch -> writeInOddChunks(data, ch));

    assertThat(parts).containsExactlyInAnyOrder(1, 2, 3);
    assertThat(written.crc32c()).hasValue(crc(data));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StoredObject read = store.read("big.th", Channels.newChannel(out), written.crc32c());
    assertThat(out.toByteArray()).isEqualTo(data);
    assertThat(read.crc32c()).hasValue(crc(data));
    // S3 fixes an object's metadata when its upload starts, before the checksum is known: a
    // multipart object is verified against the checksum its caller recorded, never read unverified.
    assertThatThrownBy(() -> store.read("big.th", Channels.newChannel(new ByteArrayOutputStream())))
        .isInstanceOf(S3StoreException.class)
        .hasMessageContaining("s3://" + BUCKET + "/" + store.location().key("big.th"))
        .hasMessageContaining("no stored CRC32C");
  }

  @Test
  void aWriterThatWritesTooFewOrTooManyBytesLeavesNoObjectAndNoUnfinishedUpload() {
    byte[] data = random(11 * MIB, 3);
    assertThatThrownBy(
            () -> store.upload("short.th", data.length + 1L, ch -> ch.write(ByteBuffer.wrap(data))))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("wrote " + data.length + " bytes but announced");
    assertThatThrownBy(
            () -> store.upload("long.th", data.length - 1L, ch -> ch.write(ByteBuffer.wrap(data))))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("wrote more than");
    assertThatThrownBy(
            () -> store.upload("small.th", 10, ch -> ch.write(ByteBuffer.wrap(new byte[11]))))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("wrote more than");

    assertThat(store.list("")).isEmpty();
    assertThat(store.unfinishedUploads()).isEmpty();
  }

  @Test
  void aRangedReadReturnsExactlyTheRangeAndStopsAtTheEnd() throws IOException {
    byte[] data = random(11 * MIB, 4);
    store.upload("r.th", data.length, ch -> ch.write(ByteBuffer.wrap(data)));

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThat(store.readRange("r.th", 5 * MIB - 7, 100, Channels.newChannel(out))).isEqualTo(100);
    assertThat(out.toByteArray())
        .isEqualTo(java.util.Arrays.copyOfRange(data, 5 * MIB - 7, 5 * MIB + 93));

    out.reset();
    assertThat(store.readRange("r.th", data.length - 10, 100, Channels.newChannel(out)))
        .isEqualTo(10);
    assertThat(out.toByteArray())
        .isEqualTo(java.util.Arrays.copyOfRange(data, data.length - 10, data.length));
  }

  @Test
  void aCreateOnlyPutRefusesAKeyThatExists() throws IOException {
    store.putIfAbsent("manifest.json", bytes("first"));
    assertThatThrownBy(() -> store.putIfAbsent("manifest.json", bytes("second")))
        .isInstanceOf(S3ConditionFailedException.class)
        .hasMessageContaining(store.location().key("manifest.json"))
        .hasMessageContaining("already exists");
    assertThat(store.readBytes("manifest.json")).isEqualTo(bytes("first"));
  }

  @Test
  void aCompareAndSwapPutNeedsTheCurrentEtag() throws IOException {
    StoredObject first = store.put("latest", bytes("E1"));
    StoredObject second = store.putIfMatch("latest", bytes("E2"), first.etag());

    assertThatThrownBy(() -> store.putIfMatch("latest", bytes("E3"), first.etag()))
        .isInstanceOf(S3ConditionFailedException.class)
        .hasMessageContaining("expected ETag " + first.etag());
    assertThatThrownBy(() -> store.putIfMatch("missing", bytes("E3"), first.etag()))
        .isInstanceOf(S3ConditionFailedException.class)
        .hasMessageContaining("does not exist");
    assertThat(store.readBytes("latest")).isEqualTo(bytes("E2"));
    assertThat(store.head("latest")).get().extracting(StoredObject::etag).isEqualTo(second.etag());
  }

  @Test
  void ofTwoRacingPointerUpdatesExactlyOneWins() throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 20; round++) {
        String etag = store.put("last", bytes("base" + round)).etag();
        CyclicBarrier barrier = new CyclicBarrier(2);
        List<Future<Boolean>> racers = new ArrayList<>();
        for (int writer = 0; writer < 2; writer++) {
          byte[] value = bytes("round " + round + " writer " + writer);
          racers.add(
              threads.submit(
                  (Callable<Boolean>)
                      () -> {
                        barrier.await();
                        try {
                          store.putIfMatch("last", value, etag);
                          return true;
                        } catch (S3ConditionFailedException lost) {
                          return false;
                        }
                      }));
        }
        int winners = 0;
        for (Future<Boolean> racer : racers) {
          winners += racer.get() ? 1 : 0;
        }
        assertThat(winners).as("winners of round %d", round).isEqualTo(1);
        assertThat(new String(store.readBytes("last"))).startsWith("round " + round + " writer ");
      }
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void s3Proxy260IgnoresConditionalHeadersOnPutSoTheProbeChoosesTheEmulation() throws IOException {
    assertThat(store.conditionalWrites()).isEqualTo(ConditionalWrites.EMULATED);

    // What the probe found, shown directly: forced to trust the server, a create-only put
    // overwrites and a compare-and-swap with a wrong ETag succeeds. A server that honours the
    // headers (AWS S3 since 2024, current MinIO) answers 412 to both.
    try (S3ObjectStore forced =
        S3ObjectStore.open(
            store.location(),
            server.config().withConditionalWrites(ConditionalWrites.NATIVE),
            S3ProxyServer.credentials())) {
      assertThat(forced.conditionalWrites()).isEqualTo(ConditionalWrites.NATIVE);
      forced.putIfAbsent("m", bytes("one"));
      forced.putIfAbsent("m", bytes("two"));
      forced.putIfMatch("m", bytes("three"), "\"0123456789abcdef0123456789abcdef\"");
      assertThat(forced.readBytes("m")).isEqualTo(bytes("three"));
    }
  }

  @Test
  void listingByPrefixAndDeletion() throws IOException {
    store.put("stage/a", bytes("a"));
    store.put("stage/b", bytes("bb"));
    store.put("other/c", bytes("ccc"));

    assertThat(store.list("stage/"))
        .extracting(StoredObject::key)
        .containsExactly(store.location().key("stage/a"), store.location().key("stage/b"));
    assertThat(store.list("stage/")).extracting(StoredObject::size).containsExactly(1L, 2L);

    store.delete("stage/a");
    store.delete("stage/never-existed");
    assertThat(store.list(""))
        .extracting(StoredObject::key)
        .containsExactly(store.location().key("other/c"), store.location().key("stage/b"));
    assertThat(store.head("stage/a")).isEmpty();
    assertThatThrownBy(() -> store.readBytes("stage/a"))
        .isInstanceOf(S3ObjectNotFoundException.class)
        .hasMessageContaining("s3://" + BUCKET + "/" + store.location().key("stage/a"));
  }

  @Test
  void aDamagedObjectIsDetectedOnRead() throws IOException {
    byte[] small = random(4000, 5);
    byte[] large = random(11 * MIB, 6);
    store.put("small.th", small);
    StoredObject big =
        store.upload("large.th", large.length, ch -> ch.write(ByteBuffer.wrap(large)));

    flipOneByte(server.file(BUCKET, store.location().key("small.th")), 1234);
    flipOneByte(server.file(BUCKET, store.location().key("large.th")), 7 * MIB + 5);

    assertThatThrownBy(() -> store.readBytes("small.th"))
        .isInstanceOf(S3ChecksumMismatchException.class)
        .hasMessageContaining(
            "s3://" + BUCKET + "/" + store.location().key("small.th") + " is damaged");
    assertThatThrownBy(
            () ->
                store.read(
                    "large.th", Channels.newChannel(new ByteArrayOutputStream()), big.crc32c()))
        .isInstanceOf(S3ChecksumMismatchException.class)
        .hasMessageContaining("is damaged");
    // A checksum that is not the object's (another object under the name) is caught as well.
    assertThatThrownBy(
            () ->
                store.read(
                    "small.th",
                    Channels.newChannel(new ByteArrayOutputStream()),
                    OptionalLong.of(crc(small) ^ 1)))
        .isInstanceOf(S3ChecksumMismatchException.class);
  }

  @Test
  void cleanupAbortsOnlyUploadsOlderThanTheGivenAge() {
    // S3Proxy 2.6.0 reports every unfinished upload as started "now".
    String uploadId = startUploadWithoutFinishing("left-over.th");
    assertThat(store.unfinishedUploads())
        .extracting(UnfinishedUpload::uploadId)
        .containsExactly(uploadId);

    assertThat(store.abortUnfinishedUploads(Duration.ofHours(1))).isZero();
    assertThat(store.abortUnfinishedUploads(Duration.ZERO)).isEqualTo(1);
    assertThat(store.unfinishedUploads()).isEmpty();
  }

  private String startUploadWithoutFinishing(String name) {
    try (var s3 =
        ai.noether.store.s3.internal.S3ClientFactory.create(
            server.config(), S3ProxyServer.credentials())) {
      return s3.createMultipartUpload(b -> b.bucket(BUCKET).key(store.location().key(name)))
          .uploadId();
    }
  }

  static void writeInOddChunks(byte[] data, java.nio.channels.WritableByteChannel ch)
      throws IOException {
    int offset = 0;
    int chunk = 1;
    while (offset < data.length) {
      int n = Math.min(chunk, data.length - offset);
      ch.write(ByteBuffer.wrap(data, offset, n));
      offset += n;
      chunk = chunk * 3 + 7 > 3 * MIB ? 1 : chunk * 3 + 7;
    }
  }

  static void flipOneByte(Path file, long position) throws IOException {
    assertThat(Files.size(file)).isGreaterThan(position);
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.seek(position);
      int b = raf.read();
      raf.seek(position);
      raf.write(b ^ 0x10);
    }
  }

  static byte[] random(int size, long seed) {
    byte[] data = new byte[size];
    new Random(seed).nextBytes(data);
    return data;
  }

  static long crc(byte[] data) {
    CRC32C crc = new CRC32C();
    crc.update(data);
    return crc.getValue();
  }

  static byte[] bytes(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }
}
