package ai.noether.examples.plugin.timebudget;

import ai.noether.api.callback.Callback;
import ai.noether.api.callback.TrainingContext;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.checkpoint.TrainingIteration;
import ai.noether.api.state.Stateful;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletionException;

/**
 * Ends training cleanly before a wall-clock limit: after every update it checks whether one more
 * update and a checkpoint save still fit into the time left (minus a margin); when they do not, it
 * saves a resumable checkpoint (moving {@code latest}) and asks the trainer to stop. A job with a
 * hard time limit from its scheduler thus ends with its progress saved, instead of being killed,
 * and {@code noether resume} continues it.
 *
 * <p><b>Measuring.</b> An update is the time from one {@code afterUpdate} to the next, so it
 * includes evaluations, other callbacks and checkpoint snapshots. A save is the time from asking
 * for a checkpoint to its commit. Since a callback sees only its own saves, the callback writes one
 * resumable checkpoint after the first update of a run to measure how long a save takes, unless a
 * measurement from an earlier process of the run came back with its state. See {@link TimeBudget}
 * for how the estimates are formed.
 *
 * <p><b>Per process.</b> The budget belongs to the process: a resumed run gets the full budget
 * again, counted from its own start (or its deadline). What carries over a resume, through {@link
 * Stateful}, is what was learned and what was spent: the longest save measured, the number of
 * processes, and the wall-clock time this stage has trained over all of them, which is logged as
 * the metric {@value #WALL_MINUTES} at the end of every process that ends normally or through the
 * budget.
 *
 * <p>A process always makes at least one update before the budget stops it, so a run resumed with
 * too small a budget still moves forward. Only training-thread hooks touch the callback, except for
 * the completion of its saves, which {@link TimeBudget} accepts from any thread.
 */
public final class TimeBudgetCallback implements Callback, Stateful {
  private static final System.Logger LOG = System.getLogger(TimeBudgetCallback.class.getName());

  /**
   * Metric: minutes of wall-clock time this stage has trained, over every process that resumed it.
   */
  public static final String WALL_MINUTES = "time/wall_minutes";

  // Keys of the callback's state in _trainer.th (under callbacks.<state key>). Never change them:
  // checkpoints written with them must keep loading.
  /** Wall-clock seconds of the processes up to the checkpoint, this one included. */
  static final String WALL_SECONDS = "wall_seconds";

  /** Processes that trained this stage up to the checkpoint, this one included. */
  static final String PROCESSES = "processes";

  /** The longest save measured so far, in seconds; None before the first. */
  static final String LONGEST_SAVE_SECONDS = "longest_save_seconds";

  private final WallClock clock;
  private final TimeBudget budget;
  private final String limit;
  private final long processStartNanos;
  private final long marginNanos;
  private double earlierWallSeconds;
  private long earlierProcesses;
  private long lastUpdateEnd;
  private boolean measuringSaves;
  private boolean stopping;

  /** A budget on the system clock, starting at the JVM's start. */
  public TimeBudgetCallback(TimeBudgetCallbackConfig config) {
    this(config, WallClock.SYSTEM, ZoneId.systemDefault());
  }

  /**
   * @param localZone the zone of a deadline written without an offset
   * @throws IllegalArgumentException if the deadline has passed
   */
  TimeBudgetCallback(TimeBudgetCallbackConfig config, WallClock clock, ZoneId localZone) {
    this.clock = clock;
    long now = clock.nanoTime();
    Instant wallNow = clock.now();
    this.processStartNanos = now - Duration.between(clock.processStart(), wallNow).toNanos();
    this.marginNanos = config.margin().toNanos();
    long end;
    if (config.maxDuration().isPresent()) {
      end = processStartNanos + config.maxDuration().get().toNanos();
      this.limit =
          Durations.format(config.maxDuration().get().toNanos()) + " from the start of the process";
    } else {
      Instant deadline = config.deadlineIn(localZone).orElseThrow();
      if (!deadline.isAfter(wallNow)) {
        throw new IllegalArgumentException(
            "deadline "
                + config.deadline()
                + " has passed (it is "
                + wallNow.truncatedTo(ChronoUnit.SECONDS)
                + " now); set a later one, e.g. deadline: "
                + wallNow.plus(Duration.ofHours(4)).truncatedTo(ChronoUnit.SECONDS));
      }
      end = now + saturatedNanos(Duration.between(wallNow, deadline));
      this.limit = "until " + deadline;
    }
    this.budget = new TimeBudget(end, marginNanos);
    this.lastUpdateEnd = now;
  }

  private static long saturatedNanos(Duration d) {
    // Far-future deadlines (beyond 292 years) would overflow; the budget is then unlimited in
    // practice.
    return d.compareTo(Duration.ofDays(365L * 200)) > 0
        ? Duration.ofDays(365L * 200).toNanos()
        : d.toNanos();
  }

  @Override
  public void beforeTraining(TrainingContext context) {
    lastUpdateEnd = clock.nanoTime();
    TimeBudget.Check check = budget.check(lastUpdateEnd);
    LOG.log(
        Level.INFO,
        () ->
            "time-budget: "
                + limit
                + ", "
                + Durations.format(check.remainingNanos())
                + " left; keeps "
                + Durations.format(marginNanos)
                + " free at the end"
                + (earlierProcesses == 0
                    ? ""
                    : "; this stage trained for "
                        + Durations.format(Math.round(earlierWallSeconds * 1e9))
                        + " before, in "
                        + earlierProcesses
                        + " process(es)"));
    if (check.remainingNanos() <= check.marginNanos()) {
      LOG.log(
          Level.WARNING,
          () ->
              "time-budget: no time is left beyond the margin; training makes one update, then"
                  + " stops with a checkpoint");
    }
  }

