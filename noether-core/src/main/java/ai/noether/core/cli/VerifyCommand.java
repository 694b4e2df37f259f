package ai.noether.core.cli;

import ai.noether.api.ConfigException;
import ai.noether.api.NoetherException;
import ai.noether.api.Nullable;
import ai.noether.api.checkpoint.CheckpointFileKind;
import ai.noether.api.checkpoint.CheckpointKeys;
import ai.noether.api.checkpoint.CheckpointNotFoundException;
import ai.noether.api.checkpoint.CheckpointSelector;
import ai.noether.api.checkpoint.CheckpointStore;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.CorruptCheckpointException;
import ai.noether.api.checkpoint.InvalidNameException;
import ai.noether.api.checkpoint.Names;
import ai.noether.api.checkpoint.RunLayout;
import ai.noether.api.checkpoint.StageContents;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.StoreLocation;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.checkpoint.UnsupportedCheckpointFormatException;
import ai.noether.core.checkpoint.TrainerStateFile;
import ai.noether.core.config.RunConfigLoader;
import ai.noether.core.format.th.ThReader;
import ai.noether.core.resume.CheckpointReader;
import ai.noether.core.resume.CheckpointResolver;
import ai.noether.core.resume.ConfigDiff;
import ai.noether.core.resume.FileMetadata;
import ai.noether.core.resume.ResumeRules;
import ai.noether.core.store.FileCheckpointStore;
import ai.noether.core.store.StageAudit;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code noether verify <run_id> [--stage S] [--output-dir D]}: checks everything of a run's stages
 * that a resume or a PyTorch user relies on, and reports per checkpoint:
 *
 * <ul>
 *   <li>every manifest (and alias manifest) against its own checksum;
 *   <li>every checkpoint file against its committed size and CRC32C, every {@code .th} record
 *       against its CRC-32, and each file's {@code training_iteration} and {@code checkpoint_tag}
 *       against its manifest;
 *   <li>every Noether file name against the bytes its manifest lists (names that mix two saves,
 *       left by a writer killed while publishing them, are reported with the iteration inside);
 *   <li>{@code config.yaml} against the configuration saved in {@code latest}.
 * </ul>
 *
 * <p>Reads only; takes no lock, so it can run while the stage trains. Exit status {@value #OK} when
 * everything verifies, {@value #PROBLEMS} when anything does not, 2 for an unknown run or stage.
 */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = {
      "Checks every checkpoint, manifest and file name of a run's stages (checksums, sizes, the"
          + " iteration and tag inside each file, names that mix two saves, config.yaml against latest)"
          + " and reports per checkpoint.",
      "Exit status 0 when everything verifies, "
          + VerifyCommand.PROBLEMS
          + " when something does not."
    })
final class VerifyCommand implements Callable<Integer> {
  static final int OK = 0;

  /** Something does not verify; the report says what. */
  static final int PROBLEMS = 5;

  @ParentCommand NoetherCli cli;
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "RUN_ID", description = "the run to check")
  @SuppressWarnings(
      "NullAway.Init") // set by picocli before call(): a required parameter or an option with a
  // default
  String runId;

  @Option(
      names = "--stage",
      paramLabel = "STAGE",
      description = "check only this stage (default: every stage)")
  @Nullable
  String stage;

  @Mixin OutputDirOption outputDir;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    StoreLocation location = outputDir.location(cli);
    Path runs = location.workDir(cli.workingDir());
    int problems = 0;
    try (CheckpointStore store = StoreArguments.open(cli, location)) {
      List<String> stages;
      try {
        Names.requireRunId(runId);
        stages = store.stages(runId);
        if (stage != null) {
          Names.requireStageName(stage);
          if (!stages.contains(stage)) {
            throw new ConfigException(
                "run '"
                    + runId
                    + "' has no stage '"
                    + stage
                    + "'; its stages: "
                    + (stages.isEmpty() ? "none" : String.join(", ", stages))
                    + " (in "
                    + store.location()
                    + "/"
                    + runId
                    + ")");
          }
          stages = List.of(stage);
        }
      } catch (CheckpointNotFoundException | InvalidNameException e) {
        throw new ConfigException(e.getMessage(), e);
      }
      for (String name : stages) {
        problems += verifyStage(store, runs, new StageId(runId, name), out);
      }
    }
    out.println(problems == 0 ? "verified: no problems found" : problems + " problem(s) found");
    return problems == 0 ? OK : PROBLEMS;
  }

  private int verifyStage(CheckpointStore store, Path runs, StageId id, PrintWriter out)
      throws IOException {
    // What only the file store can tell (names that are not their tag's bytes) comes from its
    // audit;
    // every store reports the commit records it cannot trust.
    StageContents contents = store.contents(id);
    StageAudit audit = store instanceof FileCheckpointStore files ? files.audit(id) : null;
    List<StoredCheckpoint> checkpoints = contents.checkpoints();
    out.println(id + " (" + store.location(id) + "): " + checkpoints.size() + " checkpoint(s)");
    int problems = 0;
    for (StoredCheckpoint checkpoint : checkpoints) {
      try {
        CheckpointReader.readAll(store, checkpoint);
        out.println("  ok         " + checkpoint.describe());
      } catch (NoetherException e) {
        problems++;
        out.println("  CORRUPT    " + checkpoint.describe() + ": " + e.getMessage());
      }
    }
    Map<CheckpointTag, String> unreadable =
        new java.util.TreeMap<>(java.util.Comparator.comparing(CheckpointTag::token));
    contents.unreadable().forEach((tag, e) -> unreadable.put(tag, e.getMessage()));
    if (audit != null) {
      unreadable.putAll(audit.unreadable());
    }
    for (Map.Entry<CheckpointTag, String> e : unreadable.entrySet()) {
      problems++;
      out.println("  CORRUPT    " + e.getKey().token() + " (not listed): " + e.getValue());
    }
    List<StageAudit.NameProblem> names = audit == null ? List.of() : audit.names();
    for (StageAudit.NameProblem p : names) {
      problems++;
      out.println("  NAME       " + p.file().getFileName() + " " + p.problem() + inside(p.file()));
    }
    if (!names.isEmpty()) {
      out.println(
          "             (mixed or missing names are repaired by the next train or resume of the stage)");
    }
    problems += checkSideConfig(store, runs, id, out);
    return problems;
  }

  /** What the file itself records, so that a reader loading by name knows what it would get. */
  private static String inside(Path file) {
    if (!Files.isRegularFile(file)) {
      return "";
    }
    try {
      Map<String, Object> tree = ThReader.read(file);
      Optional<?> iteration = FileMetadata.iteration(tree, file.toString());
      return iteration
          .map(i -> " (its " + CheckpointKeys.TRAINING_ITERATION + " is " + i + ")")
          .orElse("");
    } catch (IOException | RuntimeException e) {
      return " (it cannot be read: " + e.getMessage() + ")";
    }
  }

  /**
   * Compares {@code config.yaml} with the configuration saved in {@code latest}; returns the
   * problems found.
   */
  private int checkSideConfig(CheckpointStore store, Path runs, StageId id, PrintWriter out)
      throws IOException {
    Path sideFile = new RunLayout(runs, id).resolvedConfigFile();
    if (!Files.isRegularFile(sideFile)) {
      return 0;
    }
    Map<String, Object> saved;
    StoredCheckpoint latest;
    try {
      latest = CheckpointResolver.of(store).resolve(id, CheckpointSelector.parse("latest"));
      if (latest.files().stream().noneMatch(f -> f.name().kind() == CheckpointFileKind.TRAINER)) {
        return 0;
      }
      Optional<Map<String, Object>> config =
          TrainerStateFile.read(CheckpointReader.verifiedTrainer(store, latest), latest.describe())
              .config();
      if (config.isEmpty()) {
        return 0;
      }
      saved = config.get();
    } catch (CheckpointNotFoundException
        | CorruptCheckpointException
        | UnsupportedCheckpointFormatException e) {
      // No latest to compare with, already reported above, or written by a newer build whose
      // configuration this one may not understand: verifying integrity does not need it.
      return 0;
    }
    RunConfigLoader loader = cli.loader();
    Map<String, Object> side;
    try {
      side = loader.load(sideFile, List.of()).toPlainTree();
    } catch (ConfigException e) {
      out.println(
          "  CONFIG     "
              + sideFile
              + " is not a valid configuration (a resume does not use it; it takes the"
              + " configuration saved in the checkpoint): "
              + e.getMessage());
      return 1;
    }
    Map<String, Object> running = loader.fromTree(saved, "latest", List.of()).toPlainTree();
    // A stage directory may be moved; where it was is not a disagreement.
    ConfigDiff diff =
        ConfigDiff.between(running, side, new ResumeRules(List.of("output_dir"), Map.of()));
    if (diff.isEmpty()) {
      out.println(
          "  ok         "
              + RunLayout.RESOLVED_CONFIG_FILE
              + " matches the configuration saved in "
              + latest.describe());
      return 0;
    }
    out.println(
        "  CONFIG     "
            + sideFile
            + " differs from the configuration saved in "
            + latest.describe()
            + " (a resume uses the saved one):\n"
            + diff.describe().indent(4).stripTrailing());
    return 1;
  }
}
