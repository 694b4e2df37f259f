package ai.noether.core.cli;

import ai.noether.api.ConfigException;
import ai.noether.api.Nullable;
import ai.noether.api.checkpoint.CheckpointNotFoundException;
import ai.noether.api.checkpoint.CheckpointStore;
import ai.noether.api.checkpoint.Names;
import ai.noether.api.checkpoint.RunLayout;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.StoreLocation;
import ai.noether.core.config.RunConfig;
import ai.noether.core.layout.RunDirectories;
import ai.noether.core.registry.ComponentRegistry;
import ai.noether.core.resume.VerifiedReads;
import ai.noether.core.store.WriterLeases;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code noether resume <run_id> [--stage S] [--checkpoint C] [--no-fallback] [key.path=value
 * ...]}: continues a stage from one of its checkpoints, in place. It takes the configuration that
 * was running when the checkpoint was written (from its trainer file, see {@link
 * CheckpointConfiguration}), sets the resume keys to that stage and checkpoint, applies the
 * overrides, and launches the run like {@code train}. When {@code latest} fails verification it
 * continues from the newest checkpoint that verifies, unless {@code --no-fallback}.
 */
@Command(
    name = "resume",
    mixinStandardHelpOptions = true,
    description = {
      "Continues a stage of an earlier run from a checkpoint (default: its latest, or the newest"
          + " checkpoint that verifies), with the configuration saved in that checkpoint and optional key.path=value"
          + " overrides.",
      "The run keeps its run id and stage name; override run_id=... to continue into a new run instead."
    })
final class ResumeCommand implements Callable<Integer> {
  private static final int MAX_LISTED = 20;
  private static final String AUTO_RESUME_HINT =
      "start it with the command that started it plus --resume-if-exists"
          + " (noether train <config.yaml> run_id=<id> --resume-if-exists), which starts fresh while the stage has no"
          + " checkpoint and resumes from its newest one on every later start";

