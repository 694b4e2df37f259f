package ai.noether.callbacks.logging;

import ai.noether.api.Nullable;
import ai.noether.api.callback.Callback;
import ai.noether.api.callback.Interval;
import ai.noether.api.callback.TrainingContext;
import ai.noether.api.logger.Terminal;
import ai.noether.api.metric.MetricKeys;
import ai.noether.callbacks.internal.IntervalTrigger;
import java.io.Console;
import java.io.PrintWriter;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shows how far training is: epoch, update out of the total, the latest training loss, updates per
 * second and the estimated time left (from the speed since training (re)started in this process).
 * On an interactive terminal it redraws a progress bar in place; otherwise it writes a log line
 * through SLF4J at its interval, and always one at the end. Stateless.
 */
public final class ProgressCallback implements Callback {
  private static final Logger LOG = LoggerFactory.getLogger(ProgressCallback.class);
  private static final long REDRAW_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

  /** Log lines per run when no interval is configured. */
  static final int DEFAULT_LINES = 10;

  static final long DEFAULT_EVERY_N_UPDATES_UNKNOWN_TOTAL = 100;

  private final ProgressCallbackConfig config;
  private final @Nullable PrintWriter terminal;
  private final Consumer<String> lines;
  private final LongSupplier nanoClock;
  private @Nullable IntervalTrigger trigger;
  private long startNanos;
  private long startUpdate;
  private long lastDrawNanos;
  private boolean drawn;

  /** The command line's status line, which log lines clear before they print; null outside it. */
  private @Nullable Terminal.Status status;

  /**
   * Draws on {@code terminal}'s status line when it has one, else on its console when it is
   * interactive.
   */
  public ProgressCallback(ProgressCallbackConfig config, Terminal terminal) {
    this(
        config,
        terminal.statusLine().isPresent() ? null : interactiveTerminal(terminal),
        LOG::info,
        System::nanoTime);
    this.status = terminal.statusLine().orElse(null);
  }

  /**
   * @param terminal where to draw the bar, or null to write log lines to {@code lines} instead
   */
  ProgressCallback(
      ProgressCallbackConfig config,
      @Nullable PrintWriter terminal,
      Consumer<String> lines,
      LongSupplier nanoClock) {
    this.config = Objects.requireNonNull(config, "config");
    this.terminal = terminal;
    this.lines = Objects.requireNonNull(lines, "lines");
    this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
  }

  /**
   * Draws on {@code status} (tests; the command line's comes with the public constructor's
   * terminal).
   */
  ProgressCallback(ProgressCallbackConfig config, Terminal.Status status, LongSupplier nanoClock) {
    this(config, null, LOG::info, nanoClock);
    this.status = Objects.requireNonNull(status, "status");
  }

  /** The console's writer when standard output is an interactive terminal, else null. */
  private static @Nullable PrintWriter interactiveTerminal(Terminal terminal) {
    Console console = System.console();
    return terminal.isInteractive() && console != null ? console.writer() : null;
  }

  private boolean onTerminal() {
    return status != null || terminal != null;
  }

  @Override
  public void beforeTraining(TrainingContext context) {
    startTrigger(context);
  }

  private IntervalTrigger startTrigger(TrainingContext context) {
    startNanos = nanoClock.getAsLong();
    startUpdate = context.iteration().update();
    Interval interval = config.interval();
    if (interval == null) {
      long total = context.totalUpdates();
      interval =
          Interval.updates(
              total > 0
                  ? Math.max(1, total / DEFAULT_LINES)
                  : DEFAULT_EVERY_N_UPDATES_UNKNOWN_TOTAL);
    }
    IntervalTrigger started = new IntervalTrigger(interval, nanoClock);
    trigger = started;
    started.start(context.iteration());
    return started;
  }

  @Override
  public void afterUpdate(TrainingContext context) {
    IntervalTrigger trigger = this.trigger;
    if (trigger == null) {
      trigger = startTrigger(context);
    }
    long now = nanoClock.getAsLong();
    if (onTerminal()) {
      if (!drawn || now - lastDrawNanos >= REDRAW_NANOS) {
        draw(context, now);
      }
    } else if (trigger.poll(context.iteration())) {
      // The trainer's own lines say loss, learning rate and throughput: this one adds where
      // training is.
      lines.accept(
          ProgressLine.logLine(context.iteration(), context.totalUpdates(), rate(context, now)));
    }
  }

  @Override
  public void afterTraining(TrainingContext context) {
    long now = nanoClock.getAsLong();
    if (status != null) {
      draw(context, now);
      status.finish();
    } else if (terminal != null) {
      draw(context, now);
      terminal.println();
      terminal.flush();
    } else {
      lines.accept(
          ProgressLine.finishedLine(
              context.iteration(),
              context.iteration().update() - startUpdate,
              (now - startNanos) / 1e9));
    }
  }

  private void draw(TrainingContext context, long now) {
    String bar =
        ProgressLine.bar(ProgressLine.fraction(context.iteration(), context.totalUpdates()));
    String text =
        bar
            + " "
            + ProgressLine.describe(
                context.iteration(),
                context.totalUpdates(),
                rate(context, now),
                context.metrics().get(MetricKeys.totalLoss(MetricKeys.TRAIN)));
    if (status != null) {
      status.show(text);
    } else {
      // \r returns to the start of the line; the padding erases what a longer previous line left.
      // draw runs only on a terminal: the status line or this one
      PrintWriter terminal = Objects.requireNonNull(this.terminal, "terminal");
      terminal.print("\r" + text + "   ");
      terminal.flush();
    }
    lastDrawNanos = now;
    drawn = true;
  }

  private double rate(TrainingContext context, long now) {
    double seconds = (now - startNanos) / 1e9;
    long done = context.iteration().update() - startUpdate;
    return seconds > 0 && done > 0 ? done / seconds : 0;
  }
}
