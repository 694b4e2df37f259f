package ai.noether.core.resume;

import ai.noether.api.checkpoint.CheckpointSelector;
import ai.noether.api.checkpoint.CheckpointStore;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.CorruptCheckpointException;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.StoredCheckpoint;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the checkpoint a resume selects, and when it fails verification, the newest one of the
 * stage that verifies.
 *
 * <p>Only {@code latest} (the default selection) falls back: it means "the newest state I can
 * continue from", which an older intact checkpoint still answers. A checkpoint chosen explicitly
 * ({@code E10}, {@code U100}, a full tag, {@code last}) that fails is an error, as is {@code
 * latest} with fallback turned off; both messages name the damaged file, the other tags that share
 * its bytes, and the newest checkpoint that would work.
 *
 * <p>Candidates are the iteration and emergency checkpoints of the stage, newest first (a periodic
 * one before an emergency one at the same iteration), except those that share the damaged bytes.
 * Each is verified by reading it with the caller's loader, so what is chosen is what is used.
 */
public final class CheckpointFallback {
  private static final Logger LOG = LoggerFactory.getLogger(CheckpointFallback.class);

  private CheckpointFallback() {}

  /**
   * Reads a checkpoint; fails with a {@link CorruptCheckpointException} when it does not verify.
   */
  @FunctionalInterface
  public interface Loader<T> {
    T load(StoredCheckpoint checkpoint) throws IOException;
  }

  /**
   * What was read, and why another checkpoint than the selected one was used, if so.
   *
   * @param checkpoint the checkpoint read
   * @param value what the loader returned for it
   * @param fallback when the selected checkpoint failed: the message saying which file failed, why,
   *     and that this one is used instead, for the caller to show; empty when the selected
   *     checkpoint verified
   * @param refusal when fallback happened: the error a resume without fallback reports instead
   */
  public record Selected<T>(
      StoredCheckpoint checkpoint, T value, Optional<String> fallback, Optional<String> refusal) {}

  /**
   * Reads the checkpoint {@code selector} selects in {@code stage}, falling back as described
   * above.
   *
   * @param fallback false to fail instead of falling back (the message still names what would work)
   * @throws CorruptCheckpointException when the selected checkpoint fails and no fallback applies
   *     or none verifies
   * @throws ai.noether.api.checkpoint.CheckpointNotFoundException when nothing is selected
   */
  public static <T> Selected<T> load(
      CheckpointStore store,
      StageId stage,
      CheckpointSelector selector,
      boolean fallback,
      Loader<T> loader)
      throws IOException {
    StoredCheckpoint selected = null;
    CorruptCheckpointException failure;
    try {
      selected = CheckpointResolver.of(store).resolve(stage, selector);
      return new Selected<>(selected, loader.load(selected), Optional.empty(), Optional.empty());
    } catch (CorruptCheckpointException e) {
      failure = e;
    }
    String what =
        selected != null ? "checkpoint " + selected.describe() : "checkpoint '" + selector + "'";
    StringBuilder damage =
        new StringBuilder(what + " of " + stage + " failed verification: " + failure.getMessage());
    Set<CheckpointTag> damaged = new LinkedHashSet<>();
    if (selected != null) {
      damaged.add(selected.tag());
    }
    if (failure instanceof CorruptFileException file && file.bytesDamaged()) {
      damaged.add(file.checkpoint().tag());
      List<CheckpointTag> sharing =
          store.sharing(file.checkpoint(), file.file()).stream()
              .filter(t -> !t.equals(file.checkpoint().tag()))
              .toList();
      damaged.addAll(sharing);
      if (!sharing.isEmpty()) {
        damage
            .append(". The same damaged bytes are also ")
            .append(sharing.stream().map(CheckpointTag::token).collect(Collectors.joining(", ")))
            .append(" (one stored copy under several names)");
      }
    }
    boolean fallsBack = fallback && isLatest(selector);
    List<String> rejected = new ArrayList<>();
    for (StoredCheckpoint candidate : candidates(store, stage, damaged)) {
      T value;
      try {
        value = loader.load(candidate);
      } catch (CorruptCheckpointException e) {
        LOG.warn(
            "checkpoint {} of {} does not verify either: {}",
            candidate.describe(),
            stage,
            e.getMessage());
        rejected.add(candidate.describe());
        continue;
      }
      String refusal =
          damage
              + ". "
              + candidate.describe()
              + " verifies"
              + (rejected.isEmpty() ? "" : " (" + String.join(", ", rejected) + " did not)")
              + ": resume from it with --checkpoint "
              + candidate.tag().token()
              + " (resume_checkpoint: "
              + candidate.tag().token()
              + ")"
              + (isLatest(selector)
                  ? ", or allow the fallback (without --no-fallback," + " resume_fallback: true)"
                  : "")
              + ".";
      if (!fallsBack) {
        throw new CorruptCheckpointException(refusal, failure);
      }
      String message =
          damage
              + ". Continuing from "
              + candidate.describe()
              + ", the newest checkpoint of the stage"
              + " that verifies"
              + (rejected.isEmpty() ? "" : " (" + String.join(", ", rejected) + " did not)")
              + "; use --no-fallback (resume_fallback: false) to stop instead.";
      return new Selected<>(candidate, value, Optional.of(message), Optional.of(refusal));
    }
    throw new CorruptCheckpointException(
        damage
            + ". No other checkpoint of the stage verifies"
            + (rejected.isEmpty() ? "" : " (" + String.join(", ", rejected) + " were tried)")
            + ".",
        failure);
  }

  /** Iteration and emergency checkpoints not sharing the damage, newest first. */
  private static List<StoredCheckpoint> candidates(
      CheckpointStore store, StageId stage, Set<CheckpointTag> damaged) throws IOException {
    return store.list(stage).stream()
        .filter(c -> c.tag() instanceof CheckpointTag.AtIteration && !damaged.contains(c.tag()))
        .sorted(
            Comparator.comparing(StoredCheckpoint::iteration)
                .reversed()
                .thenComparing(c -> ((CheckpointTag.AtIteration) c.tag()).isEmergency()))
        .toList();
  }

  private static boolean isLatest(CheckpointSelector selector) {
    return selector instanceof CheckpointSelector.Exact exact
        && exact.tag().equals(CheckpointTag.LATEST);
  }
}
