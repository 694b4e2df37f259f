package ai.noether.java.cli;

import ai.noether.api.cli.CommandContext;
import ai.noether.api.cli.CommandProvider;

/** Adds {@code noether predict}. */
public final class PredictCommandProvider implements CommandProvider {
  @Override
  public Object newCommand(CommandContext context) {
    return new PredictCommand();
  }
}
