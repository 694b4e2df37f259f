package ai.noether.callbacks.report;

import ai.noether.api.checkpoint.RunListing;
import ai.noether.api.cli.CommandContext;
import ai.noether.api.cli.CommandProvider;
import ai.noether.api.logger.HistoryReader;
import jakarta.inject.Inject;
import java.util.Objects;

/**
 * Adds {@code noether report} (see {@link ReportCommand}) to the command line, with the framework's
 * history reader and run listing injected by the process injector.
 */
public final class ReportCommandProvider implements CommandProvider {
  private final HistoryReader historyReader;
  private final RunListing runListing;

  /**
   * @param historyReader reads each stage's {@code history.jsonl}
   * @param runListing lists the runs and stages of the output directory
   */
  @Inject
  public ReportCommandProvider(HistoryReader historyReader, RunListing runListing) {
    this.historyReader = Objects.requireNonNull(historyReader, "historyReader");
    this.runListing = Objects.requireNonNull(runListing, "runListing");
  }

  @Override
  public Object newCommand(CommandContext context) {
    return new ReportCommand(context, historyReader, runListing);
  }
}
