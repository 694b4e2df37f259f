package ai.noether.callbacks.logging;

import ai.noether.api.callback.Callback;
import ai.noether.api.callback.Interval;
import ai.noether.api.callback.TrainingContext;
import ai.noether.callbacks.internal.IntervalTrigger;
import ai.noether.core.training.Trainer;
import java.io.Console;
import java.io.PrintWriter;
import java.lang.reflect.Method;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shows how far training is: epoch, update out of the total, the latest training loss, updates
 * per second and the estimated time left (from the speed since training (re)started in this
 * process). On an interactive terminal it redraws a progress bar in place; otherwise it writes a
 * log line through SLF4J at its interval, and always one at the end. Stateless.
 */
public final class ProgressCallback implements Callback {
  private static final Logger LOG = LoggerFactory.getLogger(ProgressCallback.class);
  private static final long REDRAW_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
  /** Log lines per run when no interval is configured. */
  static final int DEFAULT_LINES = 10;
  static final long DEFAULT_EVERY_N_UPDATES_UNKNOWN_TOTAL = 100;

  private final ProgressCallbackConfig config;
  private final PrintWriter terminal;
  private final Consumer<String> lines;
  private final LongSupplier nanoClock;
  private IntervalTrigger trigger;
  private long startNanos;
  private long startUpdate;
  private long lastDrawNanos;
  private boolean drawn;

  public ProgressCallback(ProgressCallbackConfig config) {
    this(config, interactiveTerminal(), LOG::info, System::nanoTime);
  }

  /**
   * @param terminal where to draw the bar, or null to write log lines to {@code lines} instead
   */
  ProgressCallback(ProgressCallbackConfig config, PrintWriter terminal, Consumer<String> lines, LongSupplier nanoClock) {
    this.config = Objects.requireNonNull(config, "config");
    this.terminal = terminal;
    this.lines = Objects.requireNonNull(lines, "lines");
    this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
  }

  /** The console's writer when standard output is an interactive terminal, else null. */
  private static PrintWriter interactiveTerminal() {
    Console console = System.console();
    if (console == null) {
      return null;
    }
    try {
      // From Java 22 on, System.console() may exist without a terminal; isTerminal() tells.
      Method isTerminal = Console.class.getMethod("isTerminal");
      if (!(Boolean) isTerminal.invoke(console)) {
        return null;
      }
    } catch (NoSuchMethodException e) {
      // Java 17 to 21: a console exists only on a terminal.
    } catch (ReflectiveOperationException e) {
      return null;
    }
    return console.writer();
  }

  @Override
  public void beforeTraining(TrainingContext context) {
    startNanos = nanoClock.getAsLong();
    startUpdate = context.iteration().update();
    Interval interval = config.interval();
    if (interval == null) {
      long total = context.totalUpdates();
      interval = Interval.updates(total > 0 ? Math.max(1, total / DEFAULT_LINES) : DEFAULT_EVERY_N_UPDATES_UNKNOWN_TOTAL);
    }
    trigger = new IntervalTrigger(interval, nanoClock);
    trigger.start(context.iteration());
  }

  @Override
  public void afterUpdate(TrainingContext context) {
    if (trigger == null) {
      beforeTraining(context);
    }
    long now = nanoClock.getAsLong();
    if (terminal != null) {
      if (!drawn || now - lastDrawNanos >= REDRAW_NANOS) {
        draw(context, now);
      }
    } else if (trigger.poll(context.iteration())) {
      lines.accept(describe(context, now));
    }
  }

  @Override
  public void afterTraining(TrainingContext context) {
    long now = nanoClock.getAsLong();
    if (terminal != null) {
      draw(context, now);
      terminal.println();
      terminal.flush();
    } else {
      lines.accept("finished " + describe(context, now));
    }
  }

  private void draw(TrainingContext context, long now) {
    String bar = ProgressLine.bar(ProgressLine.fraction(context.iteration(), context.totalUpdates()));
    // \r returns to the start of the line; the padding erases what a longer previous line left.
    terminal.print("\r" + bar + " " + describe(context, now) + "   ");
    terminal.flush();
    lastDrawNanos = now;
    drawn = true;
  }

  private String describe(TrainingContext context, long now) {
    double seconds = (now - startNanos) / 1e9;
    long done = context.iteration().update() - startUpdate;
    double rate = seconds > 0 && done > 0 ? done / seconds : 0;
    return ProgressLine.describe(context.iteration(), context.totalUpdates(), rate,
        context.metrics().get(Trainer.TRAIN_LOSS));
  }
}
