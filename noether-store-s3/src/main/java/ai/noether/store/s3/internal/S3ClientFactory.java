package ai.noether.store.s3.internal;

import ai.noether.api.ConfigException;
import ai.noether.store.s3.S3StoreConfig;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.s3.S3Client;

/** Builds the SDK client for a {@link S3StoreConfig}. */
public final class S3ClientFactory {
  /** First delay before retrying a failed request; doubles each time, with full jitter. */
  public static final Duration BASE_DELAY = Duration.ofMillis(100);

  /**
   * First delay before retrying a throttled request (503 SlowDown, 429); doubles, with full jitter.
   */
  public static final Duration THROTTLING_BASE_DELAY = Duration.ofMillis(250);

  /** No single wait between two attempts is longer. */
  public static final Duration MAX_DELAY = Duration.ofSeconds(20);

  private S3ClientFactory() {}

  /**
   * The region requests are signed for: configured, else the SDK's chain, else us-east-1 with an
   * endpoint.
   */
  public static Region region(S3StoreConfig config) {
    if (config.region() != null) {
      return Region.of(config.region());
    }
    if (config.endpoint() != null) {
      // S3-compatible servers accept any region; do not let the SDK's chain go looking for an
      // instance-metadata service just to sign for a local MinIO.
      String env = System.getenv("AWS_REGION");
      String prop = System.getProperty("aws.region");
      return Region.of(prop != null ? prop : env != null ? env : "us-east-1");
    }
    try {
      return new DefaultAwsRegionProviderChain().getRegion();
    } catch (SdkClientException e) {
      throw new ConfigException(
          "store.region is not set and the AWS SDK found no region (AWS_REGION, "
              + "~/.aws/config, instance metadata): set store.region to the bucket's region, e.g. eu-west-1",
          e);
    }
  }

  /** A client with the configured endpoint, addressing, retries and connection pool. */
  public static S3Client create(S3StoreConfig config, AwsCredentialsProvider credentials) {
    var retry =
        AwsRetryStrategy.standardRetryStrategy().toBuilder()
            .maxAttempts(config.maxRetries() + 1)
            .backoffStrategy(BackoffStrategy.exponentialDelay(BASE_DELAY, MAX_DELAY))
            .throttlingBackoffStrategy(
                BackoffStrategy.exponentialDelay(THROTTLING_BASE_DELAY, MAX_DELAY))
            // The token bucket stops retrying after a burst of failures across the whole client; a
            // checkpoint upload would rather wait than fail, so every request gets all its
            // attempts.
            .circuitBreakerEnabled(false)
            .build();
    var builder =
        S3Client.builder()
            .credentialsProvider(credentials)
            .region(region(config))
            .forcePathStyle(config.pathStyle())
            // The CRC32C is computed and verified by this layer over the whole object. SDK-added
            // checksum headers are refused by several S3-compatible servers (S3Proxy 2.6.0 answers
            // 501).
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
            .httpClientBuilder(
                Apache5HttpClient.builder()
                    .maxConnections(Math.max(50, config.uploadParallelism() * 4))
                    .connectionTimeout(Duration.ofSeconds(10))
                    .socketTimeout(Duration.ofSeconds(120)))
            .overrideConfiguration(o -> o.retryStrategy(retry));
    if (config.endpoint() != null) {
      builder.endpointOverride(config.endpointUri());
    }
    return builder.build();
  }
}
