package ai.noether.core.checkpoint;

import ai.noether.api.NoetherException;
import ai.noether.api.Nullable;
import ai.noether.api.checkpoint.CheckpointKeys;
import ai.noether.api.checkpoint.CorruptCheckpointException;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.TrainingIteration;
import ai.noether.api.checkpoint.UnsupportedCheckpointFormatException;
import ai.noether.api.tensor.HostTensor;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The one writer and reader of the {@code _trainer.th} tree: the trainer's counters, data position,
 * callback states, metrics, log window, history, lineage and resolved configuration. Every key it
 * uses is a constant in {@link CheckpointKeys}; no other class names them, so the schema changes in
 * one place (an architecture test checks it).
 *
 * <p>The tree starts with the metadata every checkpoint file has ({@link CheckpointContents} lays
 * it out, including {@code noether_format_version}); reading checks that version first ({@link
 * CheckpointLayout#version}): a file written in a newer format than this build reads fails with an
 * {@link UnsupportedCheckpointFormatException} naming the file and both versions, while files
 * without a version (Noether (Python), or written before the version existed) are read with the
 * defaults below.
 *
 * <p>Reading is lenient where the code before this class was: a missing entry reads as its default
 * (no callback states, no metrics, an empty log window, ...), so files of older builds keep
 * loading. The nested states of callbacks, schedules and the metric history belong to those
 * components; this class stores them as they come.
 */
public final class TrainerStateFile {
  /**
   * Where Noether (Python) keeps its callbacks' states: a resume from its checkpoint leaves our
   * callbacks fresh, and says so naming this key.
   */
  public static final String PYTHON_CALLBACK_STATES = CheckpointKeys.CALLBACK_STATE_DICTS;

  private final Map<String, Object> tree;
  private final String file;

  private TrainerStateFile(Map<String, Object> tree, String file) {
    this.tree = tree;
    this.file = file;
  }

  // ---- writing

  /** The trainer's part of the tree, in the order it is written; its values are not copied. */
  public static Map<String, Object> tree(TrainerState state) {
    Map<String, Object> tree = new LinkedHashMap<>();
    tree.put(CheckpointKeys.BATCH_IN_EPOCH, state.batchInEpoch());
    TrainerState.Accumulation window = state.accumulation();
    if (window != null) {
      // Inside an accumulation window: the gradients summed so far are part of the state.
      tree.put(CheckpointKeys.ACCUMULATED_BATCHES, window.batches());
      tree.put(CheckpointKeys.ACCUMULATE_GRAD_BATCHES, window.accumulateGradBatches());
      tree.put(
          CheckpointKeys.ACCUMULATED_GRADIENTS,
          new LinkedHashMap<String, Object>(window.gradients()));
    }
    tree.put(CheckpointKeys.SEED, state.seed());
    tree.put(CheckpointKeys.CALLBACKS, new LinkedHashMap<>(state.callbacks()));
    tree.put(CheckpointKeys.METRICS, new LinkedHashMap<String, Object>(state.metrics()));
    tree.put(
        CheckpointKeys.LAST_EVALUATED,
        state.lastEvaluated() == null ? null : state.lastEvaluated().toString());
    tree.put(CheckpointKeys.LOG_WINDOW, windowTree(state.logWindow()));
    tree.put(CheckpointKeys.LAST_LEARNING_RATE, state.lastLearningRate());
    tree.put(CheckpointKeys.HISTORY, state.history());
    tree.put(CheckpointKeys.LINEAGE, List.copyOf(state.lineage()));
    tree.put(CheckpointKeys.CONFIG, state.config());
    if (state.scalerParams() != null) {
      // The resume reads them from here, so that a resumed stage scales as the checkpoint's model
      // was trained.
      tree.put(CheckpointKeys.SCALER_PARAMS, state.scalerParams());
    }
    return tree;
  }

  /**
   * The whole file: the metadata every checkpoint file starts with, the trainer's part ({@link
   * #tree}) and, from format 2 on, the callback states again as the list Noether (Python) reads.
   *
   * @param writeVersion the format version the metadata names
   */
  static Map<String, Object> fileTree(
      Map<String, Object> metadata, Map<String, Object> trainer, long writeVersion) {
    Map<String, Object> tree = new LinkedHashMap<>(metadata);
    tree.putAll(trainer);
    if (writeVersion >= 2 && tree.get(CheckpointKeys.CALLBACKS) instanceof Map<?, ?> callbacks) {
      // The same state objects as under callbacks: tensors in them are stored once.
      tree.put(CheckpointKeys.CALLBACK_STATE_DICTS, new ArrayList<Object>(callbacks.values()));
    }
    return tree;
  }

  /**
   * A lineage entry: where a resumed run came from. The trainer appends it to the lineage the
   * checkpoint holds, so later checkpoints carry the whole chain.
   *
   * @param tag the tag the checkpoint was committed under (not the alias it was selected by)
   * @param checksum the checksums of the checkpoint's files
   */
  public static Map<String, Object> lineageEntry(
      StageId stage, String tag, TrainingIteration iteration, String checksum, Instant resumedAt) {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put(CheckpointKeys.RUN_ID, stage.runId());
    entry.put(CheckpointKeys.STAGE_NAME, stage.stageName());
    entry.put(CheckpointKeys.CHECKPOINT_TAG, tag);
    entry.put(CheckpointKeys.TRAINING_ITERATION, iteration.toString());
    entry.put(CheckpointKeys.CHECKSUM, checksum);
    entry.put(CheckpointKeys.RESUMED_AT, resumedAt.toString());
    return entry;
  }

  private static Map<String, Object> windowTree(TrainerState.WindowSums window) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put(CheckpointKeys.LOG_WINDOW_LOSS_SUM, window.lossSum());
    s.put(CheckpointKeys.LOG_WINDOW_COUNT, window.count());
    s.put(CheckpointKeys.LOG_WINDOW_SAMPLES, window.samples());
    if (!window.metricSums().isEmpty()) {
      // Only when a step reports metrics, so checkpoints of loss-only steps stay as they were.
      Map<String, Object> sums = new LinkedHashMap<>();
      window.metricSums().forEach((k, v) -> sums.put(k, List.of(v[0], (long) v[1])));
      s.put(CheckpointKeys.LOG_WINDOW_METRIC_SUMS, sums);
    }
    return s;
  }

  // ---- reading

  /**
   * The trainer file's tree, after checking its format version.
   *
   * @param file names the file in messages
   * @throws UnsupportedCheckpointFormatException when the file was written in a newer format than
   *     this build reads (or its version is not a version), naming the file and the versions
   */
  public static TrainerStateFile read(Map<String, Object> tree, String file) {
    CheckpointLayout.version(tree, file);
    return new TrainerStateFile(tree, file);
  }

  /**
   * True for a trainer file of Noether (Python): it records no position in the epoch (it
   * checkpoints at the start of one) and none of our keys.
   */
  public boolean writtenByPython() {
    return !tree.containsKey(CheckpointKeys.BATCH_IN_EPOCH)
        && !tree.containsKey(CheckpointKeys.FORMAT_VERSION);
  }

  /** Batches of the current epoch already trained; 0 when the file does not say. */
  public long batchInEpoch() {
    return longValue(CheckpointKeys.BATCH_IN_EPOCH, 0);
  }

  /** Batches of the accumulation window the file was written inside; 0 at an update boundary. */
  public long accumulatedBatches() {
    return longValue(CheckpointKeys.ACCUMULATED_BATCHES, 0);
  }

  /** {@code trainer.accumulate_grad_batches} of the run that wrote a file taken inside a window. */
  public Optional<Object> accumulateGradBatches() {
    return Optional.ofNullable(tree.get(CheckpointKeys.ACCUMULATE_GRAD_BATCHES));
  }

  /**
   * The gradients summed so far in the window the file was written inside.
   *
   * @throws NoetherException naming the key when the file holds none
   */
  @SuppressWarnings("unchecked")
  public Map<String, HostTensor> accumulatedGradients() {
    Object gradients = tree.get(CheckpointKeys.ACCUMULATED_GRADIENTS);
    if (!(gradients instanceof Map<?, ?>)) {
      throw new NoetherException(
          "the checkpoint was taken inside a gradient-accumulation window but holds no '"
              + CheckpointKeys.ACCUMULATED_GRADIENTS
              + "'");
    }
    return (Map<String, HostTensor>) gradients;
  }

  /** The callbacks' states by state key; empty when none were saved. */
  @SuppressWarnings("unchecked")
  public Map<String, Object> callbackStates() {
    return (Map<String, Object>) tree.getOrDefault(CheckpointKeys.CALLBACKS, Map.of());
  }

  /** The most recent value of every logged metric, in file order; empty when none were saved. */
  @SuppressWarnings("unchecked")
  public Map<String, Double> metrics() {
    Map<String, Double> metrics = new LinkedHashMap<>();
    ((Map<String, Object>) tree.getOrDefault(CheckpointKeys.METRICS, Map.of()))
        .forEach((k, v) -> metrics.put(k, ((Number) v).doubleValue()));
    return metrics;
  }

  /** The iteration of the most recent evaluation, if the file records one. */
  public Optional<TrainingIteration> lastEvaluated() {
    return tree.get(CheckpointKeys.LAST_EVALUATED) instanceof String s
        ? Optional.of(TrainingIteration.parse(s))
        : Optional.empty();
  }

  /** The training-loss window since the last log line; empty when the file has none. */
  @SuppressWarnings("unchecked")
  public TrainerState.WindowSums logWindow() {
    Map<String, Object> s =
        (Map<String, Object>) tree.getOrDefault(CheckpointKeys.LOG_WINDOW, Map.of());
    Map<String, double[]> metricSums = new LinkedHashMap<>();
    if (s.get(CheckpointKeys.LOG_WINDOW_METRIC_SUMS) instanceof Map<?, ?> sums) {
      sums.forEach(
          (k, v) -> {
            List<?> pair = (List<?>) v;
            metricSums.put(
                (String) k,
                new double[] {
                  ((Number) pair.get(0)).doubleValue(), ((Number) pair.get(1)).doubleValue()
                });
          });
    }
    return new TrainerState.WindowSums(
        s.get(CheckpointKeys.LOG_WINDOW_LOSS_SUM) instanceof Number n ? n.doubleValue() : 0,
        s.get(CheckpointKeys.LOG_WINDOW_COUNT) instanceof Number n ? n.longValue() : 0,
        s.get(CheckpointKeys.LOG_WINDOW_SAMPLES) instanceof Number n ? n.longValue() : 0,
        metricSums);
  }

  /** The metric history's own state, if the file holds one. */
  @SuppressWarnings("unchecked")
  public Optional<Map<String, Object>> history() {
    return Optional.ofNullable((Map<String, Object>) tree.get(CheckpointKeys.HISTORY));
  }

  /**
   * Where the run that wrote the file came from, oldest first; empty when the file does not say.
   */
  @SuppressWarnings("unchecked")
  public List<Object> lineage() {
    return (List<Object>) tree.getOrDefault(CheckpointKeys.LINEAGE, List.of());
  }

  /** The learning rate of the most recent update; empty for files written before it was saved. */
  public OptionalDouble lastLearningRate() {
    return tree.get(CheckpointKeys.LAST_LEARNING_RATE) instanceof Number saved
        ? OptionalDouble.of(saved.doubleValue())
        : OptionalDouble.empty();
  }

  /** The resolved configuration of the run that wrote the file; empty when it holds none. */
  public Optional<Map<String, Object>> config() {
    return savedConfig(tree);
  }

  /** The data scaler's parameters; null when the data was not scaled. */
  @Nullable
  public Object scalerParams() {
    return tree.get(CheckpointKeys.SCALER_PARAMS);
  }

  /** The tag the checkpoint was committed under, as its metadata records it. */
  public Optional<String> checkpointTag() {
    return tree.get(CheckpointKeys.CHECKPOINT_TAG) instanceof String tag
        ? Optional.of(tag)
        : Optional.empty();
  }

  /**
   * The iteration a Noether (Python) trainer file records under {@code training_iteration}; empty
   * for our own files (their iteration is the one the store committed) and for files without it.
   *
   * @throws CorruptCheckpointException when the key is there but not {@code {epoch, update,
   *     sample}}
   */
  public Optional<TrainingIteration> foreignIteration() {
    if (!CheckpointLayout.isForeign(tree, file)
        || !tree.containsKey(CheckpointKeys.TRAINING_ITERATION)) {
      return Optional.empty();
    }
    if (tree.get(CheckpointKeys.TRAINING_ITERATION) instanceof Map<?, ?> it
        && it.get(CheckpointKeys.EPOCH) instanceof Long epoch
        && it.get(CheckpointKeys.UPDATE) instanceof Long update
        && it.get(CheckpointKeys.SAMPLE) instanceof Long sample
        && epoch >= 0
        && update >= 0
        && sample >= 0) {
      return Optional.of(new TrainingIteration(epoch, update, sample));
    }
    throw new CorruptCheckpointException(
        file
            + ": '"
            + CheckpointKeys.TRAINING_ITERATION
            + "' should hold {"
            + CheckpointKeys.EPOCH
            + ", "
            + CheckpointKeys.UPDATE
            + ", "
            + CheckpointKeys.SAMPLE
            + "} as whole numbers >= 0 but holds "
            + tree.get(CheckpointKeys.TRAINING_ITERATION));
  }

  // ---- recognising a file without reading it as one (the inspect command shows any file)

  /** True when {@code tree} has the keys only a trainer file has. */
  public static boolean looksLikeOne(Map<String, Object> tree) {
    return tree.containsKey(CheckpointKeys.CALLBACKS)
        || tree.containsKey(CheckpointKeys.CALLBACK_STATE_DICTS)
        || tree.containsKey(CheckpointKeys.UPDATE);
  }

  /** True for the key of a trainer file that holds the resolved configuration. */
  public static boolean isConfigKey(String key) {
    return CheckpointKeys.CONFIG.equals(key);
  }

  @SuppressWarnings("unchecked")
  private static Optional<Map<String, Object>> savedConfig(Map<String, Object> tree) {
    return tree.get(CheckpointKeys.CONFIG) instanceof Map<?, ?> config
        ? Optional.of((Map<String, Object>) config)
        : Optional.empty();
  }

  private long longValue(String key, long fallback) {
    Object v = tree.get(key);
    return v instanceof Number n ? n.longValue() : fallback;
  }
}
