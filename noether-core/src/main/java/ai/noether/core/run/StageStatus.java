package ai.noether.core.run;

import ai.noether.api.Nullable;
import ai.noether.api.checkpoint.CheckpointNotFoundException;
import ai.noether.api.checkpoint.CheckpointStore;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.RunLayout;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.checkpoint.StoredFile;
import ai.noether.api.checkpoint.TrainingIteration;
import ai.noether.core.store.WriterLeases;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where a stage stands, as {@code noether runs} shows it: whether it is training now, finished, was
 * interrupted or failed; its last iteration and metrics; how long it has been going.
 *
 * <ul>
 *   <li>{@link State#RUNNING}: a live process of this machine holds the stage's writer lease (file
 *       stores only; a holder on another machine cannot be checked, and a stage that looks failed
 *       says that it may still train there).
 *   <li>{@link State#FINISHED}: its {@code last} checkpoint is its newest state.
 *   <li>{@link State#INTERRUPTED}: its newest checkpoint is an emergency one written on a signal;
 *       {@code noether resume} continues it.
 *   <li>{@link State#FAILED}: none of these: it stopped with an error (its emergency checkpoint
 *       says which), or was killed or crashed without a final checkpoint; it resumes from its
 *       newest checkpoint.
 * </ul>
 *
 * @param state never null
 * @param detail what else a user needs to know (who is training it, why it stopped); never null,
 *     possibly empty
 * @param iteration the newest iteration known, from the checkpoints and the metric history; null
 *     when none
 * @param metrics the most recent value of every logged metric (from {@code history.jsonl}); never
 *     null
 * @param duration wall time from the stage's first start to its last activity (to now while it
 *     runs), resumes and the pauses between them included; null when unknown
 */
public record StageStatus(
    State state,
    String detail,
    @Nullable TrainingIteration iteration,
    Map<String, Double> metrics,
    @Nullable Duration duration) {

  /** The states a stage can be in. */
  public enum State {
    RUNNING,
    FINISHED,
    INTERRUPTED,
    FAILED;

    /** The lower-case word shown to users. */
    public String word() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The status of {@code stage}.
   *
   * @param stageDir the stage's local directory (its {@code history.jsonl}), or null when there is
   *     none
   * @param outputDir the local output directory whose leases tell which stages run, or null (an
   *     object store: the running state is then not known)
   */
  public static StageStatus of(
      CheckpointStore store, StageId stage, @Nullable Path stageDir, @Nullable Path outputDir)
      throws IOException {
    List<StoredCheckpoint> listed;
    try {
      listed = store.list(stage);
    } catch (CheckpointNotFoundException e) {
      listed = List.of();
    }
    List<StoredCheckpoint> checkpoints = listed;
    Optional<StoredCheckpoint> latest =
        find(checkpoints, CheckpointTag.LATEST).or(() -> newestAtIteration(checkpoints));
    Optional<StoredCheckpoint> last = find(checkpoints, CheckpointTag.LAST);
    History history =
        stageDir == null ? History.NONE : History.read(RunLayout.historyFileIn(stageDir));
    TrainingIteration iteration = latest.map(StoredCheckpoint::iteration).orElse(null);
    if (history.last != null && (iteration == null || history.last.compareTo(iteration) > 0)) {
      iteration = history.last;
    }
    Optional<Instant> started = stageDir == null ? Optional.empty() : StageClock.started(stageDir);
    if (started.isEmpty()) {
      started =
          checkpoints.stream().map(StoredCheckpoint::committedAt).min(Comparator.naturalOrder());
    }
    Instant lastActivity = latest.map(StoredCheckpoint::committedAt).orElse(null);
    if (history.modified != null
        && (lastActivity == null || history.modified.isAfter(lastActivity))) {
      lastActivity = history.modified;
    }

    Optional<WriterLeases.Holder> holder =
        outputDir == null ? Optional.empty() : WriterLeases.liveHolder(outputDir, stage);
    State state;
    String detail;
    if (holder.isPresent() && !holder.get().elsewhere()) {
      state = State.RUNNING;
      detail = "by " + holder.get().writer().describe();
      lastActivity = Instant.now();
    } else if (latest.isEmpty()) {
      state = State.FAILED;
      detail =
          "no checkpoint: it stopped before its first save (train ... --resume-if-exists starts it again)";
    } else if (last.isPresent()
        && last.get().iteration().compareTo(latest.get().iteration()) >= 0) {
      state = State.FINISHED;
      detail = "";
    } else {
      Optional<CheckpointTag.AtIteration> emergency =
          aliased(latest.get(), checkpoints).filter(CheckpointTag.AtIteration::isEmergency);
      if (emergency.isPresent() && "signal".equals(emergency.get().reason())) {
        state = State.INTERRUPTED;
        detail = "by a signal at " + emergency.get().token() + "; noether resume continues it";
      } else if (emergency.isPresent()) {
        state = State.FAILED;
        detail =
            "stopped with an emergency checkpoint "
                + emergency.get().token()
                + " ("
                + emergency.get().reason()
                + "); noether resume continues from it";
      } else {
        state = State.FAILED;
        detail =
            "stopped without a final or emergency checkpoint (killed or crashed); noether resume continues from "
                + latest.get().describe();
      }
    }
    if (state == State.FAILED && holder.isPresent()) {
      // A lease file outlives its holder, and a process on another machine cannot be looked up from
      // here: a stage it still trains looks like one that was killed.
      detail +=
          "; unless "
              + holder.get().writer().describe()
              + " still trains it (it last claimed the stage, on"
              + " another machine: this one cannot check)";
    }
    Duration duration =
        started.isPresent() && lastActivity != null && !lastActivity.isBefore(started.get())
            ? Duration.between(started.get(), lastActivity)
            : null;
    return new StageStatus(state, detail, iteration, history.metrics, duration);
  }

  /**
   * The iteration checkpoint {@code latest} was moved to: among those at its iteration (a periodic
   * and an emergency checkpoint may share one), the one whose files have the same checksums (each
   * file records its own tag, so two checkpoints never share them), else the one committed at the
   * same instant.
   */
  private static Optional<CheckpointTag.AtIteration> aliased(
      StoredCheckpoint latest, List<StoredCheckpoint> all) {
    if (latest.tag() instanceof CheckpointTag.AtIteration own) {
      return Optional.of(own);
    }
    List<StoredCheckpoint> candidates =
        all.stream()
            .filter(
                c ->
                    c.tag() instanceof CheckpointTag.AtIteration a
                        && a.iteration().equals(latest.iteration()))
            .toList();
    Optional<StoredCheckpoint> same =
        candidates.stream()
            .filter(c -> sameFiles(c, latest))
            .findFirst()
            .or(
                () ->
                    candidates.stream()
                        .filter(c -> c.committedAt().equals(latest.committedAt()))
                        .findFirst())
            .or(() -> candidates.size() == 1 ? Optional.of(candidates.get(0)) : Optional.empty());
    return same.map(c -> (CheckpointTag.AtIteration) c.tag());
  }

  private static boolean sameFiles(StoredCheckpoint a, StoredCheckpoint b) {
    if (a.files().size() != b.files().size() || a.files().isEmpty()) {
      return false;
    }
    for (int i = 0; i < a.files().size(); i++) {
      StoredFile x = a.files().get(i);
      StoredFile y = b.files().get(i);
      if (!x.hasChecksum()
          || !y.hasChecksum()
          || x.crc32c() != y.crc32c()
          || x.size() != y.size()) {
        return false;
      }
    }
    return true;
  }

  private static Optional<StoredCheckpoint> newestAtIteration(List<StoredCheckpoint> checkpoints) {
    return checkpoints.stream()
        .filter(c -> c.tag() instanceof CheckpointTag.AtIteration)
        .max(Comparator.comparing(StoredCheckpoint::iteration));
  }

  private static Optional<StoredCheckpoint> find(
      List<StoredCheckpoint> checkpoints, CheckpointTag tag) {
    return checkpoints.stream().filter(c -> c.tag().equals(tag)).findFirst();
  }

  /** {@code 0:00:42}, {@code 3:07:15}, {@code 2d 1:00:00}. */
  public static String format(Duration d) {
    long s = d.getSeconds();
    long days = s / 86400;
    String hms = String.format("%d:%02d:%02d", (s % 86400) / 3600, (s % 3600) / 60, s % 60);
    return days > 0 ? days + "d " + hms : hms;
  }

  /** The last value of each metric and the newest iteration of a {@code history.jsonl}. */
  private record History(
      @Nullable TrainingIteration last, Map<String, Double> metrics, @Nullable Instant modified) {
    static final History NONE = new History(null, Map.of(), null);

    static History read(Path file) {
      if (!Files.isRegularFile(file)) {
        return NONE;
      }
      Map<String, Double> metrics = new LinkedHashMap<>();
      TrainingIteration last = null;
      try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          JsonNode node;
          try {
            node = JSON.readTree(line);
          } catch (IOException e) {
            continue; // a line cut by a crash while it was appended
          }
          if (node == null || !node.has("metrics") || !node.has("update")) {
            continue;
          }
          TrainingIteration it =
              new TrainingIteration(
                  node.path("epoch").asLong(),
                  node.path("update").asLong(),
                  node.path("sample").asLong());
          if (last == null || it.compareTo(last) >= 0) {
            last = it;
          }
          node.get("metrics")
              .fields()
              .forEachRemaining(e -> metrics.put(e.getKey(), e.getValue().asDouble()));
        }
        return new History(
            last,
            Collections.unmodifiableMap(metrics),
            Files.getLastModifiedTime(file).toInstant());
      } catch (IOException e) {
        return NONE;
      }
    }
  }
}
