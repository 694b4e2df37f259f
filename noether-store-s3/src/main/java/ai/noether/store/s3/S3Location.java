package ai.noether.store.s3;

import ai.noether.api.ConfigException;
import java.util.regex.Pattern;

/**
 * Where a run's objects live: a bucket and a key prefix, written {@code s3://bucket/prefix}.
 *
 * <p>The prefix is normalised: never null, empty for the bucket's root, otherwise without a leading
 * slash and ending in exactly one {@code /}, so that {@code prefix + name} is a key. Bucket names
 * follow the S3 rules (3 to 63 characters of lower-case letters, digits, dots and hyphens, starting
 * and ending with a letter or digit) so that a typo is caught here, not as a confusing signature or
 * DNS error from the server.
 *
 * @param bucket the bucket, never null
 * @param prefix the key prefix, never null, {@code ""} or ending in {@code /}
 */
public record S3Location(String bucket, String prefix) {
  /** The URI scheme that selects this store. */
  public static final String SCHEME = "s3";

  private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

  /** Validates and normalises; see the class comment. */
  public S3Location {
    if (bucket == null || !BUCKET.matcher(bucket).matches() || bucket.contains("..")) {
      throw new ConfigException(
          "invalid S3 bucket name '"
              + bucket
              + "': a bucket name has 3 to 63 "
              + "lower-case letters, digits, dots and hyphens and starts and ends with a letter or digit, "
              + "e.g. s3://my-checkpoints/runs");
    }
    prefix = normalisePrefix(prefix == null ? "" : prefix, bucket);
  }

  /**
   * Parses {@code s3://bucket} or {@code s3://bucket/some/prefix} (a trailing slash is optional).
   *
   * @throws ConfigException naming the value and showing a valid one, for another scheme, a missing
   *     bucket, an invalid bucket name or an unusable prefix
   */
  public static S3Location parse(String uri) {
    if (uri == null || uri.isBlank()) {
      throw new ConfigException("an S3 location is required, e.g. s3://my-checkpoints/runs");
    }
    String s = uri.trim();
    String schemePart = SCHEME + "://";
    if (!s.regionMatches(true, 0, schemePart, 0, schemePart.length())) {
      throw new ConfigException(
          "'"
              + uri
              + "' is not an S3 location: write s3://bucket/prefix, "
              + "e.g. s3://my-checkpoints/runs");
    }
    String rest = s.substring(schemePart.length());
    int slash = rest.indexOf('/');
    String bucket = slash < 0 ? rest : rest.substring(0, slash);
    String prefix = slash < 0 ? "" : rest.substring(slash + 1);
    if (bucket.isEmpty()) {
      throw new ConfigException(
          "'"
              + uri
              + "' names no bucket: write s3://bucket/prefix, "
              + "e.g. s3://my-checkpoints/runs");
    }
    if (bucket.indexOf('@') >= 0 || bucket.indexOf(':') >= 0) {
      throw new ConfigException(
          "'"
              + uri
              + "' has credentials or a port in its bucket part: put the "
              + "server in the `endpoint` key and credentials in the standard AWS places "
              + "(AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, ~/.aws/credentials, an instance role)");
    }
    try {
      return new S3Location(bucket, prefix);
    } catch (ConfigException e) {
      throw new ConfigException("in '" + uri + "': " + e.getMessage(), e);
    }
  }

  /** The key of {@code name} under this location's prefix. */
  public String key(String name) {
    return prefix + name;
  }

  /** {@code s3://bucket/prefix}, which {@link #parse} reads back to an equal location. */
  @Override
  public String toString() {
    return SCHEME + "://" + bucket + "/" + prefix;
  }

  private static String normalisePrefix(String prefix, String bucket) {
    String p = prefix;
    while (p.startsWith("/")) {
      p = p.substring(1);
    }
    while (p.endsWith("//")) {
      p = p.substring(0, p.length() - 1);
    }
    if (p.isEmpty()) {
      return "";
    }
    if (p.contains("//")) {
      throw new ConfigException(
          "S3 prefix '"
              + prefix
              + "' in bucket "
              + bucket
              + " has an empty "
              + "path segment ('//'): write it as s3://"
              + bucket
              + "/"
              + p.replaceAll("/+", "/"));
    }
    for (String segment : p.split("/")) {
      if (segment.equals(".") || segment.equals("..")) {
        throw new ConfigException(
            "S3 prefix '"
                + prefix
                + "' in bucket "
                + bucket
                + " has a '"
                + segment
                + "' segment, which S3 keeps literally and most tools do not: remove it");
      }
    }
    if (p.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw new ConfigException(
          "S3 prefix '"
              + prefix.replaceAll("\\p{Cntrl}", "?")
              + "' in bucket "
              + bucket
              + " contains a control character: remove it");
    }
    return p.endsWith("/") ? p : p + "/";
  }
}
