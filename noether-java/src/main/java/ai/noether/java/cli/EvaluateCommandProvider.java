package ai.noether.java.cli;

import ai.noether.api.cli.CommandContext;
import ai.noether.api.cli.CommandProvider;

/** Adds {@code noether evaluate}. */
public final class EvaluateCommandProvider implements CommandProvider {
  @Override
  public Object newCommand(CommandContext context) {
    return new EvaluateCommand();
  }
}
