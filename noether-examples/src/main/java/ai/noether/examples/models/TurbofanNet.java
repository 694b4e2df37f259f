package ai.noether.examples.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv1d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.recurrent.LSTM;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A user's own block for the turbofan example (seed 002's model, written by hand): a 1-D
 * convolution with batch norm over each window of sensor readings, an LSTM, and two heads —
 * remaining useful life ({@code rul}, one value) and health state ({@code health}, class logits).
 * Input {@code [batch, window, features]}.
 *
 * <p>Used from YAML as
 *
 * <pre>{@code
 * model:
 *   name: turbofan
 *   kind: block
 *   block_class: ai.noether.examples.models.TurbofanNet
 *   arguments: [32, 64, 3]        # channels, hidden_size, health_classes
 *   input_shapes: [[30, 14]]
 * }</pre>
 */
public final class TurbofanNet extends AbstractBlock {
  private final SequentialBlock features;
  private final LSTM lstm;
  private final SequentialBlock rul;
  private final SequentialBlock health;

  /**
   * @param channels output channels of the convolution
   * @param hiddenSize the LSTM's hidden size
   * @param healthClasses health states to classify
   */
  public TurbofanNet(int channels, int hiddenSize, int healthClasses) {
    features =
        addChildBlock(
            "features",
            new SequentialBlock()
                .add(
                    Conv1d.builder()
                        .setFilters(channels)
                        .setKernelShape(new Shape(3))
                        .optPadding(new Shape(1))
                        .build())
                .add(BatchNorm.builder().build())
                .add(Activation.reluBlock()));
    lstm = addChildBlock("lstm", LSTM.builder().setStateSize(hiddenSize).setNumLayers(1).build());
    rul =
        addChildBlock(
            "rul_head",
            new SequentialBlock()
                .add(Linear.builder().setUnits(hiddenSize / 2).build())
                .add(Activation.reluBlock())
                .add(Linear.builder().setUnits(1).build()));
    health =
        addChildBlock(
            "health_head",
            new SequentialBlock()
                .add(Linear.builder().setUnits(hiddenSize / 2).build())
                .add(Activation.reluBlock())
                .add(Linear.builder().setUnits(healthClasses).build()));
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.head().transpose(0, 2, 1); // [batch, features, window]
    x = features.forward(ps, new NDList(x), training).head().transpose(0, 2, 1);
    NDArray last = lstm.forward(ps, new NDList(x), training).head().get(":, -1, :");
    NDArray rulOut = rul.forward(ps, new NDList(last), training).head();
    rulOut.setName("rul"); // the step matches targets by name
    NDArray healthOut = health.forward(ps, new NDList(last), training).head();
    healthOut.setName("health");
    return new NDList(rulOut, healthOut);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    long batch = inputShapes[0].get(0);
    Shape hidden = new Shape(batch, lstm.getOutputShapes(new Shape[] {inputShapes[0]})[0].get(2));
    return new Shape[] {
      rul.getOutputShapes(new Shape[] {hidden})[0], health.getOutputShapes(new Shape[] {hidden})[0]
    };
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape in = inputShapes[0]; // [batch, window, features]
    Shape channelsFirst = new Shape(in.get(0), in.get(2), in.get(1));
    features.initialize(manager, dataType, channelsFirst);
    Shape out = features.getOutputShapes(new Shape[] {channelsFirst})[0];
    Shape sequence = new Shape(in.get(0), out.get(2), out.get(1));
    lstm.initialize(manager, dataType, sequence);
    Shape hidden = new Shape(in.get(0), lstm.getOutputShapes(new Shape[] {sequence})[0].get(2));
    rul.initialize(manager, dataType, hidden);
    health.initialize(manager, dataType, hidden);
  }
}
