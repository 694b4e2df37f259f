package ai.noether.store.s3.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.StageId;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CacheUploadQueueTest {
  private static final StageId STAGE = new StageId("run1", "train");

  @Test
  void aTagIsPendingUntilItsLastQueuedUploadRan() throws Exception {
    CacheUploadQueue queue = new CacheUploadQueue("s3://bucket/prefix");
    CountDownLatch release = new CountDownLatch(1);
    try {
      queue.enqueue(STAGE, Set.of(CheckpointTag.LATEST), "upload", release::await);
      queue.enqueue(STAGE, Set.of(CheckpointTag.LATEST, CheckpointTag.LAST), "move", () -> {});

      assertThat(queue.pending(STAGE))
          .containsExactlyInAnyOrder(CheckpointTag.LATEST, CheckpointTag.LAST);
      assertThat(queue.pending(new StageId("run1", "other"))).isEmpty();

      release.countDown();
      queue.flush();
      assertThat(queue.pending(STAGE)).isEmpty();
    } finally {
      release.countDown();
      queue.shutdown();
    }
  }

  @Test
  void aFailedUploadIsRememberedAndTheQueueGoesOn() throws Exception {
    CacheUploadQueue queue = new CacheUploadQueue("s3://bucket/prefix");
    CountDownLatch ranAfter = new CountDownLatch(1);
    try {
      queue.enqueue(
          STAGE,
          Set.of(CheckpointTag.LATEST),
          "upload",
          () -> {
            throw new IllegalStateException("server gone");
          });
      queue.enqueue(STAGE, Set.of(CheckpointTag.LAST), "move", ranAfter::countDown);

      queue.flush();
      assertThat(ranAfter.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(queue.lastFailure())
          .hasValueSatisfying(e -> assertThat(e).hasMessage("server gone"));
      assertThat(queue.pending(STAGE)).isEmpty();
    } finally {
      queue.shutdown();
    }
  }
}
