package ai.noether.djl.tensor;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.noether.api.spi.FrameworkServices;
import ai.noether.api.tensor.DType;
import ai.noether.api.tensor.HostTensor;
import ai.noether.api.tensor.SnapshotBuffers;
import ai.noether.djl.internal.GradMode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Copies between NDArrays and {@link HostTensor}s.
 *
 * <p>Copies go from native tensor memory straight into direct buffers (and back) with one {@code
 * memcpy} on the CPU; no {@code float[]} or other heap copy of the values is ever made, so a
 * snapshot of a large model costs its size in direct memory and nothing on the Java heap.
 *
 * <p><b>Note:</b> DJL's {@code NDArray.set(Buffer)} makes a CPU tensor <em>share</em> the buffer's
 * memory instead of copying it, and {@code NDManager.create(ByteBuffer, ...)} does the same; this
 * class never lets a model tensor alias a host buffer, whose memory may be a mapped file that is
 * about to be unmapped.
 */
public final class HostTransfer {
  private static final NDIndex ALL = new NDIndex("...");

  /**
   * The checkpoint writer's staging pool while it takes a snapshot on this thread; plain direct
   * memory without the framework.
   */
  private static final SnapshotBuffers STAGING =
      FrameworkServices.find(SnapshotBuffers.class).orElse(SnapshotBuffers.DIRECT);

  /** Below this, threads cost more than they save. */
  private static final long PARALLEL_BYTES = 16L << 20;

  private HostTransfer() {}

  /** A host snapshot of {@code array}; later changes to the array do not change it. */
  public static HostTensor toHost(NDArray array) {
    return toHost(array, HostTensor.MAX_CHUNK_BYTES);
  }

  /**
   * As {@link #toHost(NDArray)}, into the checkpoint writer's staging buffers when it is taking a
   * snapshot on this thread ({@link SnapshotBuffers}), else into new direct memory. For state that
   * is written once and dropped: a staged copy is overwritten by the next snapshot, so a component
   * that keeps its copy must use {@link #toHost(NDArray)}.
   */
  public static HostTensor toStagedHost(NDArray array) {
    return toHost(array, HostTensor.MAX_CHUNK_BYTES, STAGING::allocate, true);
  }

  /**
   * Copies {@code array}'s values as little-endian bytes into {@code target} at its position and
   * advances it past them. While the checkpoint writer takes a snapshot on this thread, the bytes
   * of a CPU tensor land when the snapshot is complete, copied in parallel with the rest of it
   * ({@link SnapshotBuffers#copy}); the tensor must not change until then, which holds for a
   * snapshot (training waits for it).
   *
   * @throws IllegalArgumentException if the tensor has more bytes than {@code target} has room
   */
  public static void copyTo(NDArray array, ByteBuffer target) {
    long bytes =
        Math.multiplyExact(array.getShape().size(), DTypes.of(array.getDataType()).byteSize());
    if (bytes > target.remaining()) {
      throw new IllegalArgumentException(
          "cannot copy "
              + describe(DTypes.of(array.getDataType()), array.getShape().getShape())
              + " ("
              + bytes
              + " bytes) into a buffer with room for "
              + target.remaining());
    }
    if (bytes > 0) {
      copyOut(array, target, true);
    }
  }

  /**
   * As {@link #toHost(NDArray)}, splitting the bytes into chunks of at most {@code maxChunkBytes}.
   */
  static HostTensor toHost(NDArray array, int maxChunkBytes) {
    return toHost(array, maxChunkBytes, ByteBuffer::allocateDirect, false);
  }

