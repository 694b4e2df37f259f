package ai.noether.core.store;

import ai.noether.api.Nullable;
import ai.noether.api.checkpoint.CheckpointNotFoundException;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.checkpoint.StoredFile;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How every manifest-based store (the file store, the S3 store) finds the stored copy of a
 * checkpoint's file through the tag's current manifest, and which stored copies the manifests still
 * reference. One owner, so that every store answers a checkpoint replaced or deleted after it was
 * resolved with the same messages.
 */
public final class CommittedFiles {
  private CommittedFiles() {}

  /**
   * @throws IllegalArgumentException if {@code file} is not one of the checkpoint's files
   */
  public static void requireMember(StoredCheckpoint checkpoint, StoredFile file) {
    if (!checkpoint.files().contains(file)) {
      throw new IllegalArgumentException(
          "file " + file.name() + " is not part of checkpoint " + checkpoint.describe());
    }
  }

  /** The error for a checkpoint whose manifest is gone when one of its files is opened. */
  public static CheckpointNotFoundException deletedAfterResolved(StoredCheckpoint checkpoint) {
    return new CheckpointNotFoundException(
        "checkpoint "
            + checkpoint.describe()
            + " of "
            + checkpoint.stage()
            + " was deleted after it was resolved");
  }

  /**
   * The entry of {@code file} in the tag's current manifest, when it still lists the same bytes.
   *
   * @throws CheckpointNotFoundException if a newer commit replaced the tag since it was resolved
   */
  public static CheckpointManifest.Entry currentEntry(
      CheckpointManifest current, StoredCheckpoint checkpoint, StoredFile file) {
    Optional<CheckpointManifest.Entry> entry =
        current
            .entry(file.name())
            .filter(e -> e.size() == file.size() && e.crc32c() == file.crc32c());
    if (entry.isEmpty()) {
      throw new CheckpointNotFoundException(
          "checkpoint "
              + checkpoint.describe()
              + " of "
              + checkpoint.stage()
              + " was replaced by a newer commit ("
              + current.iteration()
              + " at "
              + current.committedAt()
              + ") after it was resolved; resolve it again");
    }
    return entry.get();
  }

  /**
   * The tags, other than {@code own}'s, whose manifests list the stored copy that {@code own} lists
   * for {@code file} (aliases of one commit), in the order of {@code manifests}; empty when {@code
   * own} is null or does not list the file.
   */
  public static List<CheckpointTag> sharing(
      @Nullable CheckpointManifest own, Collection<CheckpointManifest> manifests, StoredFile file) {
    Optional<CheckpointManifest.Entry> entry =
        own == null ? Optional.empty() : own.entry(file.name());
    if (own == null || entry.isEmpty()) {
      return List.of();
    }
    String blob = entry.get().blob();
    return manifests.stream()
        .filter(m -> !m.tag().equals(own.tag()))
        .filter(m -> m.files().stream().anyMatch(e -> e.blob().equals(blob)))
        .map(CheckpointManifest::tag)
        .toList();
  }

  /** The names of the stored copies the manifests list; what a sweep must keep. */
  public static Set<String> referencedBlobs(Collection<CheckpointManifest> manifests) {
    return manifests.stream()
        .flatMap(m -> m.files().stream())
        .map(CheckpointManifest.Entry::blob)
        .collect(Collectors.toSet());
  }
}
