package ai.noether.api.checkpoint;

import ai.noether.api.Nullable;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A complete, committed checkpoint of one stage.
 *
 * @param stage the stage it belongs to
 * @param tag its tag; for an alias ({@code latest}, {@code last}) the alias itself
 * @param iteration the training iteration its state is from; never null
 * @param files its files, never empty
 * @param committedAt when the commit completed
 */
public record StoredCheckpoint(
    StageId stage,
    CheckpointTag tag,
    TrainingIteration iteration,
    List<StoredFile> files,
    Instant committedAt) {

  public StoredCheckpoint {
    Objects.requireNonNull(stage, "stage");
    Objects.requireNonNull(tag, "tag");
    Objects.requireNonNull(iteration, "iteration");
    files = List.copyOf(files);
    Objects.requireNonNull(committedAt, "committedAt");
  }

  /**
   * The file of this kind for this model (and model info, null for none), if present. Files are
   * matched by their name's {@link CheckpointFileName#prefix() prefix}, so model info written by
   * Noether in Python with a {@code _} in it ({@code ema_factor=0.9999}) is found too. EMA model
   * info matches either spelling, {@code ema=} or {@code ema_factor=} (see {@link
   * CheckpointFileName#modelInfoSpellings}), the one given first.
   */
  public Optional<StoredFile> file(
      String modelName, @Nullable String modelInfo, CheckpointFileKind kind) {
    for (String info : CheckpointFileName.modelInfoSpellings(modelInfo)) {
      String prefix = CheckpointFileName.prefix(modelName, info);
      Optional<StoredFile> found =
          files.stream()
              .filter(f -> f.name().prefix().equals(prefix) && f.name().kind() == kind)
              .findFirst();
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }

  /** Total bytes of all files. */
  public long size() {
    return files.stream().mapToLong(StoredFile::size).sum();
  }

  /** {@code tag @ iteration}, e.g. {@code latest @ E2_U40_S1280}. */
  public String describe() {
    return tag instanceof CheckpointTag.AtIteration ? tag.token() : tag.token() + " @ " + iteration;
  }
}
