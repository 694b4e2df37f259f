package ai.noether.djl.step;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BinaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The gradients of every built-in loss are the same whether or not the garbage collector runs
 * between forward and backward.
 *
 * <p>DJL's {@code NDArray.mul(Number)} and its siblings wrap the number in a tensor whose memory is
 * a Java direct buffer; PyTorch's autograd keeps that tensor for backward after DJL has dropped
 * the buffer. A collection in between frees the memory, and backward then reads whatever the
 * allocator wrote there. It happened in a CI run as a resumed training that was not bit-identical.
 */
class LossGradientsAfterGarbageCollectionTest {
  private final NDManager manager = NDManager.newBaseManager();

  @AfterEach
  void close() {
    manager.close();
  }

  @Test
  void mseGradientsSurviveACollectionBeforeBackward() throws Exception {
    assertSameGradientsWithAndWithoutCollection(Losses::mse, regressionTargets());
  }

  @Test
  void l1GradientsSurviveACollectionBeforeBackward() throws Exception {
    assertSameGradientsWithAndWithoutCollection(Losses::l1, regressionTargets());
  }

  @Test
  void huberGradientsSurviveACollectionBeforeBackward() throws Exception {
    // Deltas of both branches, so the quadratic and the linear part both carry gradient.
    assertSameGradientsWithAndWithoutCollection((p, t) -> Losses.huber(p, t, 0.7), regressionTargets());
  }

  @Test
  void sigmoidBceGradientsSurviveACollectionBeforeBackward() throws Exception {
    assertSameGradientsWithAndWithoutCollection(Losses::sigmoidBce, manager.create(new float[] {1, 0, 1, 0, 1, 0, 1, 0}, new ai.djl.ndarray.types.Shape(4, 2)));
  }

  @Test
  void softmaxCrossEntropyGradientsSurviveACollectionBeforeBackward() throws Exception {
    assertSameGradientsWithAndWithoutCollection(Losses::softmaxCrossEntropy, manager.create(new long[] {0, 1, 1, 0}));
  }

  private NDArray regressionTargets() {
    return manager.create(new float[] {0.3f, -1.2f, 2.5f, 0.1f, -0.4f, 1.9f, 0.0f, -2.2f}, new ai.djl.ndarray.types.Shape(4, 2));
  }

  private void assertSameGradientsWithAndWithoutCollection(BinaryOperator<NDArray> loss, NDArray targets) throws Exception {
    float[] undisturbed = gradient(loss, targets, false);
    float[] collected = gradient(loss, targets, true);

    assertThat(collected).containsExactly(undisturbed);
  }

  private float[] gradient(BinaryOperator<NDArray> loss, NDArray targets, boolean collectBeforeBackward) throws Exception {
    try (NDManager step = manager.newSubManager()) {
      NDArray predictions = step.create(new float[] {1.5f, -0.2f, 0.4f, 3.0f, -1.1f, 0.9f, 0.25f, -0.6f},
          new ai.djl.ndarray.types.Shape(4, 2));
      predictions.setRequiresGradient(true);
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        NDArray value = loss.apply(predictions, targets);
        if (collectBeforeBackward) {
          collectAndReuseFreedDirectMemory();
        }
        collector.backward(value);
      }
      return predictions.getGradient().toFloatArray();
    }
  }

  /** Runs the collector until buffers dropped during forward are freed, then fills new ones. */
  private static void collectAndReuseFreedDirectMemory() throws InterruptedException {
    for (int round = 0; round < 3; round++) {
      System.gc();
      Thread.sleep(50); // the Cleaner thread frees direct memory after the collection
    }
    List<ByteBuffer> filler = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      ByteBuffer b = ByteBuffer.allocateDirect(8);
      b.putFloat(0, 1e6f).putFloat(4, -1e6f);
      filler.add(b);
    }
    assertThat(filler).hasSize(10_000);
  }
}
