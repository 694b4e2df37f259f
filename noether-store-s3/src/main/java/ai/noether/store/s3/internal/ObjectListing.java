package ai.noether.store.s3.internal;

import ai.noether.store.s3.S3Location;
import ai.noether.store.s3.StoredObject;
import ai.noether.store.s3.UnfinishedUpload;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Listings of the bucket under the location's prefix: objects, the "directories" below a prefix,
 * and unfinished multipart uploads, which it can abort.
 */
public final class ObjectListing {
  private static final Logger LOG =
      LoggerFactory.getLogger(ai.noether.store.s3.S3ObjectStore.class);

  private final S3Client s3;
  private final S3Location location;
  private final S3Errors errors;

  public ObjectListing(S3Client s3, S3Location location, S3Errors errors) {
    this.s3 = s3;
    this.location = location;
    this.errors = errors;
  }

  /** See {@link ai.noether.store.s3.S3ObjectStore#list}. */
  public List<StoredObject> objects(String prefix) {
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

  /** See {@link ai.noether.store.s3.ObjectLayer#children}. */
  public List<String> children(String prefix) {
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

  /** The unfinished multipart uploads under the location's prefix; never null. */
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
   * Aborts the unfinished multipart uploads of keys under {@code keyPrefix} started at least {@code
   * olderThan} ago; returns how many.
   */
  public int abortUnfinishedUploads(String keyPrefix, Duration olderThan) {
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
}
