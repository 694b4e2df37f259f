package ai.noether.callbacks.report;

import ai.noether.api.Nullable;
import ai.noether.api.checkpoint.CheckpointNotFoundException;
import ai.noether.api.checkpoint.CheckpointStore;
import ai.noether.api.checkpoint.Names;
import ai.noether.api.checkpoint.RunLayout;
import ai.noether.api.checkpoint.RunListing;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.StoreLocation;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.cli.CommandContext;
import ai.noether.api.cli.ExitCodes;
import ai.noether.api.logger.HistoryReader;
import ai.noether.api.logger.StageHistory;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code noether report RUN_ID [--stage S] [--output-dir DIR] [--to DIR]}: writes the {@link
 * HtmlReport} of a run's stages, from each stage's {@code history.jsonl} and the store's listing of
 * its checkpoints, to {@code <stage>/report.html} (or {@code DIR/<stage>.html} with {@code --to})
 * and prints the files written. Without {@code --stage}, every stage of the run that has a history.
 * Works on a run that is still training. The page equals the one the {@code html-report} logger
 * writes at the end of training, as long as nothing changed since.
 *
 * <p>Exit codes: 0 written; 2 for a run or stage that does not exist or has no history (the message
 * lists what exists); 1 for an unreadable history.
 */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description = {
      "Writes a self-contained HTML report of a run's stages (metric charts, learning rate,"
          + " checkpoints, resumes) to <stage>/report.html."
    })
public final class ReportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  private final CommandContext cli;
  private final HistoryReader historyReader;
  private final RunListing runListing;

  @SuppressWarnings("NullAway.Init") // set by picocli before call(): a required parameter
  @Parameters(index = "0", paramLabel = "RUN_ID", description = "the run to report on")
  String runId;

  @Option(names = "--stage", paramLabel = "STAGE", description = "report only this stage")
  @Nullable
  String stage;

  @SuppressWarnings("NullAway.Init") // set by picocli before call(): an option with a default
  @Option(
      names = "--output-dir",
      paramLabel = "DIR",
      defaultValue = CommandContext.DEFAULT_OUTPUT_DIR,
      description =
          "where the runs are: a directory or a store URI such as s3://bucket/prefix (default: ${DEFAULT-VALUE})")
  String outputDir;

  @Option(
      names = "--to",
      paramLabel = "DIR",
      description =
          "write <stage>.html files into DIR instead of report.html in each stage directory")
  @Nullable
  Path to;

  /**
   * @param cli the command line's working directory and stores
   * @param historyReader reads each stage's {@code history.jsonl}
   * @param runListing lists the runs of the output directory and the stages of a run
   */
  public ReportCommand(CommandContext cli, HistoryReader historyReader, RunListing runListing) {
    this.cli = Objects.requireNonNull(cli, "cli");
    this.historyReader = Objects.requireNonNull(historyReader, "historyReader");
    this.runListing = Objects.requireNonNull(runListing, "runListing");
  }

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Names.requireRunId(runId);
    // The history is the run's own file next to its checkpoints: in output_dir for a local one, in
    // this machine's work directory for a store elsewhere; checkpoints come from the store itself.
    StoreLocation location = cli.storeLocation(outputDir);
    Path root = location.workDir(workingDir()).toAbsolutePath().normalize();
    Path runDir = root.resolve(runId);
    if (!Files.isDirectory(runDir)) {
      err.println(
          "noether report: run '"
              + runId
              + "' does not exist in "
              + root
              + "; runs there: "
              + describe(runListing.subdirectories(root)));
      return ExitCodes.USAGE;
    }
    List<String> stages;
    if (stage != null) {
      Names.requireStageName(stage);
      stages = List.of(stage);
    } else {
      stages = runListing.stagesWith(runDir, RunLayout.HISTORY_FILE);
      if (stages.isEmpty()) {
        err.println(
            "noether report: no stage of run '"
                + runId
                + "' has a "
                + RunLayout.HISTORY_FILE
                + " yet; it appears once training has logged a metric. Stages: "
                + describe(runListing.subdirectories(runDir)));
        return ExitCodes.USAGE;
      }
    }
    try (CheckpointStore store = cli.openStore(location)) {
      for (String s : stages) {
        Path history = runDir.resolve(s).resolve(RunLayout.HISTORY_FILE);
        if (!Files.isRegularFile(history)) {
          err.println(
              "noether report: "
                  + history
                  + " does not exist; stages of run '"
                  + runId
                  + "' with a history: "
                  + describe(runListing.stagesWith(runDir, RunLayout.HISTORY_FILE)));
          return ExitCodes.USAGE;
        }
        StageId id = new StageId(runId, s);
        RunReport report = read(id, history, store, historyReader);
        Path file =
            to == null
                ? runDir.resolve(s).resolve(HtmlReportLoggerConfig.DEFAULT_FILE_NAME)
                : workingDir().resolve(to).toAbsolutePath().resolve(s + ".html");
        HtmlReportLogger.write(report, file);
        out.println(file);
      }
    }
    return ExitCodes.OK;
  }

  /** The report of a stage from its history file and the store's listing. */
  static RunReport read(StageId stage, Path history, CheckpointStore store, HistoryReader reader)
      throws IOException {
    StageHistory file;
    try {
      file = reader.read(history);
    } catch (IllegalArgumentException e) {
      throw new IOException("noether report: " + e.getMessage(), e);
    }
    List<StoredCheckpoint> checkpoints;
    try {
      checkpoints = store.list(stage);
    } catch (CheckpointNotFoundException e) {
      checkpoints = List.of();
    }
    return new RunReport(stage, file.metrics(), file.resumes(), checkpoints);
  }

  private static String describe(List<String> names) {
    return names.isEmpty() ? "none" : String.join(", ", names);
  }

  /** Relative paths are resolved against the command line's working directory. */
  private Path workingDir() {
    return cli.workingDir();
  }
}
