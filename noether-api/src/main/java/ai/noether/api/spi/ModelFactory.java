package ai.noether.api.spi;

import ai.noether.api.check.SampleShape;
import ai.noether.api.model.Model;
import java.util.Optional;

/** Builds models; listed in {@code META-INF/services/ai.noether.api.spi.ModelFactory}. */
public interface ModelFactory<C> extends ComponentFactory<C> {

  /**
   * Builds a model with freshly initialised weights.
   *
   * @param name the configured model name
   */
  Model create(String name, C config, ComponentContext context);

  /**
   * The shape of one sample's prediction, when the factory knows it from its config alone, so that
   * the training step can check its loss against the targets before anything is built ({@link
   * ai.noether.api.check.RunPlan#modelOutput()}). The default does not say.
   *
   * @param path the model block's YAML path, to name the keys in {@link SampleShape#origin()}
   */
  default Optional<SampleShape> outputShape(C config, String path) {
    return Optional.empty();
  }
}
