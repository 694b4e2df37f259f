package ai.noether.api.checkpoint;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Durable storage for checkpoints, rooted at one {@code output_dir}. Implementations: the file
 * system (the default) and S3-compatible object stores.
 *
 * <p>The contract speaks of names and byte channels, never of paths: a checkpoint is written as
 * {@link CheckpointFile}s that stream into a channel and whose sizes are known up front, and read
 * back as {@link SeekableByteChannel}s. Which checkpoint a selector ({@code latest}, {@code E10},
 * {@code best.loss}) designates is decided above the stores, from {@link #contents} alone, so every
 * store resolves them the same way (in noether-core: {@code CheckpointResolver}).
 *
 * <p>Guarantees every implementation gives:
 *
 * <ul>
 *   <li>{@link #commit} is atomic: until it returns, readers see the previous state; after it
 *       returns, the complete checkpoint. A crash at any instant never leaves a partial checkpoint
 *       that {@link #list} or {@link #contents} would return.
 *   <li>Aliases ({@code latest}, {@code last}) point at a complete checkpoint and never cost a
 *       second copy of its bytes.
 *   <li>Deleting one tag never removes files another tag (or another run) still needs.
 *   <li>A commit that does not fit fails with {@link InsufficientSpaceException} and leaves older
 *       checkpoints and no temporary files behind.
 * </ul>
 *
 * <p>Implementations are safe for one writer per stage and any number of readers. A training
 * process makes sure it is that one writer with {@link #claim}, before it reads or writes anything
 * of the stage, and holds the claim until it ends.
 */
public interface CheckpointStore extends Closeable {

  /**
   * Writes {@code files} as the checkpoint {@code tag} of {@code stage}, then points each alias at
   * it. Replaces an existing checkpoint of the same non-iteration tag (e.g. {@code best.*}).
   *
   * @param iteration the training iteration the state is from
   * @param aliases alias tags to move to this checkpoint once it is durable; possibly empty
   * @return the committed checkpoint
   * @throws InsufficientSpaceException if the files do not fit
   * @throws IOException on other I/O failures; the previous state is intact
   */
  StoredCheckpoint commit(
      StageId stage,
      CheckpointTag tag,
      TrainingIteration iteration,
      List<CheckpointFile> files,
      Set<CheckpointTag> aliases)
      throws IOException;

  /**
   * Points aliases ({@code latest}, {@code last}) at a committed checkpoint without writing its
   * bytes again, atomically per alias.
   *
   * @param target the tag the checkpoint was committed under (not an alias)
   * @return the checkpoint as committed under {@code target}
   * @throws CheckpointNotFoundException if the stage has no checkpoint committed under {@code
   *     target}, listing what exists
   */
  StoredCheckpoint alias(StageId stage, CheckpointTag target, Set<CheckpointTag> aliases)
      throws IOException;

  /**
   * The complete checkpoints of a stage, aliases included, ordered by iteration (oldest first).
   * Never null, possibly empty.
   */
  List<StoredCheckpoint> list(StageId stage) throws IOException;

  /**
   * One consistent read of a stage: its complete checkpoints (as {@link #list}), the tags whose
   * iteration the store could not tell, and the tags whose commit record exists but cannot be
   * trusted. Selector resolution works from this alone. Default: {@link #list}, nothing unknown or
   * unreadable.
   */
  default StageContents contents(StageId stage) throws IOException {
    return new StageContents(stage, list(stage), Set.of(), Map.of());
  }

  /**
   * True if the stage was ever written: a run that has it, and (for a run without stages) its
   * checkpoint area. A stage that exists may have no checkpoints yet.
   */
  boolean exists(StageId stage) throws IOException;

  /**
   * Where this store is, for messages: the absolute {@code output_dir} of a file store, the {@code
   * s3://bucket/prefix} of an object store. Never null.
   */
  String location();

  /**
   * Where a stage's checkpoints are, for messages: the absolute checkpoint directory of a file
   * store, an object prefix URL of an object store. Never null.
   */
  default String location(StageId stage) {
    return location() + "/" + stage;
  }

  /**
   * Opens one file of a committed checkpoint for reading, positioned at 0; the caller closes the
   * channel. It is read-only: writes throw {@link java.nio.channels.NonWritableChannelException}.
   * Stores that record checksums check the file's size and checksum before returning it, or, for a
   * store that streams ranges, at the latest when the channel has been read to its end.
   *
   * @throws CorruptCheckpointException naming the file, if its bytes are not the committed ones
   */
  SeekableByteChannel open(StoredCheckpoint checkpoint, StoredFile file) throws IOException;

  /**
   * Reads {@code length} bytes of a committed file starting at {@code offset} (a zip's central
   * directory, a tensor record) into a new buffer. An object store answers it with one ranged read;
   * the default opens the file and reads the range.
   *
   * @throws java.io.EOFException if the range goes past the file's end
   */
  default ByteBuffer read(StoredCheckpoint checkpoint, StoredFile file, long offset, int length)
      throws IOException {
    file.requireRange(offset, length, location(checkpoint, file));
    ByteBuffer buffer = ByteBuffer.allocate(length);
    try (SeekableByteChannel in = open(checkpoint, file)) {
      in.position(offset);
      while (buffer.hasRemaining()) {
        if (in.read(buffer) < 0) {
          throw new java.io.EOFException(
              location(checkpoint, file)
                  + " ended at "
                  + (offset + buffer.position())
                  + " bytes, before the range "
                  + offset
                  + "+"
                  + length);
        }
      }
    }
    return buffer.flip();
  }

  /**
   * Where a file of a checkpoint is, for messages: an absolute path for a file store, a URL for an
   * object store. Never null.
   */
  default String location(StoredCheckpoint checkpoint, StoredFile file) {
    return checkpoint.stage() + "/" + file.name().format();
  }

  /**
   * The other tags of the stage whose files are the same stored bytes as {@code file} (the aliases
   * and the tag of one commit), so that a message about damaged bytes can name every tag they
   * damage. Never null; empty when none or when the store cannot tell.
   */
  default List<CheckpointTag> sharing(StoredCheckpoint checkpoint, StoredFile file)
      throws IOException {
    return List.of();
  }

  /**
   * Repairs what an interrupted writer left in a stage (pending files, file names that mix two
   * commits), so that the stage is consistent before a new writer starts. The writer of a stage
   * calls it when it starts; it does nothing for a stage that does not exist. Default: nothing.
   */
  default void repair(StageId stage) throws IOException {}

  /**
   * Checks every file of a checkpoint against the checksums recorded at commit.
   *
   * @throws CorruptCheckpointException naming the file that does not match
   */
  void verify(StoredCheckpoint checkpoint) throws IOException;

  /** Removes one tag; files still referenced by other tags stay. Does nothing if it is absent. */
  void delete(StageId stage, CheckpointTag tag) throws IOException;

  /**
   * Makes {@code writer} the only writer of {@code stage} until the returned claim is closed or the
   * process ends, however it ends: a claim left by a process that was killed never blocks. At most
   * one claim of a stage is open at a time across every process that shares the store, and also
   * within one process. Does not wait: a stage that is claimed already is refused at once.
   *
   * <p>{@link #commit} and the other writes do not require a claim; the claim is how training
   * processes keep out of each other's way, from before they decide between a fresh start and a
   * resume until they exit.
   *
   * @param writer who claims the stage; recorded so that a refused process can name the holder
   * @return the open claim; close it to give the stage up
   * @throws StageBusyException if the stage is claimed already; the message names the holder
   */
  StageClaim claim(StageId stage, StageWriter writer) throws IOException;

  /** Run ids under {@code output_dir}, sorted; never null. */
  List<String> runs() throws IOException;

  /**
   * Stage names of a run, sorted.
   *
   * @throws CheckpointNotFoundException if the run does not exist, listing the runs that do
   */
  List<String> stages(String runId) throws IOException;
}
