package ai.noether.core.store;

import ai.noether.api.NoetherException;
import ai.noether.api.Nullable;
import ai.noether.api.checkpoint.CheckpointKeys;
import ai.noether.api.checkpoint.TrainingIteration;
import ai.noether.core.format.th.ThMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link IterationProbe} of {@code .th} files: the iteration a file records under {@code
 * training_iteration}, which Noether in Python writes into every model and trainer file as {@code
 * {"epoch": .., "update": .., "sample": ..}} (this framework writes the same). Only the file's
 * metadata is read ({@link ThMetadata}), never its tensors.
 *
 * <p>Answers are remembered per file, keyed by path, file identity, size and modification time, so
 * listing a stage again reads only files that changed; Noether in Python rewrites {@code latest} in
 * place, which changes size or time. The memory is bounded ({@link #CAPACITY} files, least recently
 * used dropped first). A file that cannot be read, or records no usable iteration, is answered with
 * empty, never an exception: a listing must not fail because one file is odd.
 *
 * <p>Thread-safe.
 */
public final class ThIterationProbe implements IterationProbe {
  /** How many files' answers are remembered. */
  public static final int CAPACITY = 4096;

  private static final Logger LOG = LoggerFactory.getLogger(ThIterationProbe.class);
  private static final ThIterationProbe SHARED = new ThIterationProbe();

  private record FileVersion(Path path, Object fileKey, long size, long modifiedNanos) {}

  private final Map<FileVersion, Optional<TrainingIteration>> answers =
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(
            Map.Entry<FileVersion, Optional<TrainingIteration>> eldest) {
          return size() > CAPACITY;
        }
      };
  private int reads;

  /** A probe with its own memory; most callers want {@link #shared()}. */
  public ThIterationProbe() {}

  /** The probe every store of this process uses unless told otherwise. */
  public static ThIterationProbe shared() {
    return SHARED;
  }

  @Override
  public Optional<TrainingIteration> iterationOf(Path file) throws IOException {
    BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
    FileVersion version =
        new FileVersion(
            file.toAbsolutePath().normalize(),
            attributes.fileKey(),
            attributes.size(),
            attributes.lastModifiedTime().toInstant().getEpochSecond() * 1_000_000_000L
                + attributes.lastModifiedTime().toInstant().getNano());
    synchronized (answers) {
      Optional<TrainingIteration> known = answers.get(version);
      if (known != null) {
        return known;
      }
    }
    Optional<TrainingIteration> answer = read(file);
    synchronized (answers) {
      answers.put(version, answer);
      reads++;
    }
    return answer;
  }

  /** How many files this probe has read (not answered from memory); for tests. */
  int reads() {
    synchronized (answers) {
      return reads;
    }
  }

  private static Optional<TrainingIteration> read(Path file) {
    try {
      return iterationIn(ThMetadata.read(file));
    } catch (IOException | NoetherException | IllegalArgumentException e) {
      LOG.debug("no training iteration readable in {}: {}", file, e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * The iteration a checkpoint's root dict records: {@code training_iteration} as a dict of {@code
   * epoch}, {@code update} and {@code sample} (ints; Noether in Python may store the epoch as a
   * float, which counts whole epochs) or as the text {@code E1_U10_S320}. Empty if it is absent or
   * incomplete.
   */
  static Optional<TrainingIteration> iterationIn(Map<String, Object> root) {
    Object value = root.get(CheckpointKeys.TRAINING_ITERATION);
    if (value instanceof String text && TrainingIteration.isFullForm(text)) {
      return Optional.of(TrainingIteration.parse(text));
    }
    if (!(value instanceof Map<?, ?> counters)) {
      return Optional.empty();
    }
    Optional<Long> epoch = counter(counters.get(CheckpointKeys.EPOCH), true);
    Optional<Long> update = counter(counters.get(CheckpointKeys.UPDATE), false);
    Optional<Long> sample = counter(counters.get(CheckpointKeys.SAMPLE), false);
    if (epoch.isEmpty() || update.isEmpty() || sample.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new TrainingIteration(epoch.get(), update.get(), sample.get()));
  }

  private static Optional<Long> counter(@Nullable Object value, boolean truncateFraction) {
    if (value instanceof Long l && l >= 0) {
      return Optional.of(l);
    }
    if (value instanceof Double d && d >= 0 && d < 0x1p62) {
      // Python's str(TrainingIteration) truncates a float epoch; updates and samples are always
      // whole.
      return truncateFraction || d == Math.floor(d)
          ? Optional.of((long) Math.floor(d))
          : Optional.empty();
    }
    return Optional.empty();
  }
}
