package ai.noether.core.cli;

import ai.noether.api.ConfigException;
import ai.noether.api.Nullable;
import ai.noether.api.checkpoint.CheckpointStore;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.core.config.ConfigKeys;
import ai.noether.core.config.RunConfig;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Refuses a resume that cannot train anything: from the checkpoint where the stage finished ({@code
 * last}, or {@code latest} of a finished stage) with the same {@code trainer.max_*} the stage ended
 * under. Such a resume would only rewrite the stage's final checkpoint; the user almost always
 * meant to train longer, so the message says which limit to raise.
 */
final class FinishedStage {
  private static final List<String> LIMITS =
      List.of(ConfigKeys.MAX_EPOCHS, ConfigKeys.MAX_UPDATES, ConfigKeys.MAX_SAMPLES);

  private FinishedStage() {}

  /**
   * @param chosen the checkpoint the resume continues from
   * @param saved the configuration saved in it (the plain tree)
   * @param run the configuration the resume would run, overrides applied
   * @throws ConfigException when {@code chosen} is where {@code stage} finished and no limit
   *     changed
   */
  static void refuseUnchangedLength(
      CheckpointStore store, StageId stage, StoredCheckpoint chosen, Map<?, ?> saved, RunConfig run)
      throws IOException {
    Optional<StoredCheckpoint> last =
        store.list(stage).stream().filter(c -> c.tag().equals(CheckpointTag.LAST)).findFirst();
    if (last.isEmpty() || !last.get().iteration().equals(chosen.iteration())) {
      return;
    }
    Map<?, ?> before = trainer(saved);
    Map<?, ?> now = trainer(run.toPlainTree());
    if (LIMITS.stream().anyMatch(k -> !Objects.equals(number(before.get(k)), number(now.get(k))))) {
      return;
    }
    String limit =
        LIMITS.stream()
            .filter(k -> number(before.get(k)) > 0)
            .findFirst()
            .orElse(ConfigKeys.MAX_EPOCHS);
    long value = number(before.get(limit));
    String key = ConfigKeys.TRAINER + "." + limit;
    throw new ConfigException(
        "checkpoint "
            + chosen.describe()
            + " of "
            + stage
            + " is where the stage finished"
            + " training ("
            + key
            + ": "
            + value
            + "), so resuming it unchanged would train nothing and only rewrite its"
            + " final checkpoint. To train longer, raise the limit, e.g. 'noether resume "
            + stage.runId()
            + " --stage "
            + stage.stageName()
            + " "
            + key
            + "="
            + Math.max(1, value * 2)
            + "'; to start a new training from these"
            + " weights, use a previous-run initializer (docs/initializers.md).");
  }

  private static Map<?, ?> trainer(Map<?, ?> tree) {
    return tree.get(ConfigKeys.TRAINER) instanceof Map<?, ?> m ? m : Map.of();
  }

  private static long number(@Nullable Object value) {
    if (value instanceof Number n) {
      return n.longValue();
    }
    try {
      return value == null ? 0 : Long.parseLong(value.toString());
    } catch (NumberFormatException e) {
      return -1; // not comparable as a limit: treated as changed only if it differs
    }
  }
}
