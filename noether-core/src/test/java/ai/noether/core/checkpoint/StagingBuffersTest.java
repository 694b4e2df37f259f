package ai.noether.core.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The staging pool's copies: deferred to the end of a snapshot, parallel, and the same bytes. */
class StagingBuffersTest {

  /** Sources of awkward sizes: empty, below and across piece boundaries, several pieces. */
  private static List<ByteBuffer> sources(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<ByteBuffer> out = new ArrayList<>();
    for (int size :
        new int[] {
          0,
          1,
          4093,
          StagingBuffers.PIECE_BYTES - 3,
          StagingBuffers.PIECE_BYTES + 5,
          3 * StagingBuffers.PIECE_BYTES + 17,
          12_345
        }) {
      ByteBuffer b = ByteBuffer.allocateDirect(size);
      for (int i = 0; i < size; i++) {
        b.put((byte) random.nextInt());
      }
      out.add(b.flip());
    }
    return out;
  }

  /**
   * Stages every source as an engine does (allocate, copy, flip) and returns the staged buffers.
   */
  private static List<ByteBuffer> stage(StagingBuffers pool, List<ByteBuffer> sources) {
    List<ByteBuffer> staged = new ArrayList<>();
    try (StagingBuffers.Scope scope = pool.open()) {
      for (ByteBuffer s : sources) {
        ByteBuffer to = StagingBuffers.allocate(s.remaining());
        StagingBuffers.copy(s, to);
        staged.add(to.flip());
      }
    }
    return staged;
  }

  @Test
  void copiesWithSeveralThreadsGiveTheBytesOfACopyWithOne() {
    List<ByteBuffer> sources = sources(1);
    try (StagingBuffers one = new StagingBuffers(1);
        StagingBuffers four = new StagingBuffers(4)) {
      List<ByteBuffer> byOne = stage(one, sources);
      List<ByteBuffer> byFour = stage(four, sources);
      for (int i = 0; i < sources.size(); i++) {
        assertThat(byOne.get(i)).as("source %d by one thread", i).isEqualTo(sources.get(i));
        assertThat(byFour.get(i)).as("source %d by four threads", i).isEqualTo(sources.get(i));
      }
      // Reused from snapshot to snapshot: new values land in the same memory, nothing is allocated.
      long allocated = four.allocations();
      List<ByteBuffer> next = sources(2);
      List<ByteBuffer> again = stage(four, next);
      for (int i = 0; i < next.size(); i++) {
        assertThat(again.get(i)).as("source %d of the second snapshot", i).isEqualTo(next.get(i));
      }
      assertThat(four.allocations()).isEqualTo(allocated);
    }
  }

  @Test
  void whileThePoolIsOpenTheBytesLandWhenItsScopeClosesAndThePositionMovesAtOnce() {
    ByteBuffer source = ByteBuffer.allocateDirect(16);
    for (int i = 0; i < 16; i++) {
      source.put((byte) (i + 1));
    }
    source.flip();
    try (StagingBuffers pool = new StagingBuffers(2)) {
      ByteBuffer to;
      try (StagingBuffers.Scope scope = pool.open()) {
        to = StagingBuffers.allocate(16);
        StagingBuffers.copy(source, to);
        assertThat(to.position()).isEqualTo(16);
        assertThat(source.position()).as("the source is not consumed").isZero();
        assertThat(to.get(0)).as("not copied yet").isZero();
      }
      assertThat(to.get(0)).isEqualTo((byte) 1);
      assertThat(to.get(15)).isEqualTo((byte) 16);
    }
  }

  @Test
  void withoutAnOpenPoolACopyHappensAtOnce() {
    ByteBuffer to = ByteBuffer.allocateDirect(3);
    StagingBuffers.copy(ByteBuffer.wrap(new byte[] {7, 8, 9}), to);
    assertThat(to.flip()).isEqualTo(ByteBuffer.wrap(new byte[] {7, 8, 9}));
    assertThatThrownBy(
            () -> StagingBuffers.copy(ByteBuffer.wrap(new byte[4]), ByteBuffer.allocate(3)))
        .isInstanceOf(java.nio.BufferOverflowException.class);
  }

  @Test
  void aReservingSnapshotSizesThePoolButIsNotCountedAsASnapshot() {
    List<ByteBuffer> sources = sources(3);
    try (StagingBuffers pool = new StagingBuffers(2)) {
      try (StagingBuffers.Scope scope = pool.reserve()) {
        for (ByteBuffer s : sources) {
          StagingBuffers.copy(s, StagingBuffers.allocate(s.remaining()));
        }
      }
      long reserved = pool.allocations();
      assertThat(reserved).isEqualTo(sources.size());
      assertThat(pool.snapshots()).isZero();

      stage(pool, sources);
      assertThat(pool.allocations()).as("the first snapshot allocates nothing").isEqualTo(reserved);
      assertThat(pool.snapshots()).isEqualTo(1);
    }
  }

  @Test
  void aBadCopyThreadCountIsRejectedNamingTheProperty() {
    assertThatThrownBy(() -> new StagingBuffers(0)).hasMessageContaining("at least 1");
    String before = System.getProperty(StagingBuffers.COPY_THREADS_PROPERTY);
    System.setProperty(StagingBuffers.COPY_THREADS_PROPERTY, "many");
    try {
      assertThatThrownBy(StagingBuffers::defaultCopyThreads)
          .hasMessageContaining(StagingBuffers.COPY_THREADS_PROPERTY)
          .hasMessageContaining("'many'");
    } finally {
      if (before == null) {
        System.clearProperty(StagingBuffers.COPY_THREADS_PROPERTY);
      } else {
        System.setProperty(StagingBuffers.COPY_THREADS_PROPERTY, before);
      }
    }
    assertThat(StagingBuffers.defaultCopyThreads())
        .isBetween(1, StagingBuffers.MAX_DEFAULT_COPY_THREADS);
  }
}
