package ai.noether.core.cli;

import ai.noether.api.ConfigException;
import ai.noether.api.Nullable;
import ai.noether.api.checkpoint.CheckpointFileKind;
import ai.noether.api.checkpoint.CheckpointNotFoundException;
import ai.noether.api.checkpoint.CheckpointSelector;
import ai.noether.api.checkpoint.CheckpointStore;
import ai.noether.api.checkpoint.CorruptCheckpointException;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.checkpoint.StoredFile;
import ai.noether.core.checkpoint.TrainerStateFile;
import ai.noether.core.config.RunConfig;
import ai.noether.core.config.RunConfigLoader;
import ai.noether.core.resume.CheckpointFallback;
import ai.noether.core.resume.CheckpointReader;
import ai.noether.core.resume.NothingToResume;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The configuration {@code noether resume} continues with: the one that was running when the
 * checkpoint was written (key {@code config} of its {@code _trainer.th}), never the editable side
 * file {@code <stage>/config.yaml}, so that a damaged or later-edited side file cannot change the
 * resumed run, and resuming an older checkpoint does not pick up overrides given after it. The
 * checkpoint is selected, verified and, for {@code latest}, fallen back from as the resume itself
 * does ({@link CheckpointFallback}), so the configuration comes from the checkpoint that is used.
 *
 * <p>A checkpoint without a saved configuration (written by Noether in Python) resumes with {@code
 * config.yaml}, and says so.
 */
final class CheckpointConfiguration {
  private CheckpointConfiguration() {}

  /**
   * @param stores opens the store of the output directory (the one {@code --output-dir} selects)
   * @param checkpoint the selector given, or null for latest
   * @param arguments the resume keys and the user's overrides, applied in order
   * @param sideFile {@code <stage>/config.yaml}, used only when the checkpoint holds no
   *     configuration
   */
  static RunConfig load(
      RunConfigLoader loader,
      Supplier<CheckpointStore> stores,
      StageId stage,
      @Nullable String checkpoint,
      boolean fallback,
      List<String> arguments,
      Path sideFile,
      PrintWriter err)
      throws IOException {
    CheckpointSelector selector;
    try {
      selector = CheckpointSelector.parse(checkpoint == null ? "" : checkpoint); // "": latest
    } catch (RuntimeException e) {
      throw new ConfigException("--checkpoint " + checkpoint + ": " + e.getMessage());
    }
    CheckpointFallback.Selected<Map<String, Object>> selected;
    try (CheckpointStore store = stores.get()) {
      selected =
          CheckpointFallback.load(
              store, stage, selector, fallback, cp -> CheckpointReader.readForResume(store, cp));
      selected.fallback().ifPresent(err::println);
      List<String> all = new ArrayList<>(arguments);
      if (selected.fallback().isPresent()) {
        // The resume itself must read the checkpoint the configuration came from.
        all.add("resume_checkpoint='" + selected.checkpoint().tag().token() + "'");
      }
      RunConfig run;
      String trainerFile = trainerFile(store, selected.checkpoint());
      Optional<Map<String, Object>> saved =
          TrainerStateFile.read(selected.value(), trainerFile).config();
      if (saved.isPresent()) {
        run = loader.fromTree(saved.get(), "the configuration saved in " + trainerFile, all);
      } else {
        err.println(
            "checkpoint "
                + selected.checkpoint().describe()
                + " of "
                + stage
                + " holds no configuration of its"
                + " own; resuming with "
                + sideFile);
        run = loader.load(sideFile, all);
      }
      if (selected.fallback().isPresent()
          && run.optResume().map(r -> !r.fallback()).orElse(false)) {
        throw new CorruptCheckpointException(selected.refusal().orElseThrow());
      }
      if (saved.isPresent()) {
        FinishedStage.refuseUnchangedLength(store, stage, selected.checkpoint(), saved.get(), run);
      }
      return run;
    } catch (CheckpointNotFoundException e) {
      // sideFile is <output work dir>/<run_id>/<stage_name>/config.yaml
      Path runs = ancestor(sideFile.toAbsolutePath(), 3);
      try (CheckpointStore store = stores.get()) {
        Optional<ConfigException> nothing =
            NothingToResume.check(store, runs, stage, stage.stageName(), e);
        if (nothing.isPresent()) {
          throw nothing.get();
        }
      }
      // Worded as the command line was typed; the resume keys are internal to this command.
      throw new ConfigException(
          "cannot resume run '"
              + stage.runId()
              + "' stage '"
              + stage.stageName()
              + "' from "
              + (checkpoint == null ? "its latest checkpoint" : "--checkpoint " + checkpoint)
              + ": "
              + e.getMessage(),
          e);
    }
  }

  private static String trainerFile(CheckpointStore store, StoredCheckpoint checkpoint) {
    Optional<StoredFile> file =
        checkpoint.files().stream()
            .filter(f -> f.name().kind() == CheckpointFileKind.TRAINER)
            .findFirst();
    return file.map(f -> store.location(checkpoint, f)).orElse(checkpoint.describe());
  }

  /** The directory {@code levels} above {@code path}. */
  private static Path ancestor(Path path, int levels) {
    Path p = path;
    for (int i = 0; i < levels; i++) {
      p =
          Objects.requireNonNull(
              p.getParent(), path + " lies fewer than " + levels + " directories deep");
    }
    return p;
  }
}
