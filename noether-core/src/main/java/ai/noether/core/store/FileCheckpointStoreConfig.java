package ai.noether.core.store;

import ai.noether.api.Nullable;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Configuration of the {@code file} checkpoint store, the default. The store is rooted at the run's
 * {@code output_dir}; the {@code store} block itself is optional.
 *
 * <pre>{@code
 * output_dir: /data/runs
 * store:
 *   kind: file
 *   fsync: true
 * }</pre>
 *
 * @param fsync force every committed file and directory to the device (default {@code true}); turn
 *     it off only for scratch runs on storage where a power failure loses nothing you need: commits
 *     stay atomic when a process dies, but not when the machine does
 */
public record FileCheckpointStoreConfig(@JsonProperty("fsync") @Nullable Boolean fsync) {

  /** The defaults: fsync on. */
  public static FileCheckpointStoreConfig defaults() {
    return new FileCheckpointStoreConfig(null);
  }

  /** {@link #fsync}, with its default applied. */
  public boolean fsyncOrDefault() {
    return fsync == null || fsync;
  }
}
