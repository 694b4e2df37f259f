package ai.noether.store.s3.checkpoint;

import ai.noether.api.Nullable;
import ai.noether.api.checkpoint.CorruptCheckpointException;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.checkpoint.StoredFile;
import ai.noether.core.store.CheckpointManifest;
import ai.noether.core.store.CommittedFiles;
import ai.noether.store.s3.ObjectLayer;
import ai.noether.store.s3.S3ChecksumMismatchException;
import ai.noether.store.s3.S3ObjectNotFoundException;
import ai.noether.store.s3.StoredObject;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The S3 store's reads: a file of a committed checkpoint is found through its tag's current
 * manifest and downloaded whole, its size and CRC32C checked against the manifest, before anyone
 * uses a byte. Ranges are read with ranged GETs only from data objects this store has verified
 * whole once.
 */
final class S3VerifiedReads {
  private final ObjectLayer objects;
  private final S3Manifests manifests;
  private final @Nullable Path spoolDir;

  /**
   * Data objects read whole and verified by this store: their ranges may be read without a full
   * pass.
   */
  private final Set<String> verifiedBlobs = ConcurrentHashMap.newKeySet();

  S3VerifiedReads(ObjectLayer objects, S3Manifests manifests, @Nullable Path spoolDir) {
    this.objects = objects;
    this.manifests = manifests;
    this.spoolDir = spoolDir;
  }

  /**
   * Downloads the file to a temporary local file, verified, and opens it read-only; the file is
   * deleted as it is opened, so nothing is left behind however the reader ends.
   */
  FileChannel open(StoredCheckpoint checkpoint, StoredFile file) throws IOException {
    CommittedFiles.requireMember(checkpoint, file);
    String blob = storedCopy(checkpoint, file);
    Path spool =
        spoolDir == null
            ? Files.createTempFile("noether-s3-", ".th")
            : Files.createTempFile(Files.createDirectories(spoolDir), "noether-s3-", ".th");
    try {
      try (FileChannel out = FileChannel.open(spool, StandardOpenOption.WRITE)) {
        download(checkpoint, file, blob, out);
      }
      FileChannel in = FileChannel.open(spool, StandardOpenOption.READ);
      verifiedBlobs.add(blob);
      return in;
    } finally {
      // Deleted as soon as it is open: the channel keeps the bytes, nothing is left behind.
      Files.deleteIfExists(spool);
    }
  }

  /**
   * Reads a range with one ranged GET when the data object was verified whole; otherwise returns
   * null, and the caller reads the range from {@link #open}.
   */
  @Nullable
  ByteBuffer readVerifiedRange(
      StoredCheckpoint checkpoint, StoredFile file, long offset, int length) throws IOException {
    CommittedFiles.requireMember(checkpoint, file);
    String blob = storedCopy(checkpoint, file);
    if (!verifiedBlobs.contains(blob)) {
      return null;
    }
    var bytes = new ByteArrayOutputStream(length);
    long n = objects.readRange(blob, offset, length, Channels.newChannel(bytes));
    if (n != length) {
      throw new EOFException(
          S3StageKeys.url(objects, checkpoint, file)
              + " ended at "
              + (offset + n)
              + " bytes, before the range "
              + offset
              + "+"
              + length);
    }
    return ByteBuffer.wrap(bytes.toByteArray());
  }

  /** Downloads every file of the checkpoint and checks its size and CRC32C. */
  void verify(StoredCheckpoint checkpoint) throws IOException {
    for (StoredFile file : checkpoint.files()) {
      String blob = storedCopy(checkpoint, file);
      download(checkpoint, file, blob, Channels.newChannel(OutputStream.nullOutputStream()));
      verifiedBlobs.add(blob);
    }
  }

  /** Forgets that a data object was verified: it was deleted. */
  void forget(String blob) {
    verifiedBlobs.remove(blob);
  }

  /**
   * Reads the data object whole into {@code out}, checking its size and CRC32C against the
   * manifest.
   */
  private void download(
      StoredCheckpoint checkpoint, StoredFile file, String blob, WritableByteChannel out)
      throws IOException {
    String what =
        "file "
            + S3StageKeys.url(objects, checkpoint, file)
            + " of checkpoint "
            + checkpoint.describe();
    StoredObject read;
    try {
      read =
          objects.read(
              blob,
              out,
              file.hasChecksum() ? OptionalLong.of(file.crc32c()) : OptionalLong.empty());
    } catch (S3ChecksumMismatchException e) {
      throw new CorruptCheckpointException(
          what
              + " is corrupt: its stored bytes "
              + objects.url(blob)
              + " do not match the CRC32C "
              + String.format("%08x", file.crc32c())
              + " recorded when it was committed ("
              + e.getMessage()
              + ")",
          e);
    } catch (S3ObjectNotFoundException e) {
      throw new CorruptCheckpointException(
          what
              + " cannot be read: its manifest "
              + objects.url(S3StageKeys.manifest(checkpoint.stage(), checkpoint.tag()))
              + " lists the data object "
              + objects.url(blob)
              + ", which does not exist (the manifest was damaged, or the object was deleted by hand)",
          e);
    }
    if (read.size() != file.size()) {
      throw new CorruptCheckpointException(
          what
              + " is "
              + (read.size() < file.size() ? "truncated" : "longer than " + "committed")
              + ": its data object "
              + objects.url(blob)
              + " has "
              + read.size()
              + " bytes, "
              + file.size()
              + " were committed");
    }
  }

  /** The data object of {@code file} as the tag's current manifest lists it. */
  private String storedCopy(StoredCheckpoint checkpoint, StoredFile file) throws IOException {
    CheckpointManifest manifest;
    try {
      manifest = manifests.read(checkpoint.stage(), checkpoint.tag());
    } catch (S3ObjectNotFoundException e) {
      throw CommittedFiles.deletedAfterResolved(checkpoint);
    }
    return S3StageKeys.dataDir(checkpoint.stage())
        + CommittedFiles.currentEntry(manifest, checkpoint, file).blob();
  }
}
