package ai.noether.core.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The writer lock of one stage: an in-process lock (file locks belong to the whole JVM, so two
 * threads must be ordered before either asks the OS) plus an exclusive OS lock on {@code
 * checkpoints/.noether/lock}, which the kernel releases when a writer dies. While it is held no
 * other writer exists, so every pending file found in the stage was left by a crash.
 */
final class StageLock implements AutoCloseable {
  private static final ConcurrentHashMap<Path, ReentrantLock> IN_PROCESS =
      new ConcurrentHashMap<>();

  private final ReentrantLock local;
  private final FileChannel channel;
  private final FileLock lock;

  private StageLock(ReentrantLock local, FileChannel channel, FileLock lock) {
    this.local = local;
    this.channel = channel;
    this.lock = lock;
  }

  /** Blocks until this thread is the stage's only writer. */
  static StageLock acquire(Path lockFile) throws IOException {
    ReentrantLock local =
        IN_PROCESS.computeIfAbsent(lockFile.toAbsolutePath().normalize(), k -> new ReentrantLock());
    if (local.isHeldByCurrentThread()) {
      throw new IllegalStateException(
          "the writer lock of " + lockFile.getParent() + " is already held by this thread");
    }
    local.lock();
    FileChannel channel = null;
    try {
      channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      return new StageLock(local, channel, channel.lock());
    } catch (IOException | RuntimeException | Error e) {
      if (channel != null) {
        try {
          channel.close();
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      local.unlock();
      throw e;
    }
  }

  @Override
  public void close() throws IOException {
    try {
      lock.release();
    } finally {
      try {
        channel.close();
      } finally {
        local.unlock();
      }
    }
  }
}
