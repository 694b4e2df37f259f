package ai.noether.store.s3;

import ai.noether.api.Nullable;
import ai.noether.store.s3.S3StoreConfig.ConditionalWrites;
import ai.noether.store.s3.internal.Crc32c;
import ai.noether.store.s3.internal.S3ClientFactory;
import ai.noether.store.s3.internal.S3Errors;
import ai.noether.store.s3.internal.StreamingMultipartUpload;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.WritableByteChannel;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

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
  private static final Logger LOG = LoggerFactory.getLogger(S3ObjectStore.class);
  private static final int READ_BUFFER = 256 * 1024;
  private static final String PROBE_PREFIX = ".noether-probe-";

  private final S3Location location;
  private final S3StoreConfig config;
  private final S3Client s3;
  private final S3Errors errors;
  private final String endpointDescription;
  private final ExecutorService pool;
  private final ConcurrentHashMap<String, Object> keyLocks = new ConcurrentHashMap<>();
  private final ConditionalWrites conditionalWrites;
  private volatile IntConsumer partListener = part -> {};

  private S3ObjectStore(
      S3Location location, S3StoreConfig config, AwsCredentialsProvider credentials) {
    this.location = location;
    this.config = config;
    this.endpointDescription =
        config.endpoint() != null
            ? config.endpoint()
            : "AWS S3 (region " + S3ClientFactory.region(config) + ")";
    this.errors = new S3Errors(endpointDescription, location.bucket(), config.maxRetries() + 1);
    this.s3 = S3ClientFactory.create(config, credentials);
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
              ? probeConditionalWrites()
              : config.conditionalWrites();
    } catch (RuntimeException e) {
      close();
      throw e;
    }
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
      BoundedBuffer buffer = new BoundedBuffer(key, (int) size);
      writer.writeTo(buffer);
      return put(key, buffer.bytes(key), null, null);
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
    return put(location.key(name), bytes, null, null);
  }

  /**
   * Writes a small object only if no object has the name yet (a manifest).
   *
   * @throws S3ConditionFailedException when an object already has the name; nothing was written
   */
  @Override
  public StoredObject putIfAbsent(String name, byte[] bytes) {
    String key = location.key(name);
    if (conditionalWrites == ConditionalWrites.NATIVE) {
      return put(key, bytes, "*", null);
    }
    synchronized (lockFor(key)) {
      if (headKey(key).isPresent()) {
        throw new S3ConditionFailedException(
            "create-only write of s3://"
                + location.bucket()
                + "/"
                + key
                + " did not happen: the object already exists");
      }
      return put(key, bytes, null, null);
    }
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
    Objects.requireNonNull(expectedEtag, "expectedEtag");
    String key = location.key(name);
    if (conditionalWrites == ConditionalWrites.NATIVE) {
      try {
        return put(key, bytes, null, expectedEtag);
      } catch (S3ObjectNotFoundException e) {
        throw new S3ConditionFailedException(
            "compare-and-swap of s3://"
                + location.bucket()
                + "/"
                + key
                + " did not happen: the object no longer exists",
            e);
      }
    }
    synchronized (lockFor(key)) {
      Optional<StoredObject> current = headKey(key);
      if (current.isEmpty() || !unquote(current.get().etag()).equals(unquote(expectedEtag))) {
        throw new S3ConditionFailedException(
            "compare-and-swap of s3://"
                + location.bucket()
                + "/"
                + key
                + " did not happen: expected ETag "
                + expectedEtag
                + " but "
                + current.map(o -> "found " + o.etag()).orElse("the object does not exist"));
      }
      return put(key, bytes, null, null);
    }
  }

  /** The object's size, ETag and stored checksum, or empty when no object has the name. */
  @Override
  public Optional<StoredObject> head(String name) {
    return headKey(location.key(name));
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
    String key = location.key(name);
    try (ResponseInputStream<GetObjectResponse> in =
        s3.getObject(b -> b.bucket(location.bucket()).key(key))) {
      GetObjectResponse response = in.response();
      long stored = Crc32c.parseHex(response.metadata().get(Crc32c.METADATA_KEY));
      if (expectedCrc32c.isPresent() && stored >= 0 && stored != expectedCrc32c.getAsLong()) {
        throw new S3ChecksumMismatchException(
            "s3://"
                + location.bucket()
                + "/"
                + key
                + " carries CRC32C "
                + Crc32c.toHex(stored)
                + " but "
                + Crc32c.toHex(expectedCrc32c.getAsLong())
                + " was expected: "
                + "the object was replaced by another one");
      }
      long expected = expectedCrc32c.isPresent() ? expectedCrc32c.getAsLong() : stored;
      if (expected < 0) {
        throw new S3StoreException(
            "s3://"
                + location.bucket()
                + "/"
                + key
                + " has no stored CRC32C (it was "
                + "written in several parts, or not by Noether), so it cannot be verified: read it with the "
                + "checksum recorded in its manifest");
      }
      long[] counted = new long[1];
      long crc = copy(in, out, counted);
      if (counted[0] != response.contentLength()) {
        throw new S3StoreException(
            "s3://"
                + location.bucket()
                + "/"
                + key
                + " ended after "
                + counted[0]
                + " of "
                + response.contentLength()
                + " bytes");
      }
      if (crc != expected) {
        throw new S3ChecksumMismatchException(
            "s3://"
                + location.bucket()
                + "/"
                + key
                + " is damaged: its "
                + counted[0]
                + " bytes have CRC32C "
                + Crc32c.toHex(crc)
                + " but "
                + Crc32c.toHex(expected)
                + " was stored when it was written. Do not use it; an older checkpoint may still be intact");
      }
      return new StoredObject(
          key, counted[0], response.eTag(), OptionalLong.of(crc), response.lastModified());
    } catch (SdkException e) {
      throw errors.translate("read", key, e);
    }
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
    if (offset < 0 || length < 0) {
      throw new IllegalArgumentException(
          "offset and length must be >= 0, were " + offset + ", " + length);
    }
    if (length == 0) {
      return 0;
    }
    String key = location.key(name);
    try (ResponseInputStream<GetObjectResponse> in =
        s3.getObject(
            b ->
                b.bucket(location.bucket())
                    .key(key)
                    .range("bytes=" + offset + "-" + (offset + length - 1)))) {
      long[] counted = new long[1];
      copy(in, out, counted);
      return counted[0];
    } catch (S3Exception e) {
      if (e.statusCode() == 416) {
        return 0;
      }
      throw errors.translate("ranged read", key, e);
    } catch (SdkException e) {
      throw errors.translate("ranged read", key, e);
    }
  }

  /**
   * Every object whose name starts with {@code namePrefix}, in key order; never null. Zero-byte
   * keys Keys ending in {@code /} (folder markers and the directories that filesystem-backed
   * servers list) are left out.
   */
  @Override
  public List<StoredObject> list(String namePrefix) {
    String prefix = location.key(namePrefix);
    List<StoredObject> result = new ArrayList<>();
    try {
      for (S3Object o :
          s3.listObjectsV2Paginator(b -> b.bucket(location.bucket()).prefix(prefix)).contents()) {
        if (o.key().endsWith("/")) {
          // A "folder" (S3 consoles create markers, filesystem-backed servers list directories,
          // sized as the directory is): never a name this layer writes.
          continue;
        }
        result.add(
            new StoredObject(o.key(), o.size(), o.eTag(), OptionalLong.empty(), o.lastModified()));
      }
    } catch (SdkException e) {
      throw errors.translate("listing", prefix, e);
    }
    return result;
  }

  @Override
  public List<String> children(String namePrefix) {
    String prefix = location.key(namePrefix);
    List<String> result = new ArrayList<>();
    try {
      for (var p :
          s3.listObjectsV2Paginator(b -> b.bucket(location.bucket()).prefix(prefix).delimiter("/"))
              .commonPrefixes()) {
        String child = p.prefix().substring(prefix.length());
        if (child.endsWith("/")) {
          child = child.substring(0, child.length() - 1);
        }
        if (!child.isEmpty() && !result.contains(child)) {
          result.add(child);
        }
      }
    } catch (SdkException e) {
      throw errors.translate("listing", prefix, e);
    }
    result.sort(null);
    return result;
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
    List<UnfinishedUpload> result = new ArrayList<>();
    try {
      for (MultipartUpload u :
          s3.listMultipartUploadsPaginator(
                  b -> b.bucket(location.bucket()).prefix(location.prefix()))
              .uploads()) {
        result.add(
            new UnfinishedUpload(
                u.key(), u.uploadId(), u.initiated() == null ? Instant.EPOCH : u.initiated()));
      }
    } catch (SdkException e) {
      throw errors.translate("listing of unfinished uploads", location.prefix(), e);
    }
    return result;
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
    String keyPrefix = location.key(namePrefix);
    List<UnfinishedUpload> uploads =
        unfinishedUploads().stream().filter(u -> u.key().startsWith(keyPrefix)).toList();
    // The cut-off is taken after listing, so that an upload the server reports as started "now"
    // counts as zero seconds old rather than as started in the future.
    Instant cutoff = Instant.now().minus(olderThan);
    int aborted = 0;
    for (UnfinishedUpload u : uploads) {
      if (u.initiated().isAfter(cutoff)) {
        continue;
      }
      try {
        s3.abortMultipartUpload(
            b -> b.bucket(location.bucket()).key(u.key()).uploadId(u.uploadId()));
        aborted++;
        LOG.info(
            "Aborted the unfinished upload {} of s3://{}/{} started {}",
            u.uploadId(),
            location.bucket(),
            u.key(),
            u.initiated());
      } catch (S3Exception e) {
        if (e.statusCode() != 404) {
          throw errors.translate("abort of an unfinished upload", u.key(), e);
        }
      } catch (SdkException e) {
        throw errors.translate("abort of an unfinished upload", u.key(), e);
      }
    }
    return aborted;
  }

  @Override
  public void close() {
    pool.shutdownNow();
    s3.close();
  }

  private StoredObject put(
      String key, byte[] bytes, @Nullable String ifNoneMatch, @Nullable String ifMatch) {
    CRC32C crc = new CRC32C();
    crc.update(bytes);
    long value = crc.getValue();
    PutObjectRequest.Builder request =
        PutObjectRequest.builder()
            .bucket(location.bucket())
            .key(key)
            .contentLength((long) bytes.length)
            .contentType("application/octet-stream")
            .metadata(Map.of(Crc32c.METADATA_KEY, Crc32c.toHex(value)));
    if (ifNoneMatch != null) {
      request.ifNoneMatch(ifNoneMatch);
    }
    if (ifMatch != null) {
      request.ifMatch(ifMatch);
    }
    try {
      var response = s3.putObject(request.build(), RequestBody.fromBytes(bytes));
      return new StoredObject(key, bytes.length, response.eTag(), OptionalLong.of(value), null);
    } catch (SdkException e) {
      throw errors.translate(
          ifNoneMatch != null
              ? "create-only write"
              : ifMatch != null ? "compare-and-swap" : "write",
          key,
          e);
    }
  }

  private Optional<StoredObject> headKey(String key) {
    try {
      HeadObjectResponse h = s3.headObject(b -> b.bucket(location.bucket()).key(key));
      long stored = Crc32c.parseHex(h.metadata().get(Crc32c.METADATA_KEY));
      return Optional.of(
          new StoredObject(
              key,
              h.contentLength(),
              h.eTag(),
              stored < 0 ? OptionalLong.empty() : OptionalLong.of(stored),
              h.lastModified()));
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return Optional.empty();
      }
      throw errors.translate("metadata read", key, e);
    } catch (SdkException e) {
      throw errors.translate("metadata read", key, e);
    }
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

  /**
   * Finds out whether the server honours {@code If-None-Match: *} and {@code If-Match} on PUT by
   * asking it to break both on a scratch object. Servers that ignore the headers (S3Proxy 2.6.0,
   * older MinIO and Ceph) then get the emulation, with a warning.
   */
  private ConditionalWrites probeConditionalWrites() {
    String key = location.key(PROBE_PREFIX + UUID.randomUUID());
    byte[] probe =
        "noether conditional-write probe".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    boolean createOnly;
    boolean compareAndSwap;
    try {
      put(key, probe, "*", null);
      try {
        put(key, probe, "*", null);
        createOnly = false;
      } catch (S3ConditionFailedException expected) {
        createOnly = true;
      }
      try {
        put(key, probe, null, "\"00000000000000000000000000000000\"");
        compareAndSwap = false;
      } catch (S3ConditionFailedException expected) {
        compareAndSwap = true;
      }
    } finally {
      try {
        s3.deleteObject(b -> b.bucket(location.bucket()).key(key));
      } catch (SdkException e) {
        LOG.warn(
            "Could not delete the probe object s3://{}/{}: {}",
            location.bucket(),
            key,
            e.toString());
      }
    }
    if (createOnly && compareAndSwap) {
      LOG.info(
          "{} honours If-None-Match and If-Match on PUT: conditional writes are native",
          endpointDescription);
      return ConditionalWrites.NATIVE;
    }
    LOG.warn(
        "{} ignores {} on PUT: create-only and compare-and-swap writes are emulated by a HEAD before "
            + "the PUT, which is safe only while one process writes a stage (the writer claim ensures it)",
        endpointDescription,
        createOnly ? "If-Match" : compareAndSwap ? "If-None-Match" : "If-None-Match and If-Match");
    return ConditionalWrites.EMULATED;
  }

  private Object lockFor(String key) {
    return keyLocks.computeIfAbsent(key, k -> new Object());
  }

  private static String unquote(String etag) {
    return etag.replace("\"", "");
  }

  private static long copy(InputStream in, WritableByteChannel out, long[] counted)
      throws IOException {
    CRC32C crc = new CRC32C();
    byte[] buffer = new byte[READ_BUFFER];
    ByteBuffer wrapped = ByteBuffer.wrap(buffer);
    int n;
    while ((n = in.read(buffer)) > 0) {
      crc.update(buffer, 0, n);
      wrapped.clear().limit(n);
      while (wrapped.hasRemaining()) {
        out.write(wrapped);
      }
      counted[0] += n;
      if (Thread.interrupted()) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while reading");
      }
    }
    return crc.getValue();
  }

  /** Collects a single-part object, refusing more bytes than announced. */
  private static final class BoundedBuffer implements WritableByteChannel {
    private final String key;
    private final byte[] bytes;
    private int length;
    private boolean open = true;

    BoundedBuffer(String key, int size) {
      this.key = key;
      this.bytes = new byte[size];
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      if (!open) {
        throw new ClosedChannelException();
      }
      int n = src.remaining();
      if (n > bytes.length - length) {
        throw new IOException(
            "the writer of "
                + key
                + " wrote more than the "
                + bytes.length
                + " bytes it announced");
      }
      src.get(bytes, length, n);
      length += n;
      return n;
    }

    byte[] bytes(String key) throws IOException {
      open = false;
      if (length != bytes.length) {
        throw new IOException(
            "the writer of " + key + " wrote " + length + " bytes but announced " + bytes.length);
      }
      return bytes;
    }

    @Override
    public boolean isOpen() {
      return open;
    }

    @Override
    public void close() {}
  }
}
