package ai.noether.djl.model.block;

import ai.djl.nn.Block;

/**
 * Builds a user's DJL {@link Block} from the {@code arguments:} of a {@code kind: block} model, for
 * blocks that need code to be put together. Name the implementation as {@code block_class}; it
 * needs a public no-argument constructor. Nothing to register.
 *
 * <pre>{@code
 * public final class TurbofanNetFactory implements BlockFactory<TurbofanNetFactory.Arguments> {
 *   public record Arguments(int hiddenSize, int healthClasses) {}   // arguments: {hidden_size: 64, health_classes: 3}
 *
 *   public Class<Arguments> argumentsType() { return Arguments.class; }
 *
 *   public Block newBlock(Arguments a) { return new TurbofanNet(a.hiddenSize(), a.healthClasses()); }
 * }
 * }</pre>
 *
 * @param <A> the type {@code arguments:} binds to: usually a record, whose components are the YAML
 *     keys in snake_case (bound strictly, as every component config); {@code Map} for any keys
 */
public interface BlockFactory<A> {

  /** The type the {@code arguments:} mapping binds to; never null. */
  Class<A> argumentsType();

  /**
   * A new, uninitialised block; the framework seeds its initializers and initialises it with the
   * declared {@code input_shapes}.
   *
   * @param arguments the bound {@code arguments:} (bound from an empty mapping when absent)
   */
  Block newBlock(A arguments);
}
