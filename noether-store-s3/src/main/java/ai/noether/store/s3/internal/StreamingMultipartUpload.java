package ai.noether.store.s3.internal;

import ai.noether.api.Nullable;
import ai.noether.store.s3.S3StoreException;
import ai.noether.store.s3.StoredObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * One multipart upload fed through a {@link WritableByteChannel}: bytes fill a part buffer; a full
 * buffer is handed to the executor and uploaded while the writer fills the next. At most {@code
 * parallelism + 1} buffers exist per upload, so the writer blocks (backpressure) rather than memory
 * growing with the file. The CRC32C of the whole object is computed as the bytes pass.
 *
 * <p>Nothing is visible under the key until {@link #finish} completes the upload. On any failure
 * the caller calls {@link #abort}, which waits for parts in flight and aborts the upload; a process
 * killed meanwhile leaves an unfinished upload that {@code abortUnfinishedUploads} or the bucket's
 * lifecycle rule removes.
 */
public final class StreamingMultipartUpload implements WritableByteChannel {
  private static final Logger LOG = LoggerFactory.getLogger(StreamingMultipartUpload.class);

  private final S3Client s3;
  private final ExecutorService pool;
  private final S3Errors errors;
  private final String bucket;
  private final String key;
  private final long size;
  private final int partSize;
  private final int maxBuffers;
  private final String uploadId;
  private final IntConsumer onPartUploaded;
  private final CRC32C crc = new CRC32C();
  private final BlockingQueue<byte[]> free;
  private final List<Future<CompletedPart>> parts = new ArrayList<>();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private int allocated;
  private @Nullable byte[] current;
  private int currentLength;
  private long written;
  private boolean open = true;

  private StreamingMultipartUpload(
      S3Client s3,
      ExecutorService pool,
      S3Errors errors,
      String bucket,
      String key,
      long size,
      int partSize,
      int parallelism,
      String uploadId,
      IntConsumer onPartUploaded) {
    this.s3 = s3;
    this.pool = pool;
    this.errors = errors;
    this.bucket = bucket;
    this.key = key;
    this.size = size;
    this.partSize = partSize;
    this.maxBuffers = parallelism + 1;
    this.free = new ArrayBlockingQueue<>(maxBuffers);
    this.uploadId = uploadId;
    this.onPartUploaded = onPartUploaded;
  }

  /**
   * Starts an upload of {@code size} bytes to {@code key}.
   *
   * @param onPartUploaded told each part number once it is stored (progress, tests); never null
   */
  public static StreamingMultipartUpload start(
      S3Client s3,
      ExecutorService pool,
      S3Errors errors,
      String bucket,
      String key,
      long size,
      int partSize,
      int parallelism,
      IntConsumer onPartUploaded) {
    CreateMultipartUploadResponse created;
    try {
      created =
          s3.createMultipartUpload(
              b -> b.bucket(bucket).key(key).contentType("application/octet-stream"));
    } catch (SdkException e) {
      throw errors.translate("start of the multipart upload", key, e);
    }
    return new StreamingMultipartUpload(
        s3,
        pool,
        errors,
        bucket,
        key,
        size,
        partSize,
        parallelism,
        created.uploadId(),
        onPartUploaded);
  }

  /**
   * The part size that keeps {@code size} within S3's 10,000 parts, at least {@code configured}.
   */
  public static long partSizeFor(long size, long configured) {
    long needed = (size + 9_999) / 10_000;
    return Math.max(configured, needed);
  }

  /** The server's id of this upload. */
  public String uploadId() {
    return uploadId;
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    if (!open) {
      throw new ClosedChannelException();
    }
    int n = src.remaining();
    if (written + n > size) {
      throw new IOException(
          "the writer of s3://"
              + bucket
              + "/"
              + key
              + " wrote more than the "
              + size
              + " bytes it announced");
    }
    crc.update(src.duplicate());
    while (src.hasRemaining()) {
      byte[] buffer = current;
      if (buffer == null) {
        buffer = takeBuffer();
        current = buffer;
      }
      int k = Math.min(src.remaining(), partSize - currentLength);
      src.get(buffer, currentLength, k);
      currentLength += k;
      if (currentLength == partSize) {
        submitCurrent();
      }
    }
    written += n;
    return n;
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  /**
   * Does nothing: the upload ends with {@link #finish} or {@link #abort}, never by a writer's
   * close.
   */
  @Override
  public void close() {}

  /**
   * Uploads the last part, waits for all parts and completes the upload.
   *
   * @throws IOException when the writer wrote fewer bytes than announced
   * @throws S3StoreException when a part or the completion failed
   */
  public StoredObject finish() throws IOException {
    open = false;
    if (written != size) {
      throw new IOException(
          "the writer of s3://"
              + bucket
              + "/"
              + key
              + " wrote "
              + written
              + " bytes but announced "
              + size);
    }
    if (currentLength > 0 || parts.isEmpty()) {
      submitCurrent();
    }
    List<CompletedPart> completed = new ArrayList<>(parts.size());
    for (Future<CompletedPart> part : parts) {
      completed.add(await(part));
    }
    completed.sort(Comparator.comparing(CompletedPart::partNumber));
    try {
      var response =
          s3.completeMultipartUpload(
              b ->
                  b.bucket(bucket)
                      .key(key)
                      .uploadId(uploadId)
                      .multipartUpload(
                          CompletedMultipartUpload.builder().parts(completed).build()));
      return new StoredObject(key, size, response.eTag(), OptionalLong.of(crc.getValue()), null);
    } catch (SdkException e) {
      throw errors.translate("completion of the multipart upload", key, e);
    }
  }

  /**
   * Waits for the parts in flight and aborts the upload, attaching any failure of that to {@code
   * cause}. Never throws.
   */
  public void abort(Throwable cause) {
    open = false;
    failure.compareAndSet(null, cause);
    // Not cancel(): a cancelled future returns at once while its request may still be running, and
    // a
    // part stored after the abort would keep the upload alive on some servers.
    for (Future<CompletedPart> part : parts) {
      try {
        part.get(2, TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (Exception ignored) {
        // Its own failure is the part's business; what matters is that it no longer runs.
      }
    }
    try {
      s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
    } catch (RuntimeException e) {
      LOG.warn(
          "Could not abort the unfinished upload {} of s3://{}/{}; the next cleanup of unfinished "
              + "uploads (or the bucket's lifecycle rule) removes it",
          uploadId,
          bucket,
          key);
      cause.addSuppressed(e);
    }
  }

  private byte[] takeBuffer() throws IOException {
    while (true) {
      rethrowFailure();
      byte[] buffer = free.poll();
      if (buffer != null) {
        return buffer;
      }
      if (allocated < maxBuffers) {
        allocated++;
        return new byte[partSize];
      }
      try {
        buffer = free.poll(100, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while uploading s3://" + bucket + "/" + key);
      }
      if (buffer != null) {
        return buffer;
      }
    }
  }

  private void rethrowFailure() {
    Throwable t = failure.get();
    if (t instanceof SdkException e) {
      throw errors.translate("upload of a part", key, e);
    }
    if (t != null) {
      throw new S3StoreException(
          "upload of a part of s3://" + bucket + "/" + key + " failed: " + t, t);
    }
  }

  private void submitCurrent() {
    byte[] buffer = current == null ? new byte[0] : current;
    int length = currentLength;
    int partNumber = parts.size() + 1;
    current = null;
    currentLength = 0;
    parts.add(
        pool.submit(
            () -> {
              try {
                // A provider, not RequestBody.fromBytes: no copy of the part, and a retry re-reads
                // the buffer.
                UploadPartResponse response =
                    s3.uploadPart(
                        b ->
                            b.bucket(bucket)
                                .key(key)
                                .uploadId(uploadId)
                                .partNumber(partNumber)
                                .contentLength((long) length),
                        RequestBody.fromContentProvider(
                            () -> new ByteArrayInputStream(buffer, 0, length),
                            length,
                            "application/octet-stream"));
                onPartUploaded.accept(partNumber);
                return CompletedPart.builder().partNumber(partNumber).eTag(response.eTag()).build();
              } catch (Throwable t) {
                failure.compareAndSet(null, t);
                throw t;
              } finally {
                if (buffer.length == partSize) {
                  free.offer(buffer);
                }
              }
            }));
  }

  private CompletedPart await(Future<CompletedPart> part) throws IOException {
    try {
      return part.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while uploading s3://" + bucket + "/" + key);
    } catch (ExecutionException e) {
      Throwable t = e.getCause();
      if (t instanceof SdkException sdk) {
        throw errors.translate("upload of a part", key, sdk);
      }
      throw new S3StoreException(
          "upload of a part of s3://" + bucket + "/" + key + " failed: " + t, t);
    }
  }
}
