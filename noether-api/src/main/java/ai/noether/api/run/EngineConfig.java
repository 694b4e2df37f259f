package ai.noether.api.run;

import ai.noether.api.Nullable;

/**
 * The {@code engine} block: how many threads the engine computes with.
 *
 * <pre>{@code
 * engine:
 *   threads: 8           # intra-op threads (PyTorch's torch.set_num_threads)
 *   interop_threads: 1   # inter-op threads (torch.set_num_interop_threads)
 * }</pre>
 *
 * @param threads {@code threads}: threads one operator may use; null for the default, one less than
 *     the cores the JVM may use (at least 1), which leaves a core to the background checkpoint
 *     writer and the data pipeline
 * @param interopThreads {@code interop_threads}: threads that run independent operators side by
 *     side; null for the default, 1 (training in DJL runs its operators one after another, so more
 *     would only idle)
 */
public record EngineConfig(@Nullable Integer threads, @Nullable Integer interopThreads) {
  /** Nothing configured: both counts from the cores available. */
  public static final EngineConfig DEFAULT = new EngineConfig(null, null);

  public EngineConfig {
    if (threads != null && threads <= 0) {
      throw new IllegalArgumentException("engine.threads must be positive, was " + threads);
    }
    if (interopThreads != null && interopThreads <= 0) {
      throw new IllegalArgumentException(
          "engine.interop_threads must be positive, was " + interopThreads);
    }
  }

  /** The intra-op thread count on a machine where the JVM may use {@code cores} cores. */
  public int threadsOn(int cores) {
    return threads != null ? threads : Math.max(1, cores - 1);
  }

  /** The inter-op thread count on a machine where the JVM may use {@code cores} cores. */
  public int interopThreadsOn(int cores) {
    return interopThreads != null ? interopThreads : 1;
  }
}
