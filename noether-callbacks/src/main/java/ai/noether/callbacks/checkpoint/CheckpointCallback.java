package ai.noether.callbacks.checkpoint;

import ai.noether.api.callback.Callback;
import ai.noether.api.callback.TrainingContext;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.InvalidNameException;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.state.Stateful;
import ai.noether.callbacks.internal.IntervalTrigger;
import ai.noether.callbacks.internal.StateValues;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a full, resumable checkpoint ({@code E{epoch}_U{update}_S{sample}}) whenever its interval
 * is due, and with {@code keep_last: N} deletes its own older periodic checkpoints.
 *
 * <p>The save is requested in {@code afterUpdate} and taken by the trainer at the end of the
 * iteration, after every callback ran, so the checkpoint holds the complete state of that iteration
 * (including this callback's list of written tags).
 *
 * <p><b>Memory.</b> After the first update of a run (or of a resumed run), unless a save is due
 * then, the callback asks the writer to allocate the memory saves copy the state into ({@code
 * CheckpointWriter.prepare}): the first periodic save then blocks training only for its copy.
 *
 * <p><b>Retention.</b> The callback remembers, in order, the tags it wrote. When a save pushes the
 * count above N, the oldest tags are scheduled for deletion, and deleted only once every save of
 * this callback that is still being written has committed; a save that fails is forgotten and the
 * scheduled tags come back until N committed checkpoints exist again. So at any instant at least
 * the N newest committed checkpoints of this callback are on disk. The lists are this callback's
 * state, so retention continues across a resume. Deleting a tag never removes files that {@code
 * latest} or another tag still references (the store guarantees it).
 */
public final class CheckpointCallback implements Callback, Stateful {
  private static final Logger LOG = LoggerFactory.getLogger(CheckpointCallback.class);

  /** State key of the tags kept, oldest first. */
  static final String KEPT = "kept";

  /** State key of the tags waiting to be deleted. */
  static final String PENDING_DELETION = "pending_deletion";

  private final CheckpointCallbackConfig config;
  private final IntervalTrigger trigger;
  private final Deque<CheckpointTag> kept = new ArrayDeque<>();
  private final List<CheckpointTag> pendingDeletion = new ArrayList<>();

  /** Saves requested and not yet seen to finish, oldest first; not state (see the class doc). */
  private final List<Save> inFlight = new ArrayList<>();

  /**
   * Whether the staging memory was prepared (or a save sized it); not state: each process prepares.
   */
  private boolean prepared;

  private record Save(CheckpointTag tag, CompletableFuture<StoredCheckpoint> future) {}

  public CheckpointCallback(CheckpointCallbackConfig config) {
    this(config, System::nanoTime);
  }

  /** With an explicit monotonic clock for {@code every_n_minutes} (tests). */
  CheckpointCallback(CheckpointCallbackConfig config, LongSupplier nanoClock) {
    this.config = Objects.requireNonNull(config, "config");
    this.trigger = new IntervalTrigger(config.interval(), nanoClock);
  }

  /** {@code checkpoint/<interval>}, e.g. {@code checkpoint/every_n_epochs=5}. */
  @Override
  public String stateKey() {
    return "checkpoint/" + config.interval().key() + "=" + config.interval().every();
  }

  @Override
  public void beforeTraining(TrainingContext context) {
    trigger.start(context.iteration());
    // Deletions scheduled before the checkpoint we resumed from: the save they waited for is
    // committed (we are resuming from it or from a later one).
    deleteScheduled(context);
  }

  @Override
  public void afterUpdate(TrainingContext context) {
    settleFinishedSaves(context);
    if (!trigger.poll(context.iteration())) {
      if (!prepared) {
        // After the first update the state has its final shape (the optimizer creates its state
        // then): stage it now, so that the first periodic save does not allocate while training
        // waits.
        context.checkpoints().prepare(config.saveOptim());
      }
      prepared = true;
      return;
    }
    prepared = true;
    CheckpointTag tag = CheckpointTag.at(context.iteration());
    CompletableFuture<StoredCheckpoint> future =
        context.checkpoints().saveResumable(config.saveOptim(), config.saveLatest());
    inFlight.add(new Save(tag, future));
    kept.remove(tag);
    kept.addLast(tag);
    if (config.keepLast() != null) {
      while (kept.size() > config.keepLast()) {
        pendingDeletion.add(kept.removeFirst());
      }
    }
  }

  @Override
  public void afterTraining(TrainingContext context) {
    // Training is over: waiting for the last save costs nothing and lets retention finish now.
    for (Save s : inFlight) {
      try {
        s.future().join();
      } catch (CompletionException | java.util.concurrent.CancellationException e) {
        // reported by settleFinishedSaves
      }
    }
    settleFinishedSaves(context);
  }

  /** Forgets failed saves, and once nothing is in flight deletes the scheduled tags. */
  private void settleFinishedSaves(TrainingContext context) {
    while (!inFlight.isEmpty() && inFlight.get(0).future().isDone()) {
      Save s = inFlight.remove(0);
      if (s.future().isCompletedExceptionally()) {
        LOG.warn(
            "periodic checkpoint {} was not saved; keeping older checkpoints in its place",
            s.tag());
        kept.remove(s.tag());
      }
    }
    int keepLast = config.keepLast() == null ? Integer.MAX_VALUE : config.keepLast();
    while (!pendingDeletion.isEmpty() && kept.size() < keepLast) {
      kept.addFirst(pendingDeletion.remove(pendingDeletion.size() - 1));
    }
    if (inFlight.isEmpty()) {
      deleteScheduled(context);
    }
  }

  private void deleteScheduled(TrainingContext context) {
    for (CheckpointTag tag : pendingDeletion) {
      // The writer says when it deletes a checkpoint that is there; this may name one long gone.
      LOG.debug("deleting periodic checkpoint {} (keep_last: {})", tag, config.keepLast());
      context.checkpoints().delete(tag);
    }
    pendingDeletion.clear();
  }

  /** The tags this callback wrote and keeps, oldest first (a copy). */
  public List<CheckpointTag> keptCheckpoints() {
    return List.copyOf(kept);
  }

  /** {@code kept} and {@code pending_deletion}: lists of tags such as {@code E5_U50_S1600}. */
  @Override
  public Map<String, Object> state() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put(KEPT, tokens(kept));
    s.put(PENDING_DELETION, tokens(pendingDeletion));
    return s;
  }

  @Override
  public void loadState(Map<String, Object> state) {
    List<CheckpointTag> loadedKept = tags(state, KEPT);
    List<CheckpointTag> loadedPending = tags(state, PENDING_DELETION);
    kept.clear();
    kept.addAll(loadedKept);
    pendingDeletion.clear();
    pendingDeletion.addAll(loadedPending);
    inFlight.clear();
  }

  private static List<Object> tokens(Iterable<CheckpointTag> tags) {
    List<Object> out = new ArrayList<>();
    tags.forEach(t -> out.add(t.token()));
    return out;
  }

  private static List<CheckpointTag> tags(Map<String, Object> state, String key) {
    List<CheckpointTag> out = new ArrayList<>();
    for (Object o : StateValues.requireList(state, key)) {
      if (!(o instanceof String token)) {
        throw new IllegalArgumentException(
            "state key '" + key + "' must list checkpoint tags, found " + o);
      }
      CheckpointTag tag;
      try {
        tag = CheckpointTag.parse(token);
      } catch (InvalidNameException e) {
        throw new IllegalArgumentException("state key '" + key + "': " + e.getMessage(), e);
      }
      if (!(tag instanceof CheckpointTag.AtIteration at) || at.isEmergency()) {
        // Retention must never delete anything but periodic checkpoints.
        throw new IllegalArgumentException(
            "state key '" + key + "' may list periodic checkpoints only, found " + token);
      }
      out.add(tag);
    }
    return out;
  }
}
