package ai.noether.core.run;

import ai.noether.api.Nullable;
import ai.noether.api.data.DataSource;
import ai.noether.api.model.Model;
import ai.noether.core.config.ComponentBlock;
import ai.noether.core.config.ConfigKeys;
import ai.noether.core.config.RunConfig;
import ai.noether.core.config.ScalerConfig;
import ai.noether.core.data.ScaledDataSource;
import ai.noether.core.registry.ComponentCategory;
import ai.noether.core.registry.ComponentRegistry;
import ai.noether.core.registry.RunContext;
import ai.noether.core.resume.LoadedCheckpoint;
import java.io.IOException;
import java.util.Objects;
import java.util.Optional;

/**
 * What the data and the model start from, the two places where a fresh start and a resume differ
 * before training: a fresh stage fits {@code dataset.scaler} on the training split and runs the
 * model's initializers; a resumed one takes the scaler's parameters and the weights from the
 * checkpoint.
 */
final class StartingState {
  private StartingState() {}

  /**
   * The data with {@code dataset.scaler} applied, or {@code data} itself without a scaler.
   *
   * @param resumedFrom the checkpoint resumed from, or null on a fresh start
   * @throws ai.noether.api.ConfigException placed at the dataset block when the scaler cannot be
   *     fitted or its saved parameters do not fit the data
   */
  static DataSource scaled(
      RunConfig config, DataSource data, @Nullable LoadedCheckpoint resumedFrom) {
    Optional<ScalerConfig> scaler =
        ScalerConfig.ofDataset(config.toPlainTree().get(ConfigKeys.DATASET));
    if (scaler.isEmpty()) {
      return data;
    }
    Object saved = resumedFrom == null ? null : StageStart.savedState(resumedFrom).scalerParams();
    try {
      return ScaledDataSource.of(data, scaler.get(), saved);
    } catch (IllegalArgumentException e) {
      throw config.dataset().error(Objects.requireNonNullElse(e.getMessage(), e.toString()));
    }
  }

  /**
   * Loads the checkpoint's weights into {@code model} on a resume; otherwise runs the configured
   * initializers in order (each logs what it copied and what it kept fresh).
   */
  static void initialize(
      Model model,
      RunConfig config,
      ComponentRegistry registry,
      RunContext context,
      @Nullable LoadedCheckpoint resumedFrom)
      throws IOException {
    if (resumedFrom != null) {
      model.load(resumedFrom.stateDict(), true);
      return;
    }
    for (ComponentBlock block : config.model().initializers()) {
      registry.create(ComponentCategory.INITIALIZER, block, context).initialize(model);
    }
  }
}
