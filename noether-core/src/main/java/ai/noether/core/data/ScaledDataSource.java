package ai.noether.core.data;

import ai.noether.api.Nullable;
import ai.noether.api.checkpoint.CheckpointKeys;
import ai.noether.api.data.DataSource;
import ai.noether.api.data.Dataset;
import ai.noether.api.data.FieldDataset;
import ai.noether.core.config.ScalerConfig;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A data source whose splits are normalised by one {@link Scaler}: fitted on the training split
 * when a stage starts fresh, or rebuilt from the {@value CheckpointKeys#SCALER_PARAMS} a checkpoint
 * saved when it resumes (never refitted, even if the training data changed). The parameters are
 * added to the source's {@link #extras()}, so every model file carries them.
 */
public final class ScaledDataSource implements DataSource {
  private static final Logger LOG = LoggerFactory.getLogger(ScaledDataSource.class);
  private final DataSource source;
  private final Scaler scaler;
  private final FieldDataset train;
  private final Optional<Dataset> validation;
  private final Optional<Dataset> test;
  private final Map<String, Object> extras;

  private ScaledDataSource(DataSource source, Scaler scaler) {
    this.source = source;
    this.scaler = scaler;
    this.train = new ScaledFieldDataset(fields(source.train(), "training"), scaler, "training");
    this.validation =
        source
            .validation()
            .map(v -> new ScaledFieldDataset(fields(v, "validation"), scaler, "validation"));
    this.test = source.test().map(t -> new ScaledFieldDataset(fields(t, "test"), scaler, "test"));
    Map<String, Object> e = new LinkedHashMap<>(source.extras());
    e.put(CheckpointKeys.SCALER_PARAMS, scaler.toParams());
    this.extras = Collections.unmodifiableMap(e);
  }

  /**
   * {@code source} with its fields scaled as {@code config} says: by the scaler {@code saved}
   * describes (a checkpoint's {@value CheckpointKeys#SCALER_PARAMS}) when there is one, else by a
   * scaler fitted now on the training split.
   *
   * @throws IllegalArgumentException naming the field or parameter that does not fit
   */
  public static ScaledDataSource of(
      DataSource source, ScalerConfig config, @Nullable Object saved) {
    if (saved != null) {
      Scaler scaler = Scaler.fromParams(saved);
      if (!scaler.fields().equals(new java.util.HashSet<>(config.fields()))
          || !scaler.kind().equals(config.kind())) {
        LOG.warn(
            "the checkpoint's scaler ({} of {}) differs from dataset.scaler ({} of {}); the checkpoint's"
                + " parameters are used, as the model was trained with them",
            scaler.kind(),
            scaler.fields(),
            config.kind(),
            config.fields());
      }
      LOG.info(
          "scaling {} with the parameters saved in the checkpoint (not refitted)", scaler.fields());
      return new ScaledDataSource(source, scaler);
    }
    long started = System.nanoTime();
    Scaler scaler = Scaler.fit(config, fields(source.train(), "training"));
    LOG.info(
        "fitted a {} scaler of {} on {} training samples in {} ms",
        config.kind(),
        config.fields(),
        source.train().size(),
        (System.nanoTime() - started) / 1_000_000);
    return new ScaledDataSource(source, scaler);
  }

  /** {@code source} scaled by the parameters a model file or checkpoint holds, for inference. */
  public static ScaledDataSource withParams(DataSource source, Object scalerParams) {
    return new ScaledDataSource(source, Scaler.fromParams(scalerParams));
  }

  private static FieldDataset fields(Dataset split, String name) {
    if (split instanceof FieldDataset f) {
      return f;
    }
    throw new IllegalArgumentException(
        "dataset.scaler needs datasets with named fields (FieldDataset); the "
            + name
            + " split is a "
            + split.getClass().getName());
  }

  /** The scaler applied. */
  public Scaler scaler() {
    return scaler;
  }

  /** The source without scaling. */
  public DataSource unscaled() {
    return source;
  }

  @Override
  public Dataset train() {
    return train;
  }

  @Override
  public Optional<Dataset> validation() {
    return validation;
  }

  @Override
  public Optional<Dataset> test() {
    return test;
  }

  @Override
  public Map<String, Object> extras() {
    return extras;
  }
}