  @Override
  public void afterUpdate(TrainingContext context) {
    long now = clock.nanoTime();
    budget.updateTook(now - lastUpdateEnd);
    lastUpdateEnd = now;
    if (stopping || context.stopRequested()) {
      return;
    }
    TimeBudget.Check check = budget.check(now);
    if (!check.anotherUpdateFits()) {
      stop(context, check);
    } else if (!measuringSaves && !budget.knowsSaves()) {
      measuringSaves = true;
      LOG.log(
          Level.INFO,
          () ->
              "time-budget: saving a checkpoint at "
                  + context.iteration()
                  + " to measure how long a save takes");
      save(context, now);
    }
  }

  private void stop(TrainingContext context, TimeBudget.Check check) {
    stopping = true;
    // An interruption, not a finish: the trainer writes an emergency checkpoint at once (no final
    // evaluation to wait for) and the command line exits with 3, so a job script resubmits the run.
    context.requestInterrupt("time budget: " + check.describe());
    LOG.log(
        Level.INFO,
        () ->
            "time-budget: stopping at "
                + context.iteration()
                + " ("
                + check.describe()
                + "); the trainer writes a resumable checkpoint. Continue with: ./noether resume "
                + context.stage().runId()
                + " --stage "
                + context.stage().stageName()
                + " --output-dir "
                + outputDir(context));
  }

  private static Object outputDir(TrainingContext context) {
    return context.outputLocation();
  }

  private void save(TrainingContext context, long startedAt) {
    TrainingIteration at = context.iteration();
    budget.saveStarted(startedAt);
    context
        .checkpoints()
        .saveResumable(true, true)
        .whenComplete(
            (StoredCheckpoint stored, Throwable error) -> {
              if (error == null) {
                long finishedAt = clock.nanoTime();
                budget.saveFinished(startedAt, finishedAt);
                LOG.log(
                    Level.DEBUG,
                    () ->
                        "time-budget: checkpoint "
                            + stored.describe()
                            + " took "
                            + Durations.format(finishedAt - startedAt)
                            + " from request to commit");
              } else {
                budget.saveEnded(startedAt);
                boolean measured = budget.longestSave().isPresent();
                LOG.log(
                    Level.WARNING,
                    () ->
                        "time-budget: the checkpoint it asked for at "
                            + at
                            + " was not saved ("
                            + messageOf(error)
                            + ")"
                            + (measured
                                ? ""
                                : "; with no save measured, it counts saves as instant"));
              }
            });
  }

  private static String messageOf(Throwable error) {
    // The writer's future fails with a CompletionException around the I/O error.
    Throwable cause =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    return cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
  }

  @Override
  public void afterTraining(TrainingContext context) {
    long now = clock.nanoTime();
    context.logMetric(WALL_MINUTES, lineageWallNanos(now) / 60e9);
    LOG.log(
        Level.INFO,
        () ->
            "time-budget: this stage has trained for "
                + Durations.format(lineageWallNanos(now))
                + " of wall-clock time in "
                + (earlierProcesses + 1)
                + " process(es)");
  }

  /** Wall-clock time of the earlier processes plus this one until {@code now}. */
  private long lineageWallNanos(long now) {
    return Math.round(earlierWallSeconds * 1e9) + (now - processStartNanos);
  }

  /**
   * {@code wall_seconds} (this stage's training time over all processes, up to now), {@code
   * processes} (this one included) and {@code longest_save_seconds} (None before the first save was
   * measured).
   */
  @Override
  public Map<String, Object> state() {
    Map<String, Object> state = new LinkedHashMap<>();
    state.put(WALL_SECONDS, lineageWallNanos(clock.nanoTime()) / 1e9);
    state.put(PROCESSES, earlierProcesses + 1);
    OptionalLong save = budget.longestSave();
    state.put(LONGEST_SAVE_SECONDS, save.isPresent() ? save.getAsLong() / 1e9 : null);
    return state;
  }

  /**
   * Takes over what earlier processes spent and measured. The budget itself is not restored: every
   * process has its own.
   *
   * @throws IllegalArgumentException naming the key that is missing or not a number
   */
  @Override
  public void loadState(Map<String, Object> state) {
    double wall = number(state, WALL_SECONDS);
    double processes = number(state, PROCESSES);
    if (wall < 0 || processes < 0) {
      throw new IllegalArgumentException(
          WALL_SECONDS
              + " and "
              + PROCESSES
              + " must not be negative, were "
              + wall
              + " and "
              + processes);
    }
    Object save = state.get(LONGEST_SAVE_SECONDS);
    if (save != null && !(save instanceof Number)) {
      throw new IllegalArgumentException(
          LONGEST_SAVE_SECONDS + " must be a number or None, was " + save);
    }
    earlierWallSeconds = wall;
    earlierProcesses = (long) processes;
    if (save != null) {
      budget.saveTook(Math.round(((Number) save).doubleValue() * 1e9));
    }
  }

  private static double number(Map<String, Object> state, String key) {
    if (!(state.get(key) instanceof Number n)) {
      throw new IllegalArgumentException(
          "the state has no number under " + key + " (it holds " + state.keySet() + ")");
    }
    return n.doubleValue();
  }
}
