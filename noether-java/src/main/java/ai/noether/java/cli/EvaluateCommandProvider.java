package ai.noether.java.cli;

import ai.noether.core.cli.CommandProvider;

/** Adds {@code noether evaluate}. */
public final class EvaluateCommandProvider implements CommandProvider {
  @Override
  public Object newCommand() {
    return new EvaluateCommand();
  }
}
