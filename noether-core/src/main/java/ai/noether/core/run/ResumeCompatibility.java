package ai.noether.core.run;

import ai.noether.api.ConfigException;
import ai.noether.api.Nullable;
import ai.noether.core.config.RunConfig;
import ai.noether.core.resume.ConfigDiff;
import ai.noether.core.resume.LoadedCheckpoint;
import ai.noether.core.resume.ResumeRules;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compares the configuration of a resumed stage with the one its checkpoint saved ({@link
 * ResumeRules#DEFAULT}): a change the checkpoint cannot honour fails the resume, listing every
 * change; the others are logged.
 */
final class ResumeCompatibility {
  // The messages keep the logger users know them by.
  private static final Logger LOG = LoggerFactory.getLogger(StageAssembly.class);

  private ResumeCompatibility() {}

  /**
   * The allowed changes, or null when the checkpoint holds no configuration to compare with.
   *
   * @throws ConfigException listing the changes when one of them is forbidden
   */
  @Nullable
  static ConfigDiff check(RunConfig config, LoadedCheckpoint checkpoint) {
    Optional<Map<String, Object>> saved = StageStart.savedState(checkpoint).config();
    if (saved.isEmpty()) {
      LOG.warn(
          "checkpoint {} holds no configuration; cannot check that this run matches it",
          checkpoint.source());
      return null;
    }
    ConfigDiff diff = ConfigDiff.between(saved.get(), config.toPlainTree(), ResumeRules.DEFAULT);
    if (!diff.forbidden().isEmpty()) {
      throw new ConfigException(
          "cannot resume "
              + config.stage()
              + " from "
              + checkpoint.source()
              + ": the configuration differs from the checkpoint's in ways it cannot honour (✗):\n"
              + diff.describe()
              + "\nUndo the ✗ changes, or start a new run whose model is initialised from this checkpoint with a"
              + " previous-run initializer (docs/initializers.md).");
    }
    if (!diff.isEmpty()) {
      LOG.debug(
          "resuming from {} with configuration changes:\n{}", checkpoint.source(), diff.describe());
    }
    return diff;
  }
}
