package ai.noether.callbacks.history;

import ai.noether.api.ConfigException;
import ai.noether.api.checkpoint.InvalidNameException;
import ai.noether.api.checkpoint.StoreLocation;
import ai.noether.api.NoetherException;
import ai.noether.api.checkpoint.Names;
import ai.noether.core.cli.NoetherCli;
import ai.noether.core.config.RunConfigLoader;
import ai.noether.core.history.MetricHistory;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code noether plot RUN_ID [--stage S] [--output-dir DIR]}: renders {@link HistoryPlots} from
 * the {@code history.jsonl} of a run's stages into each stage's {@code plots/} folder and prints
 * the files written. Without {@code --stage} every stage of the run that has a history is plotted.
 * Works on a run that is still training (the history is read as it is).
 */
@Command(name = "plot", mixinStandardHelpOptions = true,
    description = {"Draws PNG plots of a run's losses, metrics and learning rate into <stage>/plots/."})
public final class PlotCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "RUN_ID", description = "the run to plot")
  String runId;

  @Option(names = "--stage", paramLabel = "STAGE", description = "plot only this stage")
  String stage;

  @Option(names = "--output-dir", paramLabel = "DIR", defaultValue = RunConfigLoader.DEFAULT_OUTPUT_DIR,
      description = "where the runs are: a directory or a store URI such as s3://bucket/prefix"
          + " (default: ${DEFAULT-VALUE})")
  String outputDir;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Names.requireRunId(runId);
    // The history is the run's own file next to its checkpoints: in output_dir for a local one, in
    // this machine's work directory for a store elsewhere (see StoreLocation#workDir).
    StoreLocation location;
    try {
      location = StoreLocation.parse(outputDir, Path.of(""));
    } catch (InvalidNameException e) {
      throw new ConfigException("--output-dir " + outputDir + ": " + e.getMessage());
    }
    Path runDir = location.workDir(Path.of("")).resolve(runId);
    if (!Files.isDirectory(runDir)) {
      err.println("noether plot: run '" + runId + "' does not exist in " + runDir.getParent() + "; runs there: "
          + describe(subdirectories(runDir.getParent())));
      return NoetherCli.FAILURE;
    }
    List<String> stages;
    if (stage != null) {
      Names.requireStageName(stage);
      stages = List.of(stage);
    } else {
      stages = subdirectories(runDir).stream()
          .filter(s -> Files.isRegularFile(runDir.resolve(s).resolve(MetricHistory.FILE_NAME))).toList();
    }
    if (stages.isEmpty()) {
      err.println("noether plot: no stage of run '" + runId + "' has a " + MetricHistory.FILE_NAME
          + " yet; it appears once training has logged a metric");
      return NoetherCli.FAILURE;
    }
    for (String s : stages) {
      Path stageDir = runDir.resolve(s);
      Path history = stageDir.resolve(MetricHistory.FILE_NAME);
      if (!Files.isRegularFile(history)) {
        err.println("noether plot: " + history + " does not exist; stages of run '" + runId + "': "
            + describe(subdirectories(runDir)));
        return NoetherCli.FAILURE;
      }
      try {
        List<Path> written = HistoryPlots.render(history, stageDir.resolve(HistoryPlots.DEFAULT_DIR));
        if (written.isEmpty()) {
          out.println(runId + "/" + s + ": no metrics logged yet");
        }
        written.forEach(p -> out.println(p));
      } catch (IllegalArgumentException e) {
        throw new NoetherException("noether plot: " + e.getMessage(), e);
      }
    }
    return NoetherCli.OK;
  }

  private static List<String> subdirectories(Path dir) throws IOException {
    if (dir == null || !Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.filter(Files::isDirectory).map(p -> p.getFileName().toString())
          .filter(n -> !n.startsWith(".")).sorted().toList();
    }
  }

  private static String describe(List<String> names) {
    return names.isEmpty() ? "none" : String.join(", ", names);
  }
}
