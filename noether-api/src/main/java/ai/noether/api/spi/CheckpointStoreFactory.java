package ai.noether.api.spi;

import ai.noether.api.checkpoint.CheckpointStore;
import ai.noether.api.checkpoint.StoreLocation;
import java.util.Set;

/**
 * Builds checkpoint stores; listed in {@code
 * META-INF/services/ai.noether.api.spi.CheckpointStoreFactory}.
 *
 * <p>The scheme of {@code output_dir} selects the factory: {@code file} (and plain paths) the file
 * store, {@code s3} the factory that declares it in {@link #schemes}. A {@code store:} block may
 * name the kind explicitly; it must then serve the scheme of {@code output_dir}. Store-specific
 * keys ({@code fsync}; for S3 {@code endpoint}, {@code region}, {@code path_style}) go in that
 * block and bind to the factory's config type.
 */
public interface CheckpointStoreFactory<C> extends ComponentFactory<C> {

  /**
   * The URI schemes this factory serves, in lower case ({@code file}, {@code s3}); never empty. A
   * scheme belongs to one factory: the first on the class path wins, as for kinds.
   */
  Set<String> schemes();

  /**
   * A store rooted at {@code location}, whose scheme is one of {@link #schemes}.
   *
   * @param config the bound {@code store:} block; null when the configuration has none
   * @param context the run's services; null when a command reads a store outside a run
   * @throws IllegalArgumentException naming what in the location or the config is wrong; it becomes
   *     a configuration error naming the block
   */
  CheckpointStore create(C config, StoreLocation location, ComponentContext context);
}
