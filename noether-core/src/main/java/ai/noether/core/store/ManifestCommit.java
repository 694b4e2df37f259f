package ai.noether.core.store;

import ai.noether.api.checkpoint.CheckpointFile;
import ai.noether.api.checkpoint.CheckpointFileName;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.InsufficientSpaceException;
import ai.noether.api.checkpoint.TrainingIteration;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The file store's writes to one stage, under its writer lock: a commit (stored copies, then the
 * manifests, whose first rename is the commit point), moving aliases (manifests only, never the
 * data again) and deleting a tag. Publishing the Noether names afterwards is {@link
 * NoetherNameLinks}'s.
 */
final class ManifestCommit {
  private final Durable durable;

  ManifestCommit(Durable durable) {
    this.durable = durable;
  }

  /**
   * Writes the files as fresh stored copies, then the tag's manifest and its aliases'. Before the
   * commit point every file written is deleted on failure; a full disk is reported with the space
   * the checkpoint needed.
   *
   * @return the tag's manifest
   */
  CheckpointManifest commit(
      StageDirectory dir,
      CheckpointTag tag,
      TrainingIteration iteration,
      List<CheckpointFile> files,
      Set<CheckpointTag> aliases)
      throws IOException {
    long needed = files.stream().mapToLong(CheckpointFile::size).sum();
    long available = StageSpace.require(dir, tag, needed);
    Instant committedAt = Instant.now();
    String commitId = CommitRules.newCommitId(committedAt);

    List<Path> pending = new ArrayList<>();
    try {
      List<CheckpointManifest.Entry> entries = new ArrayList<>();
      for (CheckpointFile file : files) {
        String blobName = StageDirectory.blobName(commitId, file.name());
        Path blob = dir.blob(blobName);
        pending.add(blob);
        entries.add(writeBlob(file, blobName, blob));
      }
      durable.syncDirectory(dir.data());

      CheckpointManifest primary =
          new CheckpointManifest(tag, null, iteration, committedAt, entries);
      List<CheckpointManifest> all = new ArrayList<>();
      all.add(primary);
      aliases.stream().map(primary::asAlias).forEach(all::add);
      // The commit point is the first rename: the stored copies belong to the checkpoint after it.
      writeManifests(
          dir, all, pending, () -> pending.removeIf(p -> dir.data().equals(p.getParent())));
      return primary;
    } catch (Throwable t) {
      if (Durable.isNoSpace(t)) {
        InsufficientSpaceException noSpace = StageSpace.filledUp(dir, tag, needed, available, t);
        Durable.deleteAll(pending, noSpace);
        throw noSpace;
      }
      Durable.deleteAll(pending, t);
      throw t;
    }
  }

  /** Points {@code aliases} at {@code primary} by writing their manifests. */
  void moveAliases(StageDirectory dir, CheckpointManifest primary, Set<CheckpointTag> aliases)
      throws IOException {
    List<Path> pending = new ArrayList<>();
    try {
      writeManifests(dir, aliases.stream().map(primary::asAlias).toList(), pending, () -> {});
    } catch (Throwable t) {
      Durable.deleteAll(pending, t);
      throw t;
    }
  }

  /**
   * Deletes the tag: its names first, then its manifest, then the stored copies nothing references
   * any more. A crash in between leaves the tag committed with some names missing (repaired by
   * cleanup), never names without a manifest, which would list as a manifest-less checkpoint with
   * files missing.
   */
  void delete(StageDirectory dir, CheckpointTag tag) throws IOException {
    StageListing listing = StageListing.scan(dir, IterationProbe.NONE);
    int removed = 0;
    for (CheckpointFileName name : listing.namesByTag().getOrDefault(tag, List.of())) {
      removed += Files.deleteIfExists(dir.view(name)) ? 1 : 0;
    }
    if (removed > 0) {
      durable.syncDirectory(dir.checkpoints());
    }
    if (Files.deleteIfExists(dir.manifest(tag))) {
      durable.syncDirectory(dir.store());
      StageCleanup.sweepBlobs(dir, StageListing.scan(dir, IterationProbe.NONE));
    }
  }

  /**
   * Writes every manifest under a pending name, then renames each into place in order and syncs the
   * store directory. {@code afterFirst} runs once the first rename is done. Files still pending are
   * in {@code pending} for the caller to delete on failure.
   */
  private void writeManifests(
      StageDirectory dir,
      List<CheckpointManifest> manifests,
      List<Path> pending,
      Runnable afterFirst)
      throws IOException {
    List<Path> temps = new ArrayList<>();
    for (CheckpointManifest m : manifests) {
      Path temp = StageDirectory.pending(dir.manifest(m.tag()));
      pending.add(temp);
      durable.writeNew(temp, m.toJson());
      temps.add(temp);
    }
    for (int i = 0; i < manifests.size(); i++) {
      Durable.replace(temps.get(i), dir.manifest(manifests.get(i).tag()));
      pending.remove(temps.get(i));
      if (i == 0) {
        afterFirst.run();
      }
    }
    durable.syncDirectory(dir.store());
  }

  private CheckpointManifest.Entry writeBlob(CheckpointFile file, String blobName, Path blob)
      throws IOException {
    try (FileChannel channel =
        FileChannel.open(
            blob,
            StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE,
            StandardOpenOption.READ)) {
      ChecksummingChannel out = new ChecksummingChannel(channel);
      file.writeTo(out);
      long written = channel.size();
      if (written != file.size()) {
        throw CommitRules.wrongSize(file, written, "free space can be checked before writing");
      }
      long crc = out.checksumOf(written);
      if (crc < 0) {
        // The writer sought back, mapped or transferred: read the finished file once. Its bytes are
        // in the page cache, so this costs memory bandwidth, not disk reads.
        crc = Crc32c.of(channel, written);
      }
      durable.force(channel);
      return new CheckpointManifest.Entry(file.name(), blobName, written, crc);
    }
  }
}
