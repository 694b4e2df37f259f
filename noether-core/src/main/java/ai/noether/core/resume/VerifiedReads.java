package ai.noether.core.resume;

import ai.noether.api.Nullable;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.checkpoint.StoredFile;
import java.util.HashMap;
import java.util.Map;

/**
 * Checkpoint files already read and verified by an earlier step of the same command, handed on to
 * the load that follows so that it does not read them again: {@code noether resume} reads the whole
 * checkpoint once to choose it (and to fall back from a damaged one) before the model is built, and
 * the resume then takes those trees instead of a second pass over the bytes.
 *
 * <p>Only inside a scope ({@link #open}) on the thread that opened it, and each file is handed on
 * once: outside a scope, and for a file not kept, every read goes to the store as before. The trees
 * map the files' pages (tensor records) rather than copying them, so keeping them until the load
 * takes them costs little memory of its own.
 */
public final class VerifiedReads implements AutoCloseable {
  private static final ThreadLocal<VerifiedReads> CURRENT = new ThreadLocal<>();

  private record Key(String location, StoredCheckpoint checkpoint, StoredFile file) {}

  private final Map<Key, Map<String, Object>> kept = new HashMap<>();
  private final VerifiedReads outer;

  private VerifiedReads(VerifiedReads outer) {
    this.outer = outer;
  }

  /** Starts keeping verified reads on this thread until {@link #close}. */
  public static VerifiedReads open() {
    VerifiedReads scope = new VerifiedReads(CURRENT.get());
    CURRENT.set(scope);
    return scope;
  }

  /** Drops what was not taken: a later read goes to the store again. */
  @Override
  public void close() {
    kept.clear();
    if (outer == null) {
      CURRENT.remove();
    } else {
      CURRENT.set(outer);
    }
  }

  /**
   * Drops what this thread's scope kept and the load did not take (another model's files, an EMA
   * copy nothing asked for), once the stage is assembled: so that training does not keep their
   * pages mapped. Nothing without a scope.
   */
  public static void dropUntaken() {
    VerifiedReads scope = CURRENT.get();
    if (scope != null) {
      scope.kept.clear();
    }
  }

  /** How many files are kept and not yet taken (for tests). */
  int size() {
    return kept.size();
  }

  /** Keeps the trees of a checkpoint whose every file verified; nothing outside a scope. */
  static void keep(
      StoredCheckpoint checkpoint, Map<StoredFile, Map.Entry<String, Map<String, Object>>> trees) {
    VerifiedReads scope = CURRENT.get();
    if (scope != null) {
      trees.forEach(
          (file, read) ->
              scope.kept.put(new Key(read.getKey(), checkpoint, file), read.getValue()));
    }
  }

  /** The tree kept for this file of this checkpoint at this location, once; null if none. */
  static @Nullable Map<String, Object> take(
      String location, StoredCheckpoint checkpoint, StoredFile file) {
    VerifiedReads scope = CURRENT.get();
    return scope == null ? null : scope.kept.remove(new Key(location, checkpoint, file));
  }
}
