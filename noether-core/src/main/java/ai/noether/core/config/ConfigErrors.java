package ai.noether.core.config;

import ai.noether.api.ConfigException;
import ai.noether.api.Nullable;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Collects the problems of a configuration instead of stopping at the first, so that every missing
 * or invalid key is reported at once. Not thread-safe; one per reading.
 */
public final class ConfigErrors {
  private final List<ConfigException> problems = new ArrayList<>();

  /** Records {@code problem}; the problems of a {@link ConfigProblemsException} one by one. */
  public void add(ConfigException problem) {
    if (problem instanceof ConfigProblemsException many) {
      problems.addAll(many.problems());
    } else {
      problems.add(problem);
    }
  }

  /** Runs {@code check}, recording the {@link ConfigException} it throws. */
  public void run(Runnable check) {
    try {
      check.run();
    } catch (ConfigException e) {
      add(e);
    }
  }

  /** The value {@code read} returns, or {@code fallback} after recording the problem it throws. */
  public <T> T read(Supplier<T> read, T fallback) {
    try {
      return read.get();
    } catch (ConfigException e) {
      add(e);
      return fallback;
    }
  }

  /** The value {@code read} returns (null when absent), or null after recording its problem. */
  @Nullable
  public <T> T readOrNull(Supplier<T> read) {
    try {
      return read.get();
    } catch (ConfigException e) {
      add(e);
      return null;
    }
  }

  public boolean isEmpty() {
    return problems.isEmpty();
  }

  /**
   * Throws when a problem was recorded: the problem itself when there is one, else a {@link
   * ConfigProblemsException} listing all of them.
   */
  public void throwIfAny() {
    if (problems.size() == 1) {
      throw problems.get(0);
    }
    if (!problems.isEmpty()) {
      throw new ConfigProblemsException(problems);
    }
  }
}
