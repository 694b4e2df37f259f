package ai.noether.core.cli;

import ai.noether.api.ConfigException;
import ai.noether.api.Nullable;
import ai.noether.api.checkpoint.CheckpointNotFoundException;
import ai.noether.api.checkpoint.CheckpointStore;
import ai.noether.api.checkpoint.InvalidNameException;
import ai.noether.api.checkpoint.Names;
import ai.noether.api.checkpoint.RunLayout;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.StoreLocation;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.metric.MetricFormat;
import ai.noether.core.layout.RunDirectories;
import ai.noether.core.run.StageStatus;
import ai.noether.core.store.ByteSizes;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code noether runs [RUN_ID] [--output-dir DIR]}: the runs under an output directory with each
 * stage's {@link StageStatus} (running, finished, interrupted, failed; last iteration; duration),
 * or the stages of one run with their status, last metrics and checkpoints (tag, iteration, size),
 * oldest first, as the store sees them — what {@code resume --checkpoint} and {@code
 * resume_checkpoint} can select. A run trained without a stage (its checkpoints directly in {@code
 * <run_id>/checkpoints/}, as Noether in Python writes it without {@code stage_name}) shows that
 * stage as {@value RunDirectories#NO_STAGE_LABEL}.
 */
@Command(
    name = "runs",
    mixinStandardHelpOptions = true,
    description = {
      "Lists the runs in the output directory with each stage's status (running, finished, interrupted,"
          + " failed), last iteration and duration, or the stages of one run with their status, last metrics and"
          + " checkpoints."
    })
final class RunsCommand implements Callable<Integer> {
  @ParentCommand NoetherCli cli;
  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "RUN_ID",
      description = "a run to show in detail")
  @Nullable
  String runId;

  @Mixin OutputDirOption outputDir;

  @Override
  public Integer call() throws Exception {
    StoreLocation root = outputDir.location(cli);
    PrintWriter out = spec.commandLine().getOut();
    try (CheckpointStore store = StoreArguments.open(cli, root)) {
      if (runId == null) {
        List<String> runs = store.runs();
        if (runs.isEmpty()) {
          out.println("no runs in " + root);
        }
        for (String run : runs) {
          List<String> stages = store.stages(run);
          out.println(
              run
                  + "  (stages: "
                  + String.join(", ", stages.stream().map(RunDirectories::label).toList())
                  + ")");
          for (String stage : stages) {
            out.println(
                "  "
                    + RunDirectories.label(stage)
                    + ": "
                    + summary(status(store, root, new StageId(run, stage))));
          }
        }
        return NoetherCli.OK;
      }
      List<String> stages;
      try {
        stages = store.stages(Names.requireRunId(runId));
      } catch (CheckpointNotFoundException | InvalidNameException e) {
        // A run that is not there is a usage error, as it is for resume, verify and plot.
        throw new ConfigException(e.getMessage(), e);
      }
      for (String stage : stages) {
        out.println(
            stage.isEmpty()
                ? runId
                    + "  "
                    + RunDirectories.NO_STAGE_LABEL
                    + ": checkpoints directly in "
                    + runId
                    + "/"
                    + RunLayout.CHECKPOINTS
                : runId + "/" + stage);
        StageStatus status = status(store, root, new StageId(runId, stage));
        out.println(
            "  status: "
                + summary(status)
                + (status.detail().isEmpty() ? "" : "\n    " + status.detail()));
        if (!status.metrics().isEmpty()) {
          out.println(
              "  last metrics: "
                  + status.metrics().entrySet().stream()
                      .map(e -> e.getKey() + "=" + MetricFormat.format(e.getValue()))
                      .collect(Collectors.joining(", ")));
        }
        List<StoredCheckpoint> checkpoints = store.list(new StageId(runId, stage));
        if (checkpoints.isEmpty()) {
          out.println("  no checkpoints");
        }
        for (StoredCheckpoint cp : checkpoints) {
          out.printf(
              "  %-36s %-22s %10s  %s%n",
              cp.tag().token(), cp.iteration(), ByteSizes.human(cp.size()), cp.committedAt());
        }
      }
      return NoetherCli.OK;
    }
  }

  private StageStatus status(CheckpointStore store, StoreLocation root, StageId stage)
      throws java.io.IOException {
    Path stageDir = new RunLayout(root.workDir(cli.workingDir()), stage).stageDir();
    return StageStatus.of(store, stage, stageDir, root.localPath().orElse(null));
  }

  /** {@code finished at E12_U768_S24576 after 0:03:10}. */
  static String summary(StageStatus status) {
    return status.state().word()
        + (status.iteration() == null ? "" : " at " + status.iteration())
        + (status.duration() == null
            ? ""
            : ", "
                + StageStatus.format(status.duration())
                + (status.state() == StageStatus.State.RUNNING ? " so far" : ""));
  }
}
