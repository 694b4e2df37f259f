package ai.noether.core.resume;

import ai.noether.api.checkpoint.CheckpointNotFoundException;
import ai.noether.api.checkpoint.CheckpointSelector;
import ai.noether.api.checkpoint.CheckpointStore;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.CorruptCheckpointException;
import ai.noether.api.checkpoint.InvalidNameException;
import ai.noether.api.checkpoint.StageContents;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.checkpoint.TrainingIteration;
import ai.noether.core.layout.RunDirectories;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The one place that decides which checkpoint a {@link CheckpointSelector} designates, from what a
 * store {@linkplain CheckpointStore#contents lists}, so that {@code latest}, {@code E10} or {@code
 * best.loss} mean the same in every store. Every reader (resume, {@code previous-run}, {@code
 * verify}, {@code plot}) resolves through it.
 *
 * <p>Rules, in order:
 *
 * <ul>
 *   <li>An exact tag ({@code latest}, {@code last}, {@code best.<metric>}, a full or emergency
 *       iteration tag) finds the checkpoint committed under it. A tag whose commit record is
 *       damaged fails with {@link CorruptCheckpointException} saying so, not "not found".
 *   <li>{@code best.<metric>} also finds the same metric under the older {@code %5F} spelling of
 *       {@code _}, and Noether (Python)'s {@code best_model.<metric>} spelling and the reverse
 *       ({@code best.loss/valid} finds {@code best_model.loss.valid}; the two {@code tolerance}
 *       spellings find each other).
 *   <li>A full iteration {@code E.._U.._S..} also finds an emergency checkpoint taken there.
 *   <li>{@code latest} without a {@code latest} tag is the newest iteration checkpoint.
 *   <li>A partial selector {@code E10}/{@code U100}/{@code S200} must match exactly one iteration;
 *       several are listed as an ambiguity.
 *   <li>Among checkpoints at one iteration, the periodic one wins over an emergency one.
 * </ul>
 *
 * <p>A missing run or stage is reported with what exists ({@link CheckpointStore#stages}).
 */
public final class CheckpointResolver {
  /** Listing order: iteration, then periodic, emergency, best, last, latest, then the token. */
  public static final Comparator<StoredCheckpoint> ORDER =
      Comparator.comparing(StoredCheckpoint::iteration)
          .thenComparingInt((StoredCheckpoint c) -> rank(c.tag()))
          .thenComparing(c -> c.tag().token());

  private final CheckpointStore store;

  private CheckpointResolver(CheckpointStore store) {
    this.store = Objects.requireNonNull(store, "store");
  }

  /** A resolver over {@code store}'s listings. */
  public static CheckpointResolver of(CheckpointStore store) {
    return new CheckpointResolver(store);
  }

  /**
   * The checkpoint a selector designates.
   *
   * @throws CheckpointNotFoundException if the run, stage or checkpoint does not exist, or a
   *     partial selector matches several iterations; the message lists what exists
   * @throws CorruptCheckpointException if the selected tag's commit record cannot be trusted
   */
  public StoredCheckpoint resolve(StageId stage, CheckpointSelector selector) throws IOException {
    Objects.requireNonNull(stage, "stage");
    Objects.requireNonNull(selector, "selector");
    requireStage(stage);
    StageContents contents = store.contents(stage);
    List<StoredCheckpoint> all = contents.checkpoints();
    if (selector instanceof CheckpointSelector.Exact exact) {
      CorruptCheckpointException corrupt = contents.unreadable().get(exact.tag());
      if (corrupt != null) {
        throw new CorruptCheckpointException(
            "checkpoint "
                + exact.tag().token()
                + " of "
                + where(stage)
                + " cannot be read: "
                + corrupt.getMessage(),
            corrupt);
      }
      Optional<StoredCheckpoint> found = find(all, exact.tag());
      if (found.isPresent()) {
        return found.get();
      }
      if (exact.tag() instanceof CheckpointTag.AtIteration at && !at.isEmergency()) {
        // The full form E.._U.._S.. also finds an emergency checkpoint taken at that iteration.
        Optional<StoredCheckpoint> atIteration =
            preferred(
                all.stream()
                    .filter(
                        c ->
                            c.tag() instanceof CheckpointTag.AtIteration a
                                && a.iteration().equals(at.iteration()))
                    .toList());
        if (atIteration.isPresent()) {
          return atIteration.get();
        }
      }
      if (exact.tag().equals(CheckpointTag.LATEST)) {
        // Without a latest tag, the newest iteration checkpoint is the latest state.
        Optional<TrainingIteration> newest =
            all.stream()
                .filter(c -> c.tag() instanceof CheckpointTag.AtIteration)
                .map(StoredCheckpoint::iteration)
                .max(Comparator.naturalOrder());
        if (newest.isPresent()) {
          return preferred(
                  all.stream()
                      .filter(
                          c ->
                              c.tag() instanceof CheckpointTag.AtIteration
                                  && c.iteration().equals(newest.get()))
                      .toList())
              .orElseThrow();
        }
      }
      throw new CheckpointNotFoundException(
          "no checkpoint '" + selector + "' in " + where(stage) + ". " + existing(contents));
    }
    CheckpointSelector.Partial partial = (CheckpointSelector.Partial) selector;
    Map<TrainingIteration, List<StoredCheckpoint>> byIteration = new TreeMap<>();
    for (StoredCheckpoint c : all) {
      if (partial.matches(c.tag())) {
        byIteration.computeIfAbsent(c.iteration(), k -> new ArrayList<>()).add(c);
      }
    }
    if (byIteration.size() == 1) {
      return preferred(byIteration.values().iterator().next()).orElseThrow();
    }
    if (byIteration.isEmpty()) {
      throw new CheckpointNotFoundException(
          "no checkpoint matches '"
              + selector
              + "' in "
              + where(stage)
              + ". "
              + existing(contents));
    }
    throw new CheckpointNotFoundException(
        "'"
            + selector
            + "' matches checkpoints at "
            + byIteration.size()
            + " different iterations in "
            + where(stage)
            + ": "
            + byIteration.values().stream()
                .map(l -> contents.describe(l.get(0)))
                .collect(Collectors.joining(", "))
            + ". Select one by its update (U...) or sample (S...) count, or by its full tag.");
  }

  /**
   * The checkpoint with this tag. Failing an exact match, a best checkpoint is also found under
   * Noether (Python)'s spelling: {@code best.loss/valid} finds {@code best_model.loss.valid}, and
   * {@code best_model.m.tolerance=5} finds {@code best_model.m.tolerance5} and the reverse.
   */
  public static Optional<StoredCheckpoint> find(
      List<StoredCheckpoint> checkpoints, CheckpointTag tag) {
    return find(checkpoints, StoredCheckpoint::tag, tag);
  }

  /**
   * {@link #find(List, CheckpointTag)} over anything that carries a tag, for listings that keep
   * more than the checkpoint beside it.
   */
  public static <T> Optional<T> find(
      List<T> items, Function<T, CheckpointTag> tagOf, CheckpointTag tag) {
    Optional<T> exact = items.stream().filter(c -> tagOf.apply(c).equals(tag)).findFirst();
    if (exact.isPresent()) {
      return exact;
    }
    if (tag instanceof CheckpointTag.Best best) {
      // The same metric under the other spelling: best.nasa_score~valid and
      // best.nasa%5Fscore~valid.
      Optional<T> respelled =
          items.stream()
              .filter(
                  c -> tagOf.apply(c) instanceof CheckpointTag.Best b && b.sameCheckpointAs(best))
              .findFirst();
      if (respelled.isPresent()) {
        return respelled;
      }
    }
    CheckpointTag.BestModel wanted;
    try {
      wanted =
          tag instanceof CheckpointTag.Best best
              ? CheckpointTag.bestModel(best.metricKey())
              : tag instanceof CheckpointTag.BestModel bestModel ? bestModel : null;
    } catch (InvalidNameException e) {
      return Optional.empty(); // a metric key Noether in Python could not have put into a file name
    }
    if (wanted == null) {
      return Optional.empty();
    }
    return items.stream()
        .filter(
            c -> tagOf.apply(c) instanceof CheckpointTag.BestModel b && b.sameCheckpointAs(wanted))
        .findFirst();
  }

  private void requireStage(StageId stage) throws IOException {
    if (store.exists(stage)) {
      return;
    }
    List<String> stages =
        store.stages(stage.runId()); // names the runs that exist if this one does not
    if (stage.isStageless()) {
      throw new CheckpointNotFoundException(
          "run '"
              + stage.runId()
              + "' has no checkpoints outside its stages ("
              + store.location(stage)
              + " does not exist); its stages: "
              + RunDirectories.describeStages(stages));
    }
    throw new CheckpointNotFoundException(
        "run '"
            + stage.runId()
            + "' has no stage '"
            + stage.stageName()
            + "'; "
            + (stages.isEmpty()
                ? "it has no stages yet"
                : "its stages: " + RunDirectories.describeStages(stages))
            + " (in "
            + store.location()
            + "/"
            + stage.runId()
            + ")");
  }

  /** Among checkpoints at one iteration, the periodic one before an emergency one. */
  private static Optional<StoredCheckpoint> preferred(List<StoredCheckpoint> candidates) {
    return candidates.stream().min(ORDER);
  }

  private String where(StageId stage) {
    return "run '"
        + stage.runId()
        + "' "
        + (stage.isStageless() ? "without stage" : "stage '" + stage.stageName() + "'")
        + " ("
        + store.location(stage)
        + ")";
  }

  private static String existing(StageContents contents) {
    if (contents.checkpoints().isEmpty()) {
      return "It has no checkpoints yet.";
    }
    return "Its checkpoints: "
        + contents.checkpoints().stream().map(contents::describe).collect(Collectors.joining(", "))
        + ".";
  }

  private static int rank(CheckpointTag tag) {
    if (tag instanceof CheckpointTag.AtIteration at) {
      return at.isEmergency() ? 1 : 0;
    }
    if (tag instanceof CheckpointTag.Best || tag instanceof CheckpointTag.BestModel) {
      return 2;
    }
    return tag instanceof CheckpointTag.Last ? 3 : 4;
  }
}
