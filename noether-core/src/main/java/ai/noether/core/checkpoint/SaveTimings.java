package ai.noether.core.checkpoint;

/**
 * Where the time of one resumable save went.
 *
 * @param waitNanos how long the training thread waited for the previous save to finish
 * @param snapshotNanos how long the training thread copied the state into the staging buffers
 * @param writeNanos how long encoding, checksums and the durable commit took in the background
 */
public record SaveTimings(long waitNanos, long snapshotNanos, long writeNanos) {
  /** Before the first save. */
  public static final SaveTimings NONE = new SaveTimings(0, 0, 0);

  /** The time training was blocked: the wait plus the snapshot copy. */
  public long stallNanos() {
    return waitNanos + snapshotNanos;
  }
}
