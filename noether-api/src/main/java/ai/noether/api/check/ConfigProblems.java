package ai.noether.api.check;

import ai.noether.api.Nullable;
import java.util.ArrayList;
import java.util.List;

/**
 * Where components report what does not fit in a configuration. Errors stop the run before anything
 * is trained or written; warnings are shown and the run goes on (use them where the configuration
 * is legal but likely not what was meant: a step schedule that never steps).
 *
 * <p>Each view is placed at a YAML block ({@link #path()}); a key given to {@link #error} or {@link
 * #warning} is relative to it, so a schedule writes {@code error("warmup_updates", ...)} and the
 * user reads {@code optimizer.schedule.warmup_updates: ...}. Messages name the values involved
 * (including other blocks' keys, e.g. {@link RunPlan#lengthText()}) and what would be valid.
 *
 * <p>All views made with {@link #at} share one list of problems, in the order they were reported.
 * Not thread-safe.
 */
public final class ConfigProblems {
  /** How serious a problem is. */
  public enum Severity {
    ERROR,
    WARNING
  }

  /**
   * One problem.
   *
   * @param severity never null
   * @param path the full YAML key path (e.g. {@code optimizer.schedule.warmup_updates}); never null
   * @param message what is wrong and what would be valid; never null
   */
  public record Problem(Severity severity, String path, String message) {
    /** {@code path: message}. */
    @Override
    public String toString() {
      return path.isEmpty() ? message : path + ": " + message;
    }
  }

  private final List<Problem> problems;
  private final String path;

  /** An empty collection at the root of the configuration. */
  public ConfigProblems() {
    this(new ArrayList<>(), "");
  }

  private ConfigProblems(List<Problem> problems, String path) {
    this.problems = problems;
    this.path = path;
  }

  /**
   * A view placed at the block {@code blockPath} (a full path such as {@code optimizer.schedule}).
   */
  public ConfigProblems at(String blockPath) {
    return new ConfigProblems(problems, blockPath);
  }

  /** The block this view is placed at; empty at the root. */
  public String path() {
    return path;
  }

  /**
   * Reports an error.
   *
   * @param key the key of this block the problem is about (e.g. {@code warmup_updates}), or null or
   *     empty for the block as a whole
   */
  public void error(@Nullable String key, String message) {
    problems.add(new Problem(Severity.ERROR, keyPath(key), message));
  }

  /** Reports a warning; {@code key} as for {@link #error}. */
  public void warning(@Nullable String key, String message) {
    problems.add(new Problem(Severity.WARNING, keyPath(key), message));
  }

  /** The errors reported so far, in order; never null. */
  public List<Problem> errors() {
    return problems.stream().filter(p -> p.severity() == Severity.ERROR).toList();
  }

  /** The warnings reported so far, in order; never null. */
  public List<Problem> warnings() {
    return problems.stream().filter(p -> p.severity() == Severity.WARNING).toList();
  }

  /** Whether any error was reported. */
  public boolean hasErrors() {
    return problems.stream().anyMatch(p -> p.severity() == Severity.ERROR);
  }

  private String keyPath(@Nullable String key) {
    if (key == null || key.isEmpty()) {
      return path;
    }
    return path.isEmpty() ? key : path + "." + key;
  }
}
