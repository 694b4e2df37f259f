package ai.noether.store.s3;

import ai.noether.api.ConfigException;
import ai.noether.api.Nullable;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * How to talk to an S3-compatible server. Credentials are never part of it: they come from the
 * standard AWS SDK chain (environment {@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY}, the
 * {@code aws.accessKeyId} system properties, {@code ~/.aws/credentials} and {@code AWS_PROFILE},
 * web identity, container and instance roles), so that no secret lands in a config file or a
 * checkpoint.
 *
 * <pre>{@code
 * output_dir: s3://my-checkpoints/runs   # the scheme selects the S3 store
 * store:
 *   kind: s3
 *   endpoint: http://127.0.0.1:9000      # optional: omit for AWS S3
 *   region: us-east-1                    # optional: AWS_REGION / profile, else us-east-1 with an endpoint
 *   path_style: true                     # optional: MinIO, Ceph and S3Proxy need it; default false
 *   part_size_mib: 16                    # optional: multipart part size, 5 to 1024; default 16
 *   upload_parallelism: 4                # optional: parts in flight per upload, 1 to 64; default 4
 *   max_retries: 8                       # optional: retries of a throttled or failed request; default 8
 *   conditional_writes: auto             # optional: auto | native | emulated; default auto
 * }</pre>
 *
 * <p><b>Note:</b> an upload holds at most {@code (upload_parallelism + 1) * part_size_mib} MiB of
 * part buffers (80 MiB with the defaults), whatever the size of the file.
 *
 * @param endpoint {@code endpoint}: the server's URL ({@code http(s)://host[:port]}); null for AWS
 *     S3
 * @param region {@code region}: the signing region; null for the SDK's region chain
 * @param pathStyle {@code path_style}: {@code true} for {@code http://host/bucket/key} addressing
 *     (MinIO, Ceph, S3Proxy), {@code false} for {@code http://bucket.host/key} (AWS)
 * @param partSizeMib {@code part_size_mib}: the size of each multipart part in MiB; files smaller
 *     than one part are sent in one request. Raised automatically when a file would need more than
 *     the 10,000 parts S3 allows
 * @param uploadParallelism {@code upload_parallelism}: how many parts of one file are uploaded at
 *     once
 * @param maxRetries {@code max_retries}: how often a throttled (503 SlowDown, 429) or transiently
 *     failed request is retried, with exponential backoff and full jitter, before the error is
 *     reported
 * @param conditionalWrites {@code conditional_writes}: whether the server's {@code If-None-Match}
 *     and {@code If-Match} on PUT are used ({@code native}), emulated by a HEAD before the PUT,
 *     which is correct only while one process writes a stage ({@code emulated}), or probed when the
 *     store opens ({@code auto})
 * @param leaseSeconds {@code lease_seconds}: how long a stage's writer lease lasts without being
 *     renewed; the holder renews it every third of that, so a writer that was killed on another
 *     machine blocks the stage at most this long (one on this machine not at all)
 * @param cacheDir {@code cache_dir}: a local directory for the cache tier, or null for none: saves
 *     are committed there (as by the file store) and uploaded in the background; reads take the
 *     newer tier per tag. Relative to the working directory
 */
public record S3StoreConfig(
    @JsonProperty("endpoint") @Nullable String endpoint,
    @JsonProperty("region") @Nullable String region,
    @JsonProperty("path_style") Boolean pathStyle,
    @JsonProperty("part_size_mib") Integer partSizeMib,
    @JsonProperty("upload_parallelism") Integer uploadParallelism,
    @JsonProperty("max_retries") Integer maxRetries,
    @JsonProperty("conditional_writes") ConditionalWrites conditionalWrites,
    @JsonProperty("lease_seconds") Integer leaseSeconds,
    @JsonProperty("cache_dir") @Nullable String cacheDir) {

  /** S3's smallest part (all parts but the last), in MiB. */
  public static final int MIN_PART_SIZE_MIB = 5;

  /** The largest part, in MiB: S3 allows 5 GiB, but a part is held in one Java array. */
  public static final int MAX_PART_SIZE_MIB = 1024;

  /** How create-only and compare-and-swap puts are carried out. */
  public enum ConditionalWrites {
    /**
     * Probe the server once when the store opens and use {@link #NATIVE} where it honours the
     * headers.
     */
    @JsonProperty("auto")
    AUTO,
    /**
     * Send {@code If-None-Match: *} and {@code If-Match: <etag>}; the server decides atomically.
     */
    @JsonProperty("native")
    NATIVE,
    /**
     * HEAD the key and compare before an unconditional PUT, serialised per key inside this process.
     * Correct only while a single process writes the keys concerned (the stage's writer claim).
     */
    @JsonProperty("emulated")
    EMULATED;

    /** Parses a config value, case-insensitively. */
    public static ConditionalWrites parse(String value) {
      try {
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
      } catch (RuntimeException e) {
        throw new ConfigException(
            "conditional_writes: '" + value + "' is not valid; use auto, native or emulated");
      }
    }
  }

  /** Validates and fills in defaults; every error names the key and the valid range. */
  public S3StoreConfig {
    if (endpoint != null && endpoint.isBlank()) {
      endpoint = null;
    }
    if (endpoint != null) {
      endpoint = validateEndpoint(endpoint.trim());
    }
    if (region != null && region.isBlank()) {
      region = null;
    }
    pathStyle = pathStyle != null && pathStyle;
    partSizeMib = inRange("part_size_mib", partSizeMib, 16, MIN_PART_SIZE_MIB, MAX_PART_SIZE_MIB);
    uploadParallelism = inRange("upload_parallelism", uploadParallelism, 4, 1, 64);
    maxRetries = inRange("max_retries", maxRetries, 8, 0, 30);
    conditionalWrites = conditionalWrites == null ? ConditionalWrites.AUTO : conditionalWrites;
    leaseSeconds = inRange("lease_seconds", leaseSeconds, 60, 5, 3600);
    if (cacheDir != null && cacheDir.isBlank()) {
      cacheDir = null;
    }
  }

  /** Every key but {@code lease_seconds} and {@code cache_dir}, which get their defaults. */
  // The canonical constructor replaces a null of every optional setting by its default (as it does
  // for keys a configuration leaves out): NullAway cannot see that these components are nullable
  // only until then.
  @SuppressWarnings("NullAway")
  public S3StoreConfig(
      @Nullable String endpoint,
      @Nullable String region,
      Boolean pathStyle,
      Integer partSizeMib,
      Integer uploadParallelism,
      Integer maxRetries,
      ConditionalWrites conditionalWrites) {
    this(
        endpoint,
        region,
        pathStyle,
        partSizeMib,
        uploadParallelism,
        maxRetries,
        conditionalWrites,
        null,
        null);
  }

  /** Every key at its default: AWS S3, the SDK's region and credentials. */
  // The canonical constructor replaces a null of every optional setting by its default (as it does
  // for keys a configuration leaves out): NullAway cannot see that these components are nullable
  // only until then.
  @SuppressWarnings("NullAway")
  public static S3StoreConfig defaults() {
    return new S3StoreConfig(null, null, null, null, null, null, null, null, null);
  }

  /**
   * The configuration for an S3-compatible server at {@code endpoint} with path-style addressing.
   */
  @SuppressWarnings("NullAway") // as above: null means the default
  public static S3StoreConfig forEndpoint(String endpoint) {
    return new S3StoreConfig(endpoint, null, true, null, null, null, null, null, null);
  }

  /** A copy with another part size and upload parallelism. */
  public S3StoreConfig withParts(int partSizeMib, int uploadParallelism) {
    return copy(
        c -> {
          c.partSizeMib = partSizeMib;
          c.uploadParallelism = uploadParallelism;
        });
  }

  /** A copy with another retry count. */
  public S3StoreConfig withMaxRetries(int maxRetries) {
    return copy(c -> c.maxRetries = maxRetries);
  }

  /** A copy with another endpoint and addressing. */
  public S3StoreConfig withEndpoint(String endpoint, boolean pathStyle) {
    return copy(
        c -> {
          c.endpoint = endpoint;
          c.pathStyle = pathStyle;
        });
  }

  /**
   * The endpoint the AWS SDKs' shared configuration names when none is configured: the system
   * property {@code aws.endpointUrlS3} or {@code aws.endpointUrl}, else the environment variable
   * {@code AWS_ENDPOINT_URL_S3} or {@code AWS_ENDPOINT_URL}. Such an endpoint is addressed
   * path-style, which S3-compatible servers need and AWS accepts. Commands that open a store from
   * {@code --output-dir} alone ({@code resume}, {@code runs}, {@code verify}) reach a MinIO this
   * way.
   */
  public S3StoreConfig withEndpointFromEnvironment() {
    if (endpoint != null) {
      return this;
    }
    for (String value :
        new String[] {
          System.getProperty("aws.endpointUrlS3"),
          System.getProperty("aws.endpointUrl"),
          System.getenv("AWS_ENDPOINT_URL_S3"),
          System.getenv("AWS_ENDPOINT_URL")
        }) {
      if (value != null && !value.isBlank()) {
        return withEndpoint(value.strip(), true);
      }
    }
    return this;
  }

  /** A copy with a local cache tier in {@code dir} (null: none). */
  public S3StoreConfig withCacheDir(String dir) {
    return copy(c -> c.cacheDir = dir);
  }

  /** A copy with another lease duration. */
  public S3StoreConfig withLeaseSeconds(int seconds) {
    return copy(c -> c.leaseSeconds = seconds);
  }

  /** A copy with another conditional-write mode. */
  public S3StoreConfig withConditionalWrites(ConditionalWrites mode) {
    return copy(c -> c.conditionalWrites = mode);
  }

  /** The part size in bytes. */
  public long partSizeBytes() {
    return partSizeMib * 1024L * 1024L;
  }

  /** The endpoint as a URI, or null for AWS S3. */
  public @Nullable URI endpointUri() {
    return endpoint == null ? null : URI.create(endpoint);
  }

  /** A copy of this configuration with {@code change} made to its settings, validated anew. */
  private S3StoreConfig copy(Consumer<Settings> change) {
    Settings c = new Settings(this);
    change.accept(c);
    return new S3StoreConfig(
        c.endpoint,
        c.region,
        c.pathStyle,
        c.partSizeMib,
        c.uploadParallelism,
        c.maxRetries,
        c.conditionalWrites,
        c.leaseSeconds,
        c.cacheDir);
  }

  /** The settings of a configuration being copied, one field per component. */
  private static final class Settings {
    @Nullable String endpoint;
    @Nullable String region;
    boolean pathStyle;
    int partSizeMib;
    int uploadParallelism;
    int maxRetries;
    ConditionalWrites conditionalWrites;
    int leaseSeconds;
    @Nullable String cacheDir;

    Settings(S3StoreConfig config) {
      endpoint = config.endpoint;
      region = config.region;
      pathStyle = config.pathStyle;
      partSizeMib = config.partSizeMib;
      uploadParallelism = config.uploadParallelism;
      maxRetries = config.maxRetries;
      conditionalWrites = config.conditionalWrites;
      leaseSeconds = config.leaseSeconds;
      cacheDir = config.cacheDir;
    }
  }

  private static String validateEndpoint(String value) {
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      throw new ConfigException(
          "endpoint: '"
              + value
              + "' is not a URL; write e.g. http://127.0.0.1:9000 "
              + "or https://s3.example.com",
          e);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
      throw new ConfigException(
          "endpoint: '"
              + value
              + "' must be an http:// or https:// URL with a host, "
              + "e.g. http://127.0.0.1:9000 or https://s3.example.com (the bucket goes into output_dir: s3://bucket/prefix)");
    }
    if (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/")) {
      throw new ConfigException(
          "endpoint: '"
              + value
              + "' has a path; the endpoint is the server only "
              + "(e.g. "
              + scheme
              + "://"
              + uri.getRawAuthority()
              + "), the bucket and prefix go into "
              + "output_dir: s3://bucket/prefix");
    }
    return value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
  }

  private static int inRange(String key, Integer value, int dflt, int min, int max) {
    if (value == null) {
      return dflt;
    }
    if (value < min || value > max) {
      throw new ConfigException(
          key
              + ": "
              + value
              + " is out of range; use "
              + min
              + " to "
              + max
              + " (default "
              + dflt
              + ")");
    }
    return value;
  }
}
