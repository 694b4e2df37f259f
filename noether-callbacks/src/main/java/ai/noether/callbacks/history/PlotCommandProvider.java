package ai.noether.callbacks.history;

import ai.noether.core.cli.CommandProvider;

/** Adds {@code noether plot} (see {@link PlotCommand}) to the command line. */
public final class PlotCommandProvider implements CommandProvider {
  @Override
  public Object newCommand() {
    return new PlotCommand();
  }
}
