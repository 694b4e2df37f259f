package ai.noether.java.cli;

import ai.noether.core.cli.CommandProvider;

/** Adds {@code noether predict}. */
public final class PredictCommandProvider implements CommandProvider {
  @Override
  public Object newCommand() {
    return new PredictCommand();
  }
}
