package ai.noether.api.spi;

import ai.noether.api.data.DataSource;
import ai.noether.api.model.Model;
import ai.noether.api.train.TrainingStep;

/**
 * Builds the training step named by {@code trainer.kind}; listed in {@code
 * META-INF/services/ai.noether.api.spi.TrainingStepFactory}.
 */
public interface TrainingStepFactory<C> extends ComponentFactory<C> {

  TrainingStep create(C config, Model model, DataSource data, ComponentContext context);
}
