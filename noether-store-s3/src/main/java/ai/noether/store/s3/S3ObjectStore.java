package ai.noether.store.s3;

import ai.noether.store.s3.S3StoreConfig.ConditionalWrites;
import ai.noether.store.s3.internal.ConditionalPuts;
import ai.noether.store.s3.internal.ConditionalWriteProbe;
import ai.noether.store.s3.internal.ObjectListing;
import ai.noether.store.s3.internal.S3ClientFactory;
import ai.noether.store.s3.internal.S3Errors;
import ai.noether.store.s3.internal.SinglePartBuffer;
import ai.noether.store.s3.internal.SmallObjectPuts;
import ai.noether.store.s3.internal.StreamingMultipartUpload;
import ai.noether.store.s3.internal.VerifiedObjectReader;
import java.io.IOException;
import java.nio.channels.WritableByteChannel;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The object layer under one {@link S3Location}: every name is a key relative to the location's
 * prefix. Thread-safe; one instance per store, closed with it.
 *
 * <p>What it promises:
 *
 * <ul>
 *   <li>{@link #upload} streams an object of known size from an {@link ObjectWriter} with bounded
 *       memory ({@code (upload_parallelism + 1) * part_size} at most), uploading parts in parallel;
 *       nothing is visible under the key until every byte is stored, and a failed upload is
 *       aborted.
 *   <li>Every write computes the CRC32C of the whole object and returns it. Objects up to one part
 *       also carry it in their metadata ({@code x-amz-meta-noether-crc32c}); a multipart object's
 *       checksum is only known once its last byte has gone, after S3 fixed its metadata, so the
 *       caller records it (the checkpoint manifest) and passes it to {@link #read(String,
 *       WritableByteChannel, OptionalLong)}. Whole reads are verified; a read without any known
 *       checksum is refused.
 *   <li>{@link #putIfAbsent} (create-only) and {@link #putIfMatch} (compare-and-swap on the ETag)
 *       either write or throw {@link S3ConditionFailedException}. Natively (the server decides
 *       atomically, any number of writers) where the server honours {@code If-None-Match}/{@code
 *       If-Match} on PUT; otherwise emulated by a HEAD and a compare before the PUT, serialised per
 *       key in this process: correct while one process writes these keys (the stage's writer
 *       claim), not across processes. {@link #conditionalWrites()} says which is in force.
 *   <li>Failures are {@link S3StoreException}s naming the endpoint, bucket and key and what to do;
 *       throttling (503 SlowDown, 429) and transient errors are retried with exponential backoff
 *       and full jitter ({@code max_retries}) before a {@link S3ThrottledException}.
 * </ul>
 */
public final class S3ObjectStore implements ObjectLayer {
  private final S3Location location;
  private final S3StoreConfig config;
  private final S3Client s3;
  private final S3Errors errors;
  private final ExecutorService pool;
  private final SmallObjectPuts puts;
  private final VerifiedObjectReader reader;
  private final ObjectListing listing;
  private final ConditionalWrites conditionalWrites;
  private final ConditionalPuts conditionalPuts;
  private volatile IntConsumer partListener = part -> {};

  private S3ObjectStore(
      S3Location location, S3StoreConfig config, AwsCredentialsProvider credentials) {
    this.location = location;
    this.config = config;
    String endpointDescription =
        config.endpoint() != null
            ? config.endpoint()
            : "AWS S3 (region " + S3ClientFactory.region(config) + ")";
    this.errors = new S3Errors(endpointDescription, location.bucket(), config.maxRetries() + 1);
    this.s3 = S3ClientFactory.create(config, credentials);
    this.puts = new SmallObjectPuts(s3, location, errors);
    this.reader = new VerifiedObjectReader(s3, location, errors);
    this.listing = new ObjectListing(s3, location, errors);
    AtomicInteger threads = new AtomicInteger();
    this.pool =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "noether-s3-upload-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    try {
      checkBucket();
      this.conditionalWrites =
          config.conditionalWrites() == ConditionalWrites.AUTO
              ? ConditionalWriteProbe.probe(s3, location, puts, endpointDescription)
              : config.conditionalWrites();
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    this.conditionalPuts = new ConditionalPuts(puts, location, conditionalWrites);
  }

  /**
   * Opens the store with credentials from the standard AWS SDK chain, checks that the bucket can be
   * reached and, with {@code conditional_writes: auto}, probes the server's conditional writes.
   *
   * @throws S3StoreException naming the endpoint and bucket, when it cannot be reached, the bucket
   *     is missing or the credentials are refused
   */
  public static S3ObjectStore open(S3Location location, S3StoreConfig config) {
    return open(location, config, DefaultCredentialsProvider.builder().build());
  }

  /** As {@link #open(S3Location, S3StoreConfig)}, with the given credentials provider. */
  public static S3ObjectStore open(
      S3Location location, S3StoreConfig config, AwsCredentialsProvider credentials) {
    return new S3ObjectStore(
        Objects.requireNonNull(location, "location"),
        Objects.requireNonNull(config, "config"),
        Objects.requireNonNull(credentials, "credentials"));
  }

  /** The location every name is relative to. */
  @Override
  public S3Location location() {
    return location;
  }

  /**
   * How create-only and compare-and-swap puts are carried out: {@code NATIVE} or {@code EMULATED}.
   */
  public ConditionalWrites conditionalWrites() {
    return conditionalWrites;
  }

  /**
   * Tells {@code listener} the number of each multipart part once stored (progress reporting,
   * tests).
   */
  public void onPartUploaded(IntConsumer listener) {
    this.partListener = Objects.requireNonNull(listener);
  }

  /**
   * Writes an object of exactly {@code size} bytes that {@code writer} produces: one PUT up to the
   * part size, a parallel multipart upload above. Replaces an existing object.
   *
   * @return the stored object with its ETag and the CRC32C of its bytes
   * @throws IOException from the writer, or when it wrote more or fewer bytes than {@code size}
   * @throws S3StoreException when the server refused or could not be reached
   */
  @Override
  public StoredObject upload(String name, long size, ObjectWriter writer) throws IOException {
    if (size < 0) {
      throw new IllegalArgumentException("size must be >= 0, was " + size);
    }
    String key = location.key(name);
    long partSize = StreamingMultipartUpload.partSizeFor(size, config.partSizeBytes());
    if (size <= partSize) {
      SinglePartBuffer buffer = new SinglePartBuffer(key, (int) size);
      writer.writeTo(buffer);
      return puts.put(key, buffer.bytes(), null, null);
    }
    if (partSize > Integer.MAX_VALUE - 16) {
      throw new S3StoreException(
          "s3://"
              + location.bucket()
              + "/"
              + key
              + " ("
              + size
              + " bytes) is too large "
              + "for 10,000 parts of at most 2 GiB each");
    }
    StreamingMultipartUpload upload =
        StreamingMultipartUpload.start(
            s3,
            pool,
            errors,
            location.bucket(),
            key,
            size,
            (int) partSize,
            config.uploadParallelism(),
            partListener);
    try {
      writer.writeTo(upload);
      return upload.finish();
    } catch (IOException | RuntimeException | Error e) {
      upload.abort(e);
      throw e;
    }
  }

  /** Writes a small object in one request, replacing any object under the name. */
  public StoredObject put(String name, byte[] bytes) {
    return puts.put(location.key(name), bytes, null, null);
  }

  /**
   * Writes a small object only if no object has the name yet (a manifest).
   *
   * @throws S3ConditionFailedException when an object already has the name; nothing was written
   */
  @Override
  public StoredObject putIfAbsent(String name, byte[] bytes) {
    return conditionalPuts.putIfAbsent(location.key(name), bytes);
  }

  /**
   * Replaces a small object only if its current ETag is {@code expectedEtag} (a pointer such as
   * {@code latest}): compare-and-swap.
   *
   * @throws S3ConditionFailedException when the object is missing or has another ETag (another
   *     writer moved it); nothing was written
   */
  @Override
  public StoredObject putIfMatch(String name, byte[] bytes, String expectedEtag) {
    return conditionalPuts.putIfMatch(location.key(name), bytes, expectedEtag);
  }

  /** The object's size, ETag and stored checksum, or empty when no object has the name. */
  @Override
  public Optional<StoredObject> head(String name) {
    return puts.head(location.key(name));
  }

  /**
   * Reads a whole object into {@code out} and verifies it against {@code expectedCrc32c}, or, when
   * that is empty, against the checksum in the object's metadata.
   *
   * @return the object as read, with the checksum of the bytes read
   * @throws S3ChecksumMismatchException when the bytes do not match; the bytes already written to
   *     {@code out} must be discarded
   * @throws S3StoreException when no checksum is known for the object (a multipart object read
   *     without the checksum from the manifest) or when it is missing or cannot be read
   */
  @Override
  public StoredObject read(String name, WritableByteChannel out, OptionalLong expectedCrc32c)
      throws IOException {
    return reader.read(location.key(name), out, expectedCrc32c);
  }

  /**
   * Reads a whole object verified against the checksum in its metadata; see {@link #read(String,
   * WritableByteChannel, OptionalLong)}.
   */
  public StoredObject read(String name, WritableByteChannel out) throws IOException {
    return read(name, out, OptionalLong.empty());
  }

  /** Reads a whole small object verified against its stored checksum. */
  @Override
  public byte[] readBytes(String name) throws IOException {
    var out = new java.io.ByteArrayOutputStream();
    read(name, java.nio.channels.Channels.newChannel(out));
    return out.toByteArray();
  }

  /**
   * Reads {@code length} bytes from {@code offset} into {@code out}. A range cannot be checked
   * against the whole object's checksum: verify the whole object once before trusting ranges of it.
   *
   * @return the number of bytes read: {@code length}, or fewer where the object ends first
   */
  @Override
  public long readRange(String name, long offset, long length, WritableByteChannel out)
      throws IOException {
    return reader.readRange(location.key(name), offset, length, out);
  }

  /**
   * Every object whose name starts with {@code namePrefix}, in key order; never null. Zero-byte
   * keys Keys ending in {@code /} (folder markers and the directories that filesystem-backed
   * servers list) are left out.
   */
  @Override
  public List<StoredObject> list(String namePrefix) {
    return listing.objects(location.key(namePrefix));
  }

  @Override
  public List<String> children(String namePrefix) {
    return listing.children(location.key(namePrefix));
  }

  /** Deletes the object if it exists; deleting a missing object is not an error. */
  @Override
  public void delete(String name) {
    String key = location.key(name);
    try {
      s3.deleteObject(b -> b.bucket(location.bucket()).key(key));
    } catch (SdkException e) {
      throw errors.translate("deletion", key, e);
    }
  }

  /** The unfinished multipart uploads under this location's prefix; never null. */
  public List<UnfinishedUpload> unfinishedUploads() {
    return listing.unfinishedUploads();
  }

  /**
   * Aborts the unfinished multipart uploads under this location's prefix started at least {@code
   * olderThan} ago, which frees their parts. Use an age longer than any upload in progress (or
   * {@link Duration#ZERO} when this process is the only writer and has none running).
   *
   * <p><b>Note:</b> S3Proxy 2.6.0 reports every upload as started "now"; only an age of zero
   * removes its uploads. The bucket lifecycle rule {@code AbortIncompleteMultipartUpload} does the
   * same on the server side and is recommended for AWS.
   *
   * @return how many uploads were aborted
   */
  public int abortUnfinishedUploads(Duration olderThan) {
    return abortUnfinishedUploads("", olderThan);
  }

  /** As {@link #abortUnfinishedUploads(Duration)}, only for keys under {@code namePrefix}. */
  @Override
  public int abortUnfinishedUploads(String namePrefix, Duration olderThan) {
    return listing.abortUnfinishedUploads(location.key(namePrefix), olderThan);
  }

  @Override
  public void close() {
    pool.shutdownNow();
    s3.close();
  }

  private void checkBucket() {
    try {
      s3.headBucket(b -> b.bucket(location.bucket()));
    } catch (S3Exception e) {
      // HEAD answers carry no error code: name the cases by status.
      if (e.statusCode() == 404) {
        throw errors.translate(
            "access",
            null,
            S3Exception.builder()
                .statusCode(404)
                .awsErrorDetails(
                    software.amazon.awssdk.awscore.exception.AwsErrorDetails.builder()
                        .errorCode("NoSuchBucket")
                        .build())
                .cause(e)
                .build());
      }
      throw errors.translate("access", null, e);
    } catch (SdkException e) {
      throw errors.translate("access", null, e);
    }
  }
}
