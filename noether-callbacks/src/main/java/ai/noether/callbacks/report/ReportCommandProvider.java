package ai.noether.callbacks.report;

import ai.noether.api.cli.CommandContext;
import ai.noether.api.cli.CommandProvider;
import ai.noether.api.logger.HistoryReader;
import ai.noether.api.spi.FrameworkServices;

/** Adds {@code noether report} (see {@link ReportCommand}) to the command line. */
public final class ReportCommandProvider implements CommandProvider {
  @Override
  public Object newCommand(CommandContext context) {
    return new ReportCommand(context, FrameworkServices.get(HistoryReader.class));
  }
}