  @ParentCommand NoetherCli cli;
  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "RUN_ID",
      description =
          "the run to resume; default: the run started or resumed most recently in the output directory")
  @Nullable
  String runId;

  @Option(
      names = "--stage",
      paramLabel = "STAGE",
      description = "the stage to resume; needed only when the run has several")
  @Nullable
  String stage;

  @Option(
      names = "--checkpoint",
      paramLabel = "CHECKPOINT",
      description =
          "latest (default), last, best.<metric>, E<epoch>, U<update>, S<sample> or a full tag")
  @Nullable
  String checkpoint;

  @Mixin OutputDirOption outputDir;

  @Parameters(index = "1..*", paramLabel = "KEY=VALUE", description = "overrides, as for 'train'")
  List<String> overrides = new ArrayList<>();

  @Option(
      names = "--no-fallback",
      description =
          "when latest fails verification, stop with an error instead of continuing from the newest"
              + " checkpoint that verifies (same as resume_fallback=false)")
  boolean noFallback;

  @Option(
      names = "--interrupt-at-update",
      paramLabel = "N",
      description = "send this process SIGTERM after update N, as for 'train'")
  @Nullable
  Long interruptAtUpdate;

  @Override
  public Integer call() throws Exception {
    if (runId != null && runId.indexOf('=') > 0) {
      // 'resume trainer.max_epochs=8' means the most recent run with an override: a run id has no
      // '='.
      overrides.add(0, runId);
      runId = null;
    }
    StoreLocation location = outputDir.location(cli);
    if (!location.isLocal()) {
      return resumeFromStore(location);
    }
    Path runs = location.workDir(cli.workingDir());
    if (runId == null) {
      Path newest =
          newestStageConfig(
              runs, spec.commandLine().getParseResult().hasMatchedOption("--output-dir"));
      // newest is <runs>/<run_id>/<stage_name>/config.yaml
      Path stageDir = Objects.requireNonNull(newest.getParent(), "stage directory");
      runId =
          Objects.requireNonNull(stageDir.getParent(), "run directory").getFileName().toString();
      if (stage == null) {
        stage = stageDir.getFileName().toString();
      }
      spec.commandLine()
          .getOut()
          .println("resuming the most recent run: " + runId + ", stage " + stage);
    }
    Path runDir = runs.resolve(StoreArguments.requireName(runId, Names::requireRunId));
    if (!Files.isDirectory(runDir)) {
      throw new ConfigException(
          "there is no run '"
              + runId
              + "' in "
              + runs
              + "; runs there: "
              + listing(runs, false)
              + ". (A job killed before it wrote anything leaves no run: 'noether train <config.yaml> run_id="
              + runId
              + " --resume-if-exists' starts it, and resumes it once it has a checkpoint.)");
    }
    String stageName =
        stage != null
            ? StoreArguments.requireName(stage, Names::requireStageName)
            : onlyStage(runDir);
    Path file = RunLayout.resolvedConfigFileIn(runDir.resolve(stageName));
    if (!Files.isRegularFile(file) && startedWithoutCheckpoint(runDir.resolve(stageName))) {
      throw stoppedBeforeItsFirstFile(stageName);
    }
    if (!Files.isRegularFile(file)) {
      throw new ConfigException(
          "run '"
              + runId
              + "' has no stage '"
              + stageName
              + "' with a saved configuration ("
              + file
              + " is missing); stages there: "
              + listing(runDir, true));
    }
    return launch(
        location,
        new StageId(runId, stageName),
        resumeArguments(runs.toString(), runId, stageName),
        file);
  }

  /**
   * Resumes from a store that is not a local directory (another machine's checkpoints in a bucket):
   * everything comes from the store, the configuration from the checkpoint itself, since the local
   * {@code config.yaml} of the machine that trained is not here.
   */
  private int resumeFromStore(StoreLocation location) throws Exception {
    if (runId == null) {
      throw new ConfigException(
          "give the RUN_ID to resume from "
              + location
              + "; 'noether runs --output-dir "
              + location
              + "' lists the runs there");
    }
    StoreArguments.requireName(runId, Names::requireRunId);
    String stageName = stage;
    if (stageName == null) {
      List<String> stages;
      try (CheckpointStore store = StoreArguments.open(cli, location)) {
        stages = store.stages(runId);
      } catch (CheckpointNotFoundException e) {
        throw new ConfigException(e.getMessage(), e);
      }
      if (stages.size() != 1) {
        throw new ConfigException(
            stages.isEmpty()
                ? "run '" + runId + "' in " + location + " has no stages"
                : "run '"
                    + runId
                    + "' has several stages: "
                    + String.join(", ", stages)
                    + "; choose one with --stage");
      }
      stageName = stages.get(0);
    }
    StoreArguments.requireName(stageName, Names::requireStageName);
    Path sideFile =
        new RunLayout(location.workDir(cli.workingDir()), new StageId(runId, stageName))
            .resolvedConfigFile();
    return launch(
        location,
        new StageId(runId, stageName),
        resumeArguments(location.toString(), runId, stageName),
        sideFile);
  }

  /**
   * The overrides that turn the saved configuration into this resume: the output directory, the
   * resume keys for the stage and checkpoint, then the user's own overrides.
   */
  private List<String> resumeArguments(String outputDir, String runId, String stageName) {
    List<String> arguments = new ArrayList<>();
    arguments.add("output_dir='" + outputDir.replace("'", "''") + "'");
    arguments.add("resume_run_id='" + runId + "'");
    arguments.add("resume_stage_name='" + stageName + "'");
    arguments.add(
        "resume_checkpoint="
            + (checkpoint == null ? "" : "'" + checkpoint.replace("'", "''") + "'"));
    if (noFallback) {
      arguments.add("resume_fallback=false");
    }
    arguments.addAll(overrides);
    return arguments;
  }

  private int launch(StoreLocation location, StageId stageId, List<String> arguments, Path sideFile)
      throws Exception {
    Optional<Path> outputDir = location.localPath();
    if (outputDir.isPresent()) {
      WriterLeases.refuseIfTrainedHere(outputDir.get(), stageId);
    }
    // Choosing the checkpoint reads and verifies all of it; the resume takes those reads over.
    try (VerifiedReads reads = VerifiedReads.open()) {
      RunConfig run =
          CheckpointConfiguration.load(
              cli.loader(),
              () -> StoreArguments.open(cli, location),
              stageId,
              checkpoint,
              !noFallback,
              arguments,
              sideFile,
              spec.commandLine().getErr());
      ComponentRegistry registry = cli.registry();
      registry.validate(run);
      return cli.launcher()
          .launch(
              run,
              registry,
              spec.commandLine().getOut(),
              LaunchOptions.fromCommandLine(interruptAtUpdate));
    }
  }

  /** The saved configuration written last under {@code runs}: the stage started or resumed last. */
  private static Path newestStageConfig(Path runs, boolean outputDirGiven) throws IOException {
    if (!Files.isDirectory(runs)) {
      throw new ConfigException(
          "there are no runs to resume: "
              + runs
              + " does not exist; "
              + (outputDirGiven
                  ? "check the --output-dir you gave"
                  : "give --output-dir, the output_dir the run was trained with"));
    }
    return RunDirectories.newest(runs, RunLayout.RESOLVED_CONFIG_FILE)
        .orElseThrow(
            () ->
                new ConfigException(
                    "there are no runs to resume in "
                        + runs
                        + " (no <run_id>/<stage>/"
                        + RunLayout.RESOLVED_CONFIG_FILE
                        + ")"));
  }

  /**
   * A stage directory without a saved configuration: the process was killed before it wrote its
   * first file.
   */
  private ConfigException stoppedBeforeItsFirstFile(String stageName) {
    return new ConfigException(
        "run '"
            + runId
            + "' stage '"
            + stageName
            + "' was stopped before it saved its"
            + " configuration or any checkpoint, so there is nothing to resume; "
            + AUTO_RESUME_HINT.replace("<id>", runId)
            + ".");
  }

  /**
   * A stage directory whose {@code checkpoints/} holds no file (hidden ones aside): not, say, a
   * stage written by Noether in Python, which has checkpoints but no {@code config.yaml}.
   */
  private static boolean startedWithoutCheckpoint(Path stageDir) throws IOException {
    if (!Files.isDirectory(stageDir)) {
      return false;
    }
    Path checkpoints = RunLayout.checkpointDirIn(stageDir);
    if (!Files.isDirectory(checkpoints)) {
      return true;
    }
    try (Stream<Path> files = Files.list(checkpoints)) {
      return files.noneMatch(
          p -> !p.getFileName().toString().startsWith(".") && Files.isRegularFile(p));
    }
  }

  /** The run's one stage with a saved configuration. */
  private String onlyStage(Path runDir) throws IOException {
    List<String> stages = stages(runDir);
    if (stages.size() == 1) {
      return stages.get(0);
    }
    List<String> started = RunDirectories.subdirectories(runDir);
    if (stages.isEmpty()
        && started.size() == 1
        && startedWithoutCheckpoint(runDir.resolve(started.get(0)))) {
      throw stoppedBeforeItsFirstFile(started.get(0));
    }
    throw new ConfigException(
        stages.isEmpty()
            ? "run '"
                + runId
                + "' has no stage with a saved configuration ("
                + RunLayout.RESOLVED_CONFIG_FILE
                + ") in "
                + runDir
            : "run '"
                + runId
                + "' has several stages: "
                + String.join(", ", stages)
                + "; choose one with --stage");
  }

  /** The stages of a run that {@code resume} can continue: those with a saved configuration. */
  private static List<String> stages(Path runDir) throws IOException {
    return RunDirectories.stagesWith(runDir, RunLayout.RESOLVED_CONFIG_FILE);
  }

  private static String listing(Path dir, boolean stagesOnly) throws IOException {
    if (!Files.isDirectory(dir)) {
      return "none (the directory does not exist)";
    }
    List<String> names = stagesOnly ? stages(dir) : runs(dir);
    if (names.size() > MAX_LISTED) {
      // Run ids sort by creation time: the newest are the likeliest to be meant.
      return "... ("
          + (names.size() - MAX_LISTED)
          + " more), "
          + String.join(", ", names.subList(names.size() - MAX_LISTED, names.size()));
    }
    return names.isEmpty() ? "none" : String.join(", ", names);
  }

  /** The directories under {@code dir} with a stage to resume: not every folder of, say, /tmp. */
  private static List<String> runs(Path dir) throws IOException {
    return RunDirectories.runs(
        dir, run -> RunDirectories.hasStageWith(run, RunLayout.RESOLVED_CONFIG_FILE));
  }
}
