package ai.noether.djl.model.block;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.recurrent.LSTM;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A user's block as the docs show one: an LSTM over {@code [batch, time, features]}, a batch norm
 * and two named heads, all with DJL's default initializers.
 */
public final class TinyRulNet extends AbstractBlock {
  private final LSTM encoder;
  private final BatchNorm norm;
  private final Linear rul;
  private final Linear health;

  public TinyRulNet(int hiddenSize, int healthClasses) {
    encoder =
        addChildBlock("encoder", LSTM.builder().setStateSize(hiddenSize).setNumLayers(1).build());
    norm = addChildBlock("norm", BatchNorm.builder().build());
    rul = addChildBlock("rul", Linear.builder().setUnits(1).build());
    health = addChildBlock("health", Linear.builder().setUnits(healthClasses).build());
  }

  /** The arguments of {@link Factory}: {@code {hidden_size: 8, health_classes: 3}}. */
  public record Arguments(int hiddenSize, int healthClasses) {}

  /** A static factory method taking a record. */
  public static TinyRulNet of(Arguments a) {
    return new TinyRulNet(a.hiddenSize(), a.healthClasses());
  }

  /** The same block through a {@link BlockFactory}. */
  public static final class Factory implements BlockFactory<Arguments> {
    @Override
    public Class<Arguments> argumentsType() {
      return Arguments.class;
    }

    @Override
    public TinyRulNet newBlock(Arguments a) {
      return new TinyRulNet(a.hiddenSize(), a.healthClasses());
    }
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray last = encoder.forward(ps, inputs, training).head().get(":, -1, :");
    NDArray features = norm.forward(ps, new NDList(last), training).head();
    NDArray r = rul.forward(ps, new NDList(features), training).head();
    r.setName("rul");
    NDArray h = health.forward(ps, new NDList(features), training).head();
    h.setName("health");
    return new NDList(r, h);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    long batch = inputShapes[0].get(0);
    return new Shape[] {
      new Shape(batch, 1),
      new Shape(batch, health.getOutputShapes(new Shape[] {new Shape(batch, 1)})[0].get(1))
    };
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    encoder.initialize(manager, dataType, inputShapes[0]);
    long hidden = encoder.getOutputShapes(inputShapes)[0].get(2);
    Shape features = new Shape(inputShapes[0].get(0), hidden);
    norm.initialize(manager, dataType, features);
    rul.initialize(manager, dataType, features);
    health.initialize(manager, dataType, features);
  }
}
