package ai.noether.core.config;

import ai.noether.api.ConfigException;
import java.util.List;

/**
 * Several problems of one configuration, reported together so that a user fixes them in one round:
 * {@code the configuration has 3 problems:} and one line per problem, in the order they were
 * written. Each problem is also attached as a suppressed exception.
 */
public final class ConfigProblemsException extends ConfigException {
  private static final long serialVersionUID = 1L;

  private final transient List<ConfigException> problems;

  ConfigProblemsException(List<ConfigException> problems) {
    super(message(problems));
    this.problems = List.copyOf(problems);
    this.problems.forEach(this::addSuppressed);
  }

  /** The problems, each with its place, YAML path and what would be valid; at least two. */
  public List<ConfigException> problems() {
    return problems;
  }

  private static String message(List<ConfigException> problems) {
    StringBuilder sb = new StringBuilder("the configuration has " + problems.size() + " problems:");
    problems.forEach(p -> sb.append("\n").append(p.getMessage()));
    return sb.toString();
  }
}