  /**
   * @param deferred true when the copy of a whole CPU tensor may land when the staging pool open on
   *     this thread closes (its source is the tensor's own memory, valid until then)
   */
  private static HostTensor toHost(
      NDArray array,
      int maxChunkBytes,
      java.util.function.IntFunction<ByteBuffer> allocator,
      boolean deferred) {
    DType dtype = DTypes.of(array.getDataType());
    long[] shape = array.getShape().getShape();
    long elements = array.getShape().size();
    long bytes = Math.multiplyExact(elements, dtype.byteSize());
    if (bytes <= maxChunkBytes) {
      ByteBuffer out = allocator.apply((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
      if (bytes > 0) {
        copyOut(array, out, deferred);
      }
      out.flip();
      return HostTensor.wrap(dtype, shape, out);
    }
    // Larger than one buffer: copy slices of the flattened tensor, each a whole number of elements.
    long perChunk = Math.max(1, maxChunkBytes / dtype.byteSize());
    List<ByteBuffer> chunks = new ArrayList<>();
    try (NDScope scope = new NDScope()) {
      NDArray flat = array.reshape(-1);
      for (long from = 0; from < elements; from += perChunk) {
        long to = Math.min(elements, from + perChunk);
        ByteBuffer out =
            allocator.apply((int) ((to - from) * dtype.byteSize())).order(ByteOrder.LITTLE_ENDIAN);
        // Now, not deferred: the slices (and a reshaped copy of a non-contiguous tensor) are
        // temporaries of this scope, freed when it closes.
        copyOut(flat.get(new NDIndex("{}:{}", from, to)), out, false);
        out.flip();
        chunks.add(out);
      }
      scope.suppressNotUsedWarning();
    }
    return HostTensor.wrap(dtype, shape, chunks);
  }

  /**
   * A new NDArray on {@code manager}'s device holding a copy of {@code host}. It never shares
   * memory with the host tensor's buffers.
   */
  public static NDArray toNDArray(HostTensor host, NDManager manager) {
    Shape shape = new Shape(host.shape());
    DataType type = DTypes.of(host.dtype());
    List<ByteBuffer> chunks = host.chunks();
    if (chunks.size() == 1 && host.elementCount() > 0) {
      NDArray created = manager.create(chunks.get(0), shape, type);
      if (!Device.cpu().equals(created.getDevice())) {
        return created; // moving to an accelerator already copied the bytes
      }
      try (NDArray alias = created) {
        return alias.duplicate();
      }
    }
    NDArray out = manager.zeros(shape, type);
    copyInto(host, out);
    return out;
  }

  /**
   * {@link #toNDArray} of each tensor (on the manager of the same index), on up to as many threads
   * as there are cores. Restoring an optimizer's state fills memory that is new to the process, and
   * the first touch of each of its pages (the kernel's page fault, which zeroes it) costs more than
   * the copy itself; threads share that out where PyTorch, with one intra-op thread, copies on one.
   * If one copy fails, the arrays already made are closed.
   *
   * @return the arrays in the order of {@code hosts}
   */
  public static List<NDArray> toNDArrays(List<HostTensor> hosts, List<NDManager> managers) {
    if (hosts.size() != managers.size()) {
      throw new IllegalArgumentException(
          hosts.size() + " tensors but " + managers.size() + " managers");
    }
    long bytes = hosts.stream().mapToLong(HostTensor::byteSize).sum();
    int threads = (int) Math.min(Runtime.getRuntime().availableProcessors(), hosts.size());
    if (threads <= 1 || bytes < PARALLEL_BYTES) {
      List<NDArray> out = new ArrayList<>();
      try {
        for (int i = 0; i < hosts.size(); i++) {
          out.add(toNDArray(hosts.get(i), managers.get(i)));
        }
      } catch (RuntimeException | Error e) {
        out.forEach(NDArray::close);
        throw e;
      }
      return out;
    }
    ExecutorService pool =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "noether-restore-copy");
              t.setDaemon(true);
              return t;
            });
    List<Future<NDArray>> futures = new ArrayList<>();
    try {
      // Largest first, so that the threads finish together.
      Integer[] order = new Integer[hosts.size()];
      Arrays.setAll(order, i -> i);
      Arrays.sort(order, (a, b) -> Long.compare(hosts.get(b).byteSize(), hosts.get(a).byteSize()));
      @SuppressWarnings("unchecked")
      Future<NDArray>[] byIndex = new Future[hosts.size()];
      for (int i : order) {
        byIndex[i] = pool.submit(() -> toNDArray(hosts.get(i), managers.get(i)));
      }
      futures.addAll(Arrays.asList(byIndex));
      List<NDArray> out = new ArrayList<>();
      Throwable failure = null;
      for (Future<NDArray> f : futures) {
        try {
          out.add(f.get());
        } catch (ExecutionException e) {
          failure = failure == null ? e.getCause() : failure;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          failure = failure == null ? e : failure;
        }
      }
      if (failure != null) {
        pool.shutdownNow();
        awaitQuietly(futures);
        closeDone(futures);
        if (failure instanceof RuntimeException r) {
          throw r;
        }
        if (failure instanceof Error err) {
          throw err;
        }
        throw new IllegalStateException("interrupted while restoring tensors", failure);
      }
      return out;
    } finally {
      pool.shutdown();
    }
  }

  private static void awaitQuietly(List<Future<NDArray>> futures) {
    for (Future<NDArray> f : futures) {
      try {
        f.get();
      } catch (ExecutionException | java.util.concurrent.CancellationException e) {
        // reported by the caller's first failure
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static void closeDone(List<Future<NDArray>> futures) {
    for (Future<NDArray> f : futures) {
      if (f.isDone() && !f.isCancelled()) {
        try {
          f.get().close();
        } catch (ExecutionException | InterruptedException e) {
          // nothing was made
        }
      }
    }
  }

  /**
   * Overwrites {@code target}'s values in place (the NDArray keeps its identity, so optimizer state
   * and other handles stay valid).
   *
   * @throws IllegalArgumentException if dtype or shape differ
   */
  public static void copyInto(HostTensor source, NDArray target) {
    requireSameLayout(source.dtype(), source.shape(), target);
    if (source.elementCount() == 0) {
      return;
    }
    DataType type = target.getDataType();
    NDManager manager = target.getManager();
    GradMode.withoutRecording(
        () -> {
          try (NDScope scope = new NDScope()) {
            List<ByteBuffer> chunks = source.chunks();
            if (chunks.size() == 1) {
              target.set(ALL, manager.create(chunks.get(0), target.getShape(), type));
            } else {
              NDArray flat = target.reshape(-1);
              long from = 0;
              for (ByteBuffer chunk : chunks) {
                long count = chunk.remaining() / source.dtype().byteSize();
                if (count > 0) {
                  flat.set(
                      new NDIndex("{}:{}", from, from + count),
                      manager.create(chunk, new Shape(count), type));
                }
                from += count;
              }
            }
            scope.suppressNotUsedWarning();
          }
        });
  }

  /**
   * Checks that an NDArray has the given dtype and shape.
   *
   * @throws IllegalArgumentException naming both layouts
   */
  static void requireSameLayout(DType dtype, long[] shape, NDArray target) {
    DType targetType = DTypes.of(target.getDataType());
    long[] targetShape = target.getShape().getShape();
    if (dtype != targetType || !Arrays.equals(shape, targetShape)) {
      throw new IllegalArgumentException(
          "cannot copy "
              + describe(dtype, shape)
              + " into a tensor of "
              + describe(targetType, targetShape));
    }
  }

  static String describe(DType dtype, long[] shape) {
    return dtype.name().toLowerCase(java.util.Locale.ROOT) + Arrays.toString(shape);
  }

  private static void copyOut(NDArray source, ByteBuffer target, boolean deferred) {
    if (deferred && source instanceof PtNDArray pt && Device.cpu().equals(pt.getDevice())) {
      // PyTorch hands out a direct view of a CPU tensor's own memory (no copy); the staging pool
      // copies it with the rest of the snapshot, in parallel. (A non-contiguous tensor's view is of
      // a contiguous copy attached to the tensor's manager, which outlives the snapshot.)
      STAGING.copy(pt.toByteBuffer(true).order(ByteOrder.LITTLE_ENDIAN), target);
      return;
    }
    // On a GPU toByteBuffer first copies the tensor to a host tensor of PyTorch's (the
    // device-to-host copy); the scope frees that host tensor once its bytes are in the target,
    // instead of leaving it attached to the model's manager until the end of training.
    try (NDScope scope = new NDScope()) {
      ByteBuffer view =
          source instanceof PtNDArray pt ? pt.toByteBuffer(true) : source.toByteBuffer();
      target.put(view.duplicate().order(ByteOrder.LITTLE_ENDIAN));
      scope.suppressNotUsedWarning();
    }
  }
}
