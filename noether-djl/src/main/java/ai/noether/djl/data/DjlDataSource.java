package ai.noether.djl.data;

import ai.djl.training.dataset.RandomAccessDataset;
import ai.noether.api.Nullable;
import ai.noether.api.data.DataSource;
import ai.noether.api.data.Dataset;
import java.util.Objects;
import java.util.Optional;

/**
 * The splits of a dataset factory built from DJL datasets: what a user's {@code DatasetFactory}
 * returns to train on, say, DJL's basic datasets ({@code return DjlDataSource.of(train, valid,
 * null);}).
 */
public final class DjlDataSource implements DataSource {
  private final Dataset train;
  private final @Nullable Dataset valid;
  private final @Nullable Dataset test;

  private DjlDataSource(Dataset train, @Nullable Dataset valid, @Nullable Dataset test) {
    this.train = Objects.requireNonNull(train, "train");
    this.valid = valid;
    this.test = test;
  }

  /**
   * Wraps prepared DJL datasets, each with {@link DjlFieldDataset#of(RandomAccessDataset)}.
   *
   * @param valid the validation split, or null
   * @param test the test split, or null
   */
  public static DjlDataSource of(
      RandomAccessDataset train, RandomAccessDataset valid, RandomAccessDataset test) {
    return new DjlDataSource(
        DjlFieldDataset.of(train),
        valid == null ? null : DjlFieldDataset.of(valid),
        test == null ? null : DjlFieldDataset.of(test));
  }

  @Override
  public Dataset train() {
    return train;
  }

  @Override
  public Optional<Dataset> validation() {
    return Optional.ofNullable(valid);
  }

  @Override
  public Optional<Dataset> test() {
    return Optional.ofNullable(test);
  }
}
