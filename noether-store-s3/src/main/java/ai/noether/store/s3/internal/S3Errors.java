package ai.noether.store.s3.internal;

import ai.noether.api.Nullable;
import ai.noether.store.s3.S3ConditionFailedException;
import ai.noether.store.s3.S3ObjectNotFoundException;
import ai.noether.store.s3.S3StoreException;
import ai.noether.store.s3.S3ThrottledException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import javax.net.ssl.SSLException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Turns the SDK's exceptions into {@link S3StoreException}s whose message names what was being done
 * to which key of which bucket at which endpoint, and what the user can do about it.
 */
public final class S3Errors {
  private final String endpoint;
  private final String bucket;
  private final int attempts;

  /**
   * @param endpoint how the server is described in messages ({@code http://host:port} or {@code AWS
   *     S3 (region eu-west-1)})
   * @param bucket the bucket
   * @param attempts how many times a request is tried in all (retries + 1)
   */
  public S3Errors(String endpoint, String bucket, int attempts) {
    this.endpoint = endpoint;
    this.bucket = bucket;
    this.attempts = attempts;
  }

  /**
   * The failure of {@code operation} (e.g. "upload") on {@code key} (null for the bucket itself).
   */
  public S3StoreException translate(String operation, @Nullable String key, SdkException e) {
    String what =
        operation
            + " of "
            + (key == null ? "bucket " + bucket : "s3://" + bucket + "/" + key)
            + " at "
            + endpoint;
    if (e instanceof AwsServiceException service) {
      int status = service.statusCode();
      String code =
          service.awsErrorDetails() == null ? null : service.awsErrorDetails().errorCode();
      if (status == 503
          || status == 429
          || "SlowDown".equals(code)
          || "Throttling".equals(code)
          || "ThrottlingException".equals(code)
          || "RequestLimitExceeded".equals(code)) {
        return new S3ThrottledException(
            what
                + " was throttled by the server (HTTP "
                + status
                + (code == null ? "" : " " + code)
                + ") on all "
                + attempts
                + " attempts, retried with "
                + "exponential backoff and jitter. Lower store.upload_parallelism, raise "
                + "store.max_retries, or ask the server's operator for a higher request rate",
            e);
      }
      if (status == 412 || "PreconditionFailed".equals(code)) {
        return new S3ConditionFailedException(
            what
                + " did not happen: its condition no longer holds "
                + "(HTTP 412: the key exists, or another writer changed it)",
            e);
      }
      if (status == 409 && "ConditionalRequestConflict".equals(code)) {
        return new S3ConditionFailedException(
            what
                + " did not happen: a concurrent conditional write "
                + "to the same key won (HTTP 409 ConditionalRequestConflict)",
            e);
      }
      if ("NoSuchBucket".equals(code)) {
        return missingBucket(what, e);
      }
      if (status == 404 && ("NoSuchKey".equals(code) || key != null)) {
        return new S3ObjectNotFoundException(what + " failed: no such object", e);
      }
      if (status == 404) {
        return missingBucket(what, e);
      }
      if (status == 403
          || status == 401
          || "AccessDenied".equals(code)
          || "InvalidAccessKeyId".equals(code)
          || "SignatureDoesNotMatch".equals(code)
          || "ExpiredToken".equals(code)) {
        return new S3StoreException(
            what
                + " was denied (HTTP "
                + status
                + (code == null ? "" : " " + code)
                + "). The credentials come from the standard AWS chain: check AWS_ACCESS_KEY_ID and "
                + "AWS_SECRET_ACCESS_KEY (or AWS_PROFILE and ~/.aws/credentials, or the instance role), that "
                + "they belong to this server, and that their policy allows s3:GetObject, s3:PutObject, "
                + "s3:DeleteObject, s3:ListBucket and s3:AbortMultipartUpload on "
                + bucket,
            e);
      }
      if (status == 301
          || "PermanentRedirect".equals(code)
          || "AuthorizationHeaderMalformed".equals(code)) {
        return new S3StoreException(
            what
                + " was sent to the wrong region or address (HTTP "
                + status
                + (code == null ? "" : " " + code)
                + "): set store.region to the bucket's region, or "
                + "store.path_style: true for MinIO, Ceph and other servers without virtual-host buckets",
            e);
      }
      return new S3StoreException(
          what
              + " failed with HTTP "
              + status
              + (code == null ? "" : " " + code)
              + ": "
              + firstLine(service.getMessage()),
          e);
    }
    if (e instanceof SdkClientException && hasCause(e, UnknownHostException.class)) {
      return new S3StoreException(
          what
              + " failed: the host is unknown. Check store.endpoint (e.g. "
              + "http://127.0.0.1:9000) and, with virtual-host addressing, that "
              + bucket
              + ".<host> resolves; "
              + "set store.path_style: true for MinIO, Ceph and S3Proxy",
          e);
    }
    if (e instanceof SdkClientException
        && (hasCause(e, ConnectException.class)
            || hasCause(e, NoRouteToHostException.class)
            || hasCause(e, SocketTimeoutException.class))) {
      return new S3StoreException(
          what
              + " failed: the endpoint cannot be reached ("
              + rootMessage(e)
              + "). Check store.endpoint and that the server is running and reachable from this machine",
          e);
    }
    if (e instanceof SdkClientException && hasCause(e, SSLException.class)) {
      return new S3StoreException(
          what
              + " failed in TLS ("
              + rootMessage(e)
              + "): use http:// for a "
              + "server without TLS, or install its certificate in the JVM's trust store",
          e);
    }
    return new S3StoreException(what + " failed: " + firstLine(e.getMessage()), e);
  }

  private S3StoreException missingBucket(String what, SdkException e) {
    return new S3StoreException(
        what
            + " failed: bucket "
            + bucket
            + " does not exist at "
            + endpoint
            + ". Create it (e.g. `aws s3 mb s3://"
            + bucket
            + "` or `mc mb`), or fix the bucket in output_dir",
        e);
  }

  private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
  }

  private static String firstLine(@Nullable String message) {
    if (message == null) {
      return "(no message)";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
