package ai.noether.callbacks.report;

import ai.noether.core.cli.CommandProvider;

/** Adds {@code noether report} (see {@link ReportCommand}) to the command line. */
public final class ReportCommandProvider implements CommandProvider {
  @Override
  public Object newCommand() {
    return new ReportCommand();
  }
}
