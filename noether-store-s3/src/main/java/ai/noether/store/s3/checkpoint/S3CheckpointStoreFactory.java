package ai.noether.store.s3.checkpoint;

import ai.noether.api.ConfigException;
import ai.noether.api.checkpoint.CheckpointStore;
import ai.noether.api.checkpoint.StoreLocation;
import ai.noether.api.spi.CheckpointStoreFactory;
import ai.noether.api.spi.ComponentContext;
import ai.noether.core.store.FileCheckpointStore;
import ai.noether.store.s3.S3Location;
import ai.noether.store.s3.S3ObjectStore;
import ai.noether.store.s3.S3StoreConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/**
 * The {@code s3} kind, selected by {@code output_dir: s3://bucket/prefix}: checkpoints in an
 * S3-compatible bucket ({@link S3CheckpointStore}), reached through the standard AWS credential
 * chain; with {@code cache_dir}, behind a local cache tier ({@link CachedCheckpointStore}) kept in
 * {@code <cache_dir>/<bucket>/<prefix>}.
 */
public final class S3CheckpointStoreFactory implements CheckpointStoreFactory<S3StoreConfig> {
  /** The permanent kind name, also the URI scheme. */
  public static final String KIND = "s3";

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Class<S3StoreConfig> configType() {
    return S3StoreConfig.class;
  }

  @Override
  public String description() {
    return "checkpoints in an S3-compatible bucket (AWS S3, MinIO, Ceph), committed by create-only manifests and "
        + "compare-and-swap pointers";
  }

  @Override
  public Set<String> schemes() {
    return Set.of(S3Location.SCHEME);
  }

  /**
   * Opens the bucket: checks that it can be reached with the credentials of the standard chain and
   * probes conditional writes.
   *
   * @throws IllegalArgumentException for a location that is not a valid {@code s3://bucket/prefix}
   * @throws ai.noether.store.s3.S3StoreException naming the endpoint and bucket, when it cannot be
   *     reached, does not exist or refuses the credentials
   */
  @Override
  public CheckpointStore create(
      S3StoreConfig config, StoreLocation location, ComponentContext context) {
    S3Location where;
    try {
      where = S3Location.parse(location.uri().toString());
    } catch (ConfigException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    S3StoreConfig c =
        (config == null ? S3StoreConfig.defaults() : config).withEndpointFromEnvironment();
    return open(where, c);
  }

  /** The store at {@code location} with {@code config}, credentials from the standard AWS chain. */
  public static CheckpointStore open(S3Location location, S3StoreConfig config) {
    S3CheckpointStore bucket =
        new S3CheckpointStore(
            S3ObjectStore.open(location, config), Duration.ofSeconds(config.leaseSeconds()), null);
    if (config.cacheDir() == null) {
      return bucket;
    }
    Path dir =
        Path.of(config.cacheDir())
            .toAbsolutePath()
            .normalize()
            .resolve(location.bucket())
            .resolve(location.prefix().isEmpty() ? "_" : location.prefix());
    return new CachedCheckpointStore(FileCheckpointStore.open(dir), bucket);
  }
}
