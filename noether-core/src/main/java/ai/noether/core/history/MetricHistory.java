package ai.noether.core.history;

import ai.noether.api.Nullable;
import ai.noether.api.checkpoint.TrainingIteration;
import ai.noether.api.state.Stateful;
import ai.noether.api.tensor.HostTensor;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Every metric logged in a stage, in logging order, grouped into events (the values logged together
 * at one iteration), plus markers where the stage was resumed.
 *
 * <p>The history is part of the trainer state ({@link #state()}), so a checkpoint carries exactly
 * the history up to its iteration. {@code history.jsonl} mirrors it line by line as it grows; it is
 * a convenience for plots and tools, never read back by training, so an append that fails (a full
 * disk) stops the mirroring until the next rewrite instead of failing training. On resume, {@link
 * #loadState} and {@link #rewriteFile()} replace the file with the checkpoint's history, which
 * removes the values of updates that happened after the checkpoint (a crash, or a resume from an
 * older checkpoint).
 *
 * <p>Not thread-safe: used from the training thread; {@link #state()} may be taken there too.
 */
public final class MetricHistory implements Stateful {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(MetricHistory.class);

  private static final String ITERATIONS =
      ai.noether.api.checkpoint.CheckpointKeys.HISTORY_ITERATIONS;
  private static final String COUNTS = ai.noether.api.checkpoint.CheckpointKeys.HISTORY_COUNTS;
  private static final String KEY_TABLE =
      ai.noether.api.checkpoint.CheckpointKeys.HISTORY_KEY_TABLE;
  private static final String KEY_IDS = ai.noether.api.checkpoint.CheckpointKeys.HISTORY_KEY_IDS;
  private static final String VALUES = ai.noether.api.checkpoint.CheckpointKeys.HISTORY_VALUES;
  private static final String RESUMES = ai.noether.api.checkpoint.CheckpointKeys.HISTORY_RESUMES;
  private static final String RESUME_ITERATION =
      ai.noether.api.checkpoint.CheckpointKeys.HISTORY_RESUME_ITERATION;
  private static final String RESUME_SOURCE =
      ai.noether.api.checkpoint.CheckpointKeys.HISTORY_RESUME_SOURCE;

  @Nullable private final Path file;
  private final List<Event> events = new ArrayList<>();
  private final List<Resume> resumes = new ArrayList<>();
  @Nullable private BufferedWriter out;

  /**
   * True once an append failed (a full disk): the file is left alone until {@link #rewriteFile()}.
   */
  private boolean mirrorFailed;

  /**
   * A history mirrored to {@code file}; null keeps it in memory only. The file is created or
   * appended to on the first event.
   */
  public MetricHistory(@Nullable Path file) {
    this.file = file;
  }

  /** Values logged together at one iteration, in logging order. */
  public record Event(TrainingIteration iteration, Map<String, Double> metrics) {
    public Event {
      Objects.requireNonNull(iteration, "iteration");
      metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    }
  }

  /** Where a stage continued from a checkpoint: the iteration and a description of the source. */
  public record Resume(TrainingIteration iteration, String source) {}

  /** The events so far, oldest first; an unmodifiable view. */
  public List<Event> events() {
    return Collections.unmodifiableList(events);
  }

  /** The resume markers so far, oldest first. */
  public List<Resume> resumes() {
    return Collections.unmodifiableList(resumes);
  }

  /** Every value of one metric with its iteration, in logging order. */
  public List<Map.Entry<TrainingIteration, Double>> series(String key) {
    List<Map.Entry<TrainingIteration, Double>> out = new ArrayList<>();
    for (Event e : events) {
      Double v = e.metrics().get(key);
      if (v != null) {
        out.add(Map.entry(e.iteration(), v));
      }
    }
    return out;
  }

  /** Records values logged at {@code iteration} and appends them to the file. */
  public void append(TrainingIteration iteration, Map<String, Double> metrics) {
    if (metrics.isEmpty()) {
      return;
    }
    Event event = new Event(iteration, metrics);
    events.add(event);
    writeLine(HistoryJson.event(event));
  }

  /** Marks that training continued at {@code iteration} from {@code source}. */
  public void markResume(TrainingIteration iteration, String source) {
    Resume resume = new Resume(iteration, source);
    resumes.add(resume);
    writeLine(HistoryJson.resume(resume));
  }

  /**
   * Replaces the file with this history (events and resume markers in iteration order), written to
   * a temporary name and renamed, so a crash leaves either the old or the new file.
   */
  public void rewriteFile() {
    if (file == null) {
      return;
    }
    closeWriter();
    try {
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
        int r = 0;
        for (Event e : events) {
          while (r < resumes.size() && resumes.get(r).iteration().compareTo(e.iteration()) < 0) {
            w.write(HistoryJson.resume(resumes.get(r++)));
            w.newLine();
          }
          w.write(HistoryJson.event(e));
          w.newLine();
        }
        while (r < resumes.size()) {
          w.write(HistoryJson.resume(resumes.get(r++)));
          w.newLine();
        }
      }
      Files.move(
          tmp,
          file,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      mirrorFailed = false;
    } catch (IOException e) {
      throw new UncheckedIOException("could not rewrite the metric history " + file, e);
    }
  }

  private void writeLine(String line) {
    if (file == null || mirrorFailed) {
      return;
    }
    try {
      BufferedWriter writer = out;
      if (writer == null) {
        Files.createDirectories(file.getParent());
        writer =
            Files.newBufferedWriter(
                file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        out = writer;
      }
      writer.write(line);
      writer.newLine();
      // Flushed per line so that tools tailing the file see progress; no fsync: the checkpoint,
      // not this file, is the durable copy.
      writer.flush();
    } catch (IOException e) {
      // The file is only a mirror: training, and the saves that keep the history, must go on (a
      // full
      // disk is handled by the failed saves, which can say what to do about it).
      mirrorFailed = true;
      BufferedWriter failed = out;
      if (failed != null) {
        try {
          failed.close();
        } catch (IOException | RuntimeException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      out = null;
      LOG.warn(
          "could not append to the metric history {} ({}); it is not updated for the rest of this run, but every"
              + " checkpoint keeps the full history and a resume rewrites the file",
          file,
          e.getMessage());
    }
  }

  /** Closes the file. */
  public void close() {
    closeWriter();
  }

  private void closeWriter() {
    BufferedWriter writer = out;
    if (writer != null) {
      try {
        writer.close();
      } catch (IOException e) {
        throw new UncheckedIOException("could not close the metric history " + file, e);
      } finally {
        out = null;
      }
    }
  }

  /**
   * The history as compact columns: {@code iterations} int64 [events, 3], {@code counts} int64
   * [events] (values per event), {@code key_table} (distinct keys), {@code key_ids} int64 [values]
   * and {@code values} float64 [values], plus {@code resumes}.
   */
  @Override
  public Map<String, Object> state() {
    int n = events.size();
    int m = events.stream().mapToInt(e -> e.metrics().size()).sum();
    ByteBuffer iterations = direct(n * 3L * Long.BYTES);
    ByteBuffer counts = direct((long) n * Long.BYTES);
    ByteBuffer keyIds = direct((long) m * Long.BYTES);
    ByteBuffer values = direct((long) m * Double.BYTES);
    Map<String, Integer> keyTable = new LinkedHashMap<>();
    for (Event e : events) {
      iterations
          .putLong(e.iteration().epoch())
          .putLong(e.iteration().update())
          .putLong(e.iteration().sample());
      counts.putLong(e.metrics().size());
      for (Map.Entry<String, Double> kv : e.metrics().entrySet()) {
        keyIds.putLong(keyTable.computeIfAbsent(kv.getKey(), k -> keyTable.size()));
        values.putDouble(kv.getValue());
      }
    }
    Map<String, Object> state = new LinkedHashMap<>();
    state.put(
        ITERATIONS,
        HostTensor.wrap(ai.noether.api.tensor.DType.INT64, new long[] {n, 3}, iterations.flip()));
    state.put(
        COUNTS, HostTensor.wrap(ai.noether.api.tensor.DType.INT64, new long[] {n}, counts.flip()));
    state.put(KEY_TABLE, new ArrayList<Object>(keyTable.keySet()));
    state.put(
        KEY_IDS, HostTensor.wrap(ai.noether.api.tensor.DType.INT64, new long[] {m}, keyIds.flip()));
    state.put(
        VALUES,
        HostTensor.wrap(ai.noether.api.tensor.DType.FLOAT64, new long[] {m}, values.flip()));
    List<Object> resumeList = new ArrayList<>();
    for (Resume r : resumes) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put(RESUME_ITERATION, r.iteration().toString());
      entry.put(RESUME_SOURCE, r.source());
      resumeList.add(entry);
    }
    state.put(RESUMES, resumeList);
    return state;
  }

  /** The value under {@code key}; a missing one is malformed (reported by loadState). */
  private static Object required(Map<?, ?> map, String key) {
    return Objects.requireNonNull(map.get(key), key);
  }

  @Override
  public void loadState(Map<String, Object> state) {
    List<Event> loaded = new ArrayList<>();
    List<Resume> loadedResumes = new ArrayList<>();
    try {
      long[] its = ((HostTensor) required(state, ITERATIONS)).toLongArray();
      long[] cnt = ((HostTensor) required(state, COUNTS)).toLongArray();
      List<?> keyTable = (List<?>) required(state, KEY_TABLE);
      long[] ids = ((HostTensor) required(state, KEY_IDS)).toLongArray();
      double[] vals = ((HostTensor) required(state, VALUES)).toDoubleArray();
      int v = 0;
      for (int i = 0; i < cnt.length; i++) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        for (long c = 0; c < cnt[i]; c++, v++) {
          metrics.put((String) keyTable.get((int) ids[v]), vals[v]);
        }
        loaded.add(
            new Event(new TrainingIteration(its[3 * i], its[3 * i + 1], its[3 * i + 2]), metrics));
      }
      for (Object o : (List<?>) state.getOrDefault(RESUMES, List.of())) {
        Map<?, ?> r = (Map<?, ?>) o;
        loadedResumes.add(
            new Resume(
                TrainingIteration.parse((String) required(r, RESUME_ITERATION)),
                (String) required(r, RESUME_SOURCE)));
      }
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("the saved metric history is malformed: " + e, e);
    }
    events.clear();
    events.addAll(loaded);
    resumes.clear();
    resumes.addAll(loadedResumes);
  }

  private static ByteBuffer direct(long bytes) {
    return ByteBuffer.allocateDirect(Math.toIntExact(bytes)).order(ByteOrder.LITTLE_ENDIAN);
  }
}
