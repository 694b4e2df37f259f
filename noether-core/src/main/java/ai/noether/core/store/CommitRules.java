package ai.noether.core.store;

import ai.noether.api.checkpoint.CheckpointFile;
import ai.noether.api.checkpoint.CheckpointFileName;
import ai.noether.api.checkpoint.CheckpointNotFoundException;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.checkpoint.TrainingIteration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

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

  /**
   * Checks the arguments of moving aliases onto a committed tag.
   *
   * @throws IllegalArgumentException if the target is itself an alias, or an alias is not one
   */
  public static void requireAliasable(CheckpointTag target, Set<CheckpointTag> aliases) {
    Objects.requireNonNull(target, "target");
    if (target.isAlias()) {
      throw new IllegalArgumentException(
          "cannot point aliases at the alias "
              + target.token()
              + "; give the tag the checkpoint was committed under");
    }
    for (CheckpointTag a : aliases) {
      if (!a.isAlias()) {
        throw new IllegalArgumentException(
            a.token() + " is not an alias; aliases are latest and last");
      }
    }
  }

  /**
   * The error for aliases moved onto a tag that has no checkpoint of its own committed under it.
   *
   * @param checkpoints what the stage holds, for the message
   */
  public static CheckpointNotFoundException notCommitted(
      StageId stage, CheckpointTag target, List<StoredCheckpoint> checkpoints) {
    return new CheckpointNotFoundException(
        "stage "
            + stage
            + " has no checkpoint committed under "
            + target.token()
            + "; checkpoints: "
            + checkpoints.stream().map(StoredCheckpoint::describe).toList());
  }

  /**
   * A new commit's id, which names its stored copies: the commit time in milliseconds and random
   * bits, so that two commits of one tag never share a name.
   */
  public static String newCommitId(Instant committedAt) {
    return Long.toHexString(committedAt.toEpochMilli())
        + "-"
        + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 40);
  }

  /**
   * The error for a checkpoint file that wrote another number of bytes than it declared.
   *
   * @param why what the store needs the exact size for
   */
  public static IllegalStateException wrongSize(CheckpointFile file, long written, String why) {
    return new IllegalStateException(
        "checkpoint file "
            + file.name()
            + " wrote "
            + written
            + " bytes but declared "
            + file.size()
            + "; CheckpointFile.size() must be exact so that "
            + why);
  }
}
