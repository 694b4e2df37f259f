package ai.noether.callbacks.report;

import ai.noether.api.checkpoint.CheckpointNotFoundException;
import ai.noether.api.checkpoint.CheckpointStore;
import ai.noether.api.checkpoint.Names;
import ai.noether.api.checkpoint.RunLayout;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.StoreLocation;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.logger.LoggedMetrics;
import ai.noether.api.logger.ResumePoint;
import ai.noether.core.cli.NoetherCli;
import ai.noether.core.cli.StoreArguments;
import ai.noether.core.config.RunConfigLoader;
import ai.noether.core.history.HistoryFile;
import ai.noether.core.layout.RunDirectories;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code noether report RUN_ID [--stage S] [--output-dir DIR] [--to DIR]}: writes the
 * {@link HtmlReport} of a run's stages, from each stage's {@code history.jsonl} and the store's
 * listing of its checkpoints, to {@code <stage>/report.html} (or {@code DIR/<stage>.html} with
 * {@code --to}) and prints the files written. Without {@code --stage}, every stage of the run
 * that has a history. Works on a run that is still training. The page equals the one the
 * {@code html-report} logger writes at the end of training, as long as nothing changed since.
 *
 * <p>Exit codes: 0 written; 2 for a run or stage that does not exist or has no history (the
 * message lists what exists); 1 for an unreadable history.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
    description = {"Writes a self-contained HTML report of a run's stages (metric charts, learning rate,"
        + " checkpoints, resumes) to <stage>/report.html."})
public final class ReportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @ParentCommand NoetherCli parent;

  @Parameters(index = "0", paramLabel = "RUN_ID", description = "the run to report on")
  String runId;

  @Option(names = "--stage", paramLabel = "STAGE", description = "report only this stage")
  String stage;

  @Option(names = "--output-dir", paramLabel = "DIR", defaultValue = RunConfigLoader.DEFAULT_OUTPUT_DIR,
      description = "where the runs are: a directory or a store URI such as s3://bucket/prefix (default: ${DEFAULT-VALUE})")
  String outputDir;

  @Option(names = "--to", paramLabel = "DIR",
      description = "write <stage>.html files into DIR instead of report.html in each stage directory")
  Path to;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Names.requireRunId(runId);
    // The history is the run's own file next to its checkpoints: in output_dir for a local one, in
    // this machine's work directory for a store elsewhere; checkpoints come from the store itself.
    StoreLocation location = StoreArguments.location(parent, outputDir);
    Path root = location.workDir(workingDir()).toAbsolutePath().normalize();
    Path runDir = root.resolve(runId);
    if (!Files.isDirectory(runDir)) {
      err.println("noether report: run '" + runId + "' does not exist in " + root + "; runs there: "
          + describe(RunDirectories.subdirectories(root)));
      return NoetherCli.USAGE;
    }
    List<String> stages;
    if (stage != null) {
      Names.requireStageName(stage);
      stages = List.of(stage);
    } else {
      stages = RunDirectories.stagesWith(runDir, RunLayout.HISTORY_FILE);
      if (stages.isEmpty()) {
        err.println("noether report: no stage of run '" + runId + "' has a " + RunLayout.HISTORY_FILE
            + " yet; it appears once training has logged a metric. Stages: " + describe(RunDirectories.subdirectories(runDir)));
        return NoetherCli.USAGE;
      }
    }
    try (CheckpointStore store = StoreArguments.open(parent, location)) {
      for (String s : stages) {
        Path history = RunLayout.historyFileIn(runDir.resolve(s));
        if (!Files.isRegularFile(history)) {
          err.println("noether report: " + history + " does not exist; stages of run '" + runId + "' with a history: "
              + describe(RunDirectories.stagesWith(runDir, RunLayout.HISTORY_FILE)));
          return NoetherCli.USAGE;
        }
        StageId id = new StageId(runId, s);
        RunReport report = read(id, history, store);
        Path file = to == null ? runDir.resolve(s).resolve(HtmlReportLoggerConfig.DEFAULT_FILE_NAME)
            : workingDir().resolve(to).toAbsolutePath().resolve(s + ".html");
        HtmlReportLogger.write(report, file);
        out.println(file);
      }
    }
    return NoetherCli.OK;
  }

  /** The report of a stage from its history file and the store's listing. */
  static RunReport read(StageId stage, Path history, CheckpointStore store) throws IOException {
    HistoryFile file;
    try {
      file = HistoryFile.read(history);
    } catch (IllegalArgumentException e) {
      throw new IOException("noether report: " + e.getMessage(), e);
    }
    List<StoredCheckpoint> checkpoints;
    try {
      checkpoints = store.list(stage);
    } catch (CheckpointNotFoundException e) {
      checkpoints = List.of();
    }
    return new RunReport(stage,
        file.events().stream().map(e -> new LoggedMetrics(e.iteration(), e.metrics())).toList(),
        file.resumes().stream().map(r -> new ResumePoint(r.iteration(), r.source())).toList(),
        checkpoints);
  }

  private static String describe(List<String> names) {
    return names.isEmpty() ? "none" : String.join(", ", names);
  }

  /** Relative paths are resolved against the command line's working directory. */
  private Path workingDir() {
    return parent.workingDir();
  }
}
