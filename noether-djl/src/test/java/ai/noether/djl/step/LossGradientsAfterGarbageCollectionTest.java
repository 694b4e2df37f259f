package ai.noether.djl.step;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.function.BinaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The gradients of every built-in loss are the same whether or not the garbage collector runs
 * between forward and backward.
 *
 * <p>DJL's {@code NDArray.mul(Number)} and its siblings wrap the number in a tensor whose memory is
 * a Java direct buffer; PyTorch's autograd keeps that tensor for backward after DJL has dropped the
 * buffer. A collection in between frees the memory, and backward then reads whatever the allocator
 * wrote there. It happened in a CI run as a resumed training that was not bit-identical.
 */
class LossGradientsAfterGarbageCollectionTest {
  private final NDManager manager = NDManager.newBaseManager();

  @AfterEach
  void close() {
    manager.close();
  }

  @Test
  void mseGradientsSurviveACollectionBeforeBackward() {
    assertSameGradientsWithAndWithoutCollection(Losses::mse, regressionTargets());
  }

  @Test
  void l1GradientsSurviveACollectionBeforeBackward() {
    assertSameGradientsWithAndWithoutCollection(Losses::l1, regressionTargets());
  }

  @Test
  void huberGradientsSurviveACollectionBeforeBackward() {
    // Deltas of both branches, so the quadratic and the linear part both carry gradient.
    assertSameGradientsWithAndWithoutCollection(
        (p, t) -> Losses.huber(p, t, 0.7), regressionTargets());
  }

  @Test
  void sigmoidBceGradientsSurviveACollectionBeforeBackward() {
    assertSameGradientsWithAndWithoutCollection(
        Losses::sigmoidBce,
        manager.create(new float[] {1, 0, 1, 0, 1, 0, 1, 0}, new ai.djl.ndarray.types.Shape(4, 2)));
  }

  @Test
  void softmaxCrossEntropyGradientsSurviveACollectionBeforeBackward() {
    assertSameGradientsWithAndWithoutCollection(
        Losses::softmaxCrossEntropy, manager.create(new long[] {0, 1, 1, 0}));
  }

  private NDArray regressionTargets() {
    return manager.create(
        new float[] {0.3f, -1.2f, 2.5f, 0.1f, -0.4f, 1.9f, 0.0f, -2.2f},
        new ai.djl.ndarray.types.Shape(4, 2));
  }

  private void assertSameGradientsWithAndWithoutCollection(
      BinaryOperator<NDArray> loss, NDArray targets) {
    float[] undisturbed = gradient(loss, targets, false);
    float[] collected = gradient(loss, targets, true);

    assertThat(collected).containsExactly(undisturbed);
  }

  private float[] gradient(
      BinaryOperator<NDArray> loss, NDArray targets, boolean collectBeforeBackward) {
    try (NDManager step = manager.newSubManager()) {
      NDArray predictions =
          step.create(
              new float[] {1.5f, -0.2f, 0.4f, 3.0f, -1.1f, 0.9f, 0.25f, -0.6f},
              new ai.djl.ndarray.types.Shape(4, 2));
      predictions.setRequiresGradient(true);
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        NDArray value = loss.apply(predictions, targets);
        if (collectBeforeBackward) {
          GarbageCollectionDuringTrainingTest.collectAndReuseFreedDirectMemory();
        }
        collector.backward(value);
      }
      return predictions.getGradient().toFloatArray();
    }
  }
}
