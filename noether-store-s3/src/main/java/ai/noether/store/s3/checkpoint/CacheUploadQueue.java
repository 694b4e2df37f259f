package ai.noether.store.s3.checkpoint;

import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.StageId;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cached store's uploads to the bucket: one background thread runs them in the order saves,
 * alias moves and deletes were made, and remembers which tags still have one queued (the cache is
 * their truth until it ran). A failed upload is logged and remembered, never thrown at the training
 * loop: the checkpoint is safe in the cache and is uploaded again by the next writer.
 */
final class CacheUploadQueue {
  private static final Logger LOG = LoggerFactory.getLogger(CachedCheckpointStore.class);

  /** Work for the bucket. */
  interface Upload {
    void run() throws Exception;
  }

  private final String remoteLocation;
  private final ExecutorService uploader;
  private final AtomicReference<Future<?>> lastUpload = new AtomicReference<>();
  private final AtomicReference<Throwable> lastFailure = new AtomicReference<>();
  private final Map<StageId, Map<CheckpointTag, Integer>> pending = new HashMap<>();

  /**
   * @param remoteLocation the bucket's location, for messages
   */
  CacheUploadQueue(String remoteLocation) {
    this.remoteLocation = remoteLocation;
    this.uploader =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "noether-s3-cache-upload");
              t.setDaemon(true);
              return t;
            });
  }

  /** Queues {@code work}, which changes {@code tags} of the stage in the bucket. */
  synchronized void enqueue(StageId stage, Set<CheckpointTag> tags, String what, Upload work) {
    mark(stage, tags, +1);
    lastUpload.set(
        uploader.submit(
            () -> {
              try {
                work.run();
              } catch (Exception | Error e) {
                lastFailure.set(e);
                LOG.warn(
                    "the {} to {} failed; the checkpoint is safe in the local cache and is uploaded again when the "
                        + "stage's next writer starts: {}",
                    what,
                    remoteLocation,
                    e.toString());
              } finally {
                mark(stage, tags, -1);
              }
              return null;
            }));
  }

  private void mark(StageId stage, Set<CheckpointTag> tags, int delta) {
    synchronized (pending) {
      Map<CheckpointTag, Integer> counts = pending.computeIfAbsent(stage, s -> new HashMap<>());
      for (CheckpointTag t : tags) {
        counts.merge(t, delta, (a, b) -> a + b == 0 ? null : a + b);
      }
    }
  }

  /** The stage's tags with work queued or running. */
  Set<CheckpointTag> pending(StageId stage) {
    synchronized (pending) {
      return Set.copyOf(pending.getOrDefault(stage, Map.of()).keySet());
    }
  }

  /** Waits until every upload queued so far has finished (or failed, which is logged). */
  void flush() throws IOException {
    Future<?> last = lastUpload.get();
    if (last == null) {
      return;
    }
    try {
      last.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException(
          "interrupted while waiting for uploads to " + remoteLocation);
    } catch (ExecutionException e) {
      throw new IOException(e.getCause());
    }
  }

  /** The failure of the most recent upload that failed, if any. */
  Optional<Throwable> lastFailure() {
    return Optional.ofNullable(lastFailure.get());
  }

  /** Stops the upload thread once the queued work is done, waiting a minute at most. */
  void shutdown() {
    uploader.shutdown();
    try {
      uploader.awaitTermination(1, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
