package ai.noether.core.resume;

import ai.noether.api.Nullable;
import ai.noether.api.checkpoint.CorruptCheckpointException;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.checkpoint.StoredFile;
import java.util.Objects;

/**
 * A {@link CorruptCheckpointException} that knows which file of which checkpoint failed, so that a
 * resume can say which other tags share the damaged bytes and fall back past them. The message
 * names the file by its absolute path (its store location) and what disagrees.
 */
public final class CorruptFileException extends CorruptCheckpointException {
  private static final long serialVersionUID = 1L;

  private final transient StoredCheckpoint checkpoint;
  private final transient StoredFile file;
  private final boolean bytesDamaged;

  /**
   * @param bytesDamaged true when the file's bytes are not the committed ones (checksum, size, a
   *     record); false when intact bytes disagree with the store's record of them, which may be the
   *     damaged part
   */
  public CorruptFileException(
      StoredCheckpoint checkpoint,
      StoredFile file,
      boolean bytesDamaged,
      String message,
      @Nullable Throwable cause) {
    super(message, cause);
    this.checkpoint = Objects.requireNonNull(checkpoint, "checkpoint");
    this.file = Objects.requireNonNull(file, "file");
    this.bytesDamaged = bytesDamaged;
  }

  /**
   * True when the file's bytes themselves are damaged, so every tag that shares them is too; false
   * when only this checkpoint's record disagrees with them.
   */
  public boolean bytesDamaged() {
    return bytesDamaged;
  }

  /** The checkpoint the file was read as part of; never null. */
  public StoredCheckpoint checkpoint() {
    return checkpoint;
  }

  /** The file that failed; never null. */
  public StoredFile file() {
    return file;
  }
}
