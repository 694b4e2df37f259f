package ai.noether.djl.optim;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.noether.djl.model.DjlModel;
import java.util.Map;

/**
 * Gives parameters chosen gradients: the backward pass of {@code sum(p * g)} is exactly {@code g}.
 */
final class TestGradients {
  private TestGradients() {}

  static void set(DjlModel model, Map<String, float[]> gradients) {
    try (NDManager scratch = model.manager().newSubManager();
        GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      NDArray loss = null;
      for (Map.Entry<String, float[]> e : gradients.entrySet()) {
        Parameter p = model.djlParameters().get(e.getKey());
        NDArray g = scratch.create(e.getValue(), p.getArray().getShape());
        NDArray term = p.getArray().mul(g).sum();
        loss = loss == null ? term : loss.add(term);
      }
      collector.backward(loss);
    }
  }
}
