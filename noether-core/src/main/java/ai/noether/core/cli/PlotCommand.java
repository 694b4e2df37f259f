package ai.noether.core.cli;

import ai.noether.api.NoetherException;
import ai.noether.api.Nullable;
import ai.noether.api.checkpoint.Names;
import ai.noether.api.checkpoint.RunLayout;
import ai.noether.api.checkpoint.StoreLocation;
import ai.noether.core.history.HistoryPlots;
import ai.noether.core.layout.RunDirectories;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code noether plot RUN_ID [--stage S] [--output-dir DIR]}: renders {@link HistoryPlots} from the
 * {@code history.jsonl} of a run's stages into each stage's {@code plots/} folder and prints the
 * files written. Without {@code --stage} every stage of the run that has a history is plotted.
 * Works on a run that is still training (the history is read as it is).
 */
@Command(
    name = "plot",
    mixinStandardHelpOptions = true,
    description = {
      "Draws PNG plots of a run's losses, metrics and learning rate into <stage>/plots/."
    })
public final class PlotCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @ParentCommand NoetherCli parent;

  @SuppressWarnings("NullAway.Init") // required: picocli sets it before call()
  @Parameters(index = "0", paramLabel = "RUN_ID", description = "the run to plot")
  String runId;

  @Option(names = "--stage", paramLabel = "STAGE", description = "plot only this stage")
  @Nullable
  String stage;

  @Mixin OutputDirOption outputDir;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    StoreArguments.requireName(runId, Names::requireRunId);
    // The history is the run's own file next to its checkpoints: in output_dir for a local one, in
    // this machine's work directory for a store elsewhere (see StoreLocation#workDir).
    StoreLocation location = outputDir.location(parent);
    Path runsDir = location.workDir(parent.workingDir());
    Path runDir = runsDir.resolve(runId);
    if (!Files.isDirectory(runDir)) {
      err.println(
          "noether plot: run '"
              + runId
              + "' does not exist in "
              + runsDir
              + "; runs there: "
              + describe(RunDirectories.runs(runsDir, RunDirectories::looksLikeRun)));
      return NoetherCli.USAGE;
    }
    List<String> stages;
    if (stage != null) {
      StoreArguments.requireName(stage, Names::requireStageName);
      stages = List.of(stage);
    } else {
      stages = RunDirectories.stagesWith(runDir, RunLayout.HISTORY_FILE);
    }
    if (stages.isEmpty()) {
      err.println(
          "noether plot: no stage of run '"
              + runId
              + "' has a "
              + RunLayout.HISTORY_FILE
              + " yet; it appears once training has logged a metric");
      return NoetherCli.FAILURE;
    }
    for (String s : stages) {
      Path stageDir = runDir.resolve(s);
      Path history = RunLayout.historyFileIn(stageDir);
      if (!Files.isRegularFile(history)) {
        err.println(
            "noether plot: "
                + history
                + " does not exist; stages of run '"
                + runId
                + "': "
                + describe(RunDirectories.subdirectories(runDir)));
        return NoetherCli.USAGE;
      }
      try {
        List<Path> written = HistoryPlots.render(history, RunLayout.plotsDirIn(stageDir));
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

  private static String describe(List<String> names) {
    return names.isEmpty() ? "none" : String.join(", ", names);
  }
}
