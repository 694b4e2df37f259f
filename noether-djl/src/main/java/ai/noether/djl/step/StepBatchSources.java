package ai.noether.djl.step;

import ai.djl.ndarray.NDManager;
import ai.noether.api.Nullable;
import ai.noether.api.data.DataSource;
import ai.noether.api.data.Dataset;
import ai.noether.api.data.FieldDataset;
import java.util.IdentityHashMap;

/**
 * Where the step's batches come from: the training split's source with its optional {@link
 * Prefetcher}, and one source per evaluated split, opened on first use and kept until {@link
 * #close}. The training split evaluates from the training source.
 */
final class StepBatchSources implements AutoCloseable {
  private final BatchSource.Strategy strategy;
  private final BatchFields fields;
  private final NDManager manager;
  private final Dataset trainSplit;
  private final BatchSource train;
  private final @Nullable Prefetcher prefetcher;
  private final IdentityHashMap<Dataset, BatchSource> evaluationSources = new IdentityHashMap<>();

  /**
   * Opens the training split of {@code data}.
   *
   * @param manager the model's manager: batches live on its device
   * @param prefetchDepth batches gathered ahead of training; 0 for none
   * @throws IllegalArgumentException if the training split is not a {@link FieldDataset} with the
   *     fields
   */
  StepBatchSources(
      DataSource data,
      BatchFields fields,
      BatchSource.Strategy strategy,
      NDManager manager,
      int prefetchDepth) {
    this.strategy = strategy;
    this.fields = fields;
    this.manager = manager;
    this.trainSplit = data.train();
    this.train = strategy.open(fieldsOf(trainSplit, "train"), fields, manager, "training");
    this.prefetcher = prefetchDepth > 0 ? new Prefetcher(train, manager, prefetchDepth) : null;
  }

  /** The training split's source. */
  BatchSource train() {
    return train;
  }

  /** The prefetcher of training batches; null when {@code prefetch} is off. */
  @Nullable
  Prefetcher prefetcher() {
    return prefetcher;
  }

  /** The configured {@code prefetch}: 0 when off. */
  int prefetchDepth() {
    return prefetcher == null ? 0 : prefetcher.depth();
  }

  /** Starts gathering a training batch on the prefetching thread; nothing when off. */
  void announce(long[] sampleIndices) {
    if (prefetcher != null) {
      prefetcher.announce(sampleIndices);
    }
  }

  /**
   * The source of {@code dataset}, opened on its first evaluation.
   *
   * @throws IllegalArgumentException if {@code dataset} is not a {@link FieldDataset} with the
   *     fields
   */
  BatchSource forEvaluation(Dataset dataset, String split) {
    return dataset == trainSplit
        ? train
        : evaluationSources.computeIfAbsent(
            dataset, d -> strategy.open(fieldsOf(d, split), fields, manager, split));
  }

  private static FieldDataset fieldsOf(Dataset dataset, String split) {
    if (dataset instanceof FieldDataset t) {
      return t;
    }
    throw new IllegalArgumentException(
        "the supervised step trains on TensorDataset splits; the "
            + split
            + " split is a "
            + dataset.getClass().getName()
            + ". Return a TensorDataset (or any FieldDataset with the fields the step"
            + " names) from the dataset factory, or write a step for it.");
  }

  /** Stops the prefetcher and closes every source. */
  @Override
  public void close() {
    if (prefetcher != null) {
      prefetcher.close();
    }
    train.close();
    evaluationSources.values().forEach(BatchSource::close);
    evaluationSources.clear();
  }
}
