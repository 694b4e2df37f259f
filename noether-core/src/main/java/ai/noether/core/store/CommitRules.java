package ai.noether.core.store;

import ai.noether.api.checkpoint.CheckpointFile;
import ai.noether.api.checkpoint.CheckpointFileName;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.TrainingIteration;
import java.util.Collection;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

/**
 * What every store requires of a commit before it writes anything: files named for the committed
 * tag, each once, with sizes that make sense, and aliases that are not iteration tags. One owner,
 * so that every store refuses the same mistakes with the same messages.
 */
public final class CommitRules {
  private CommitRules() {}

  /**
   * Checks a commit's arguments.
   *
   * @throws IllegalArgumentException naming the tag, file or alias that does not fit
   */
  public static void requireCommittable(
      CheckpointTag tag,
      TrainingIteration iteration,
      Collection<CheckpointFile> files,
      Set<CheckpointTag> aliases) {
    Objects.requireNonNull(tag, "tag");
    Objects.requireNonNull(iteration, "iteration");
    Objects.requireNonNull(files, "files");
    Objects.requireNonNull(aliases, "aliases");
    if (files.isEmpty()) {
      throw new IllegalArgumentException("checkpoint " + tag.token() + " has no files");
    }
    if (tag instanceof CheckpointTag.AtIteration at && !at.iteration().equals(iteration)) {
      throw new IllegalArgumentException(
          "checkpoint tag " + tag.token() + " does not match its iteration " + iteration);
    }
    Set<CheckpointFileName> names = new HashSet<>();
    for (CheckpointFile file : files) {
      CheckpointFileName name = file.name();
      if (!name.tag().equals(tag)) {
        throw new IllegalArgumentException(
            "file "
                + name
                + " is named for tag "
                + name.tag().token()
                + " but is committed as part of checkpoint "
                + tag.token());
      }
      if (!names.add(name)) {
        throw new IllegalArgumentException(
            "checkpoint " + tag.token() + " lists file " + name + " twice");
      }
      if (file.size() < 0) {
        throw new IllegalArgumentException(
            "file " + name + " declares a negative size " + file.size());
      }
    }
    for (CheckpointTag alias : aliases) {
      if (alias.equals(tag)) {
        throw new IllegalArgumentException(
            "checkpoint " + tag.token() + " lists its own tag as an alias");
      }
      if (alias instanceof CheckpointTag.AtIteration) {
        throw new IllegalArgumentException(
            "iteration tag "
                + alias.token()
                + " cannot be an alias of "
                + tag.token()
                + "; aliases are latest, last or best.<metric>");
      }
    }
  }
}
