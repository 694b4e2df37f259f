package ai.noether.djl.optim;

import ai.noether.api.model.Model;
import ai.noether.api.optim.Optimizer;
import ai.noether.api.spi.ComponentContext;
import ai.noether.api.spi.OptimizerFactory;
import java.util.Objects;
import java.util.function.BiFunction;

/**
 * A factory of one optimizer kind of this module: its name, config type, description and the
 * constructor that builds it from the model and the bound config. Each kind is a subclass with a
 * public no-argument constructor, as {@link java.util.ServiceLoader} needs.
 *
 * @param <C> the config type
 */
public abstract class DjlOptimizerFactory<C> implements OptimizerFactory<C> {
  private final String kind;
  private final Class<C> configType;
  private final String description;
  private final BiFunction<Model, C, ? extends Optimizer> constructor;

  /**
   * @param kind the permanent short name
   * @param description one line for listings
   * @param constructor builds the optimizer for a model's trainable parameters
   */
  protected DjlOptimizerFactory(
      String kind,
      Class<C> configType,
      String description,
      BiFunction<Model, C, ? extends Optimizer> constructor) {
    this.kind = Objects.requireNonNull(kind, "kind");
    this.configType = Objects.requireNonNull(configType, "configType");
    this.description = Objects.requireNonNull(description, "description");
    this.constructor = Objects.requireNonNull(constructor, "constructor");
  }

  @Override
  public final String kind() {
    return kind;
  }

  @Override
  public final Class<C> configType() {
    return configType;
  }

  @Override
  public final String description() {
    return description;
  }

  @Override
  public final Optimizer create(C config, Model model, ComponentContext context) {
    return constructor.apply(model, config);
  }
}
