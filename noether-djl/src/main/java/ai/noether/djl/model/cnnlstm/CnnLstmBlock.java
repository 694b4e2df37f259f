package ai.noether.djl.model.cnnlstm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv1d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.recurrent.LSTM;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import ai.noether.api.Nullable;
import ai.noether.djl.model.mlp.MlpActivation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The block of a {@code cnn-lstm} model, built from a {@link CnnLstmConfig}. Input {@code [batch,
 * window_length, features]}; output one array per head, {@code [batch, output_size]}, in
 * configuration order, each named after its head ({@link NDArray#getName()}).
 *
 * <p>Children (and so parameter paths): {@code conv} (a sequence, absent without convolutions),
 * {@code lstm}, {@code heads} with one sequence per head name.
 */
public final class CnnLstmBlock extends AbstractBlock {
  private static final byte VERSION = 1;

  private final CnnLstmConfig config;
  private final @Nullable SequentialBlock conv;
  private final LSTM lstm;
  private final Heads heads;

  public CnnLstmBlock(CnnLstmConfig config) {
    super(VERSION);
    this.config = config;
    this.conv = config.conv() == null ? null : addChildBlock("conv", convolutions(config.conv()));
    this.lstm =
        addChildBlock(
            "lstm",
            LSTM.builder()
                .setStateSize(config.lstm().hiddenSize())
                .setNumLayers(config.lstm().numLayers())
                .optDropRate(config.lstm().dropout().floatValue())
                .optBatchFirst(true)
                .build());
    this.heads = addChildBlock("heads", new Heads(config.heads()));
  }

  private static SequentialBlock convolutions(CnnLstmConfig.Conv c) {
    SequentialBlock seq = new SequentialBlock();
    MlpActivation activation = MlpActivation.parse(c.activation());
    for (int i = 0; i < c.channels().size(); i++) {
      seq.add(
          Conv1d.builder()
              .setFilters(c.channels().get(i))
              .setKernelShape(new Shape(c.kernelSize(i)))
              .optPadding(new Shape(c.paddingOf(i)))
              .build());
      if (c.batchNorm()) {
        seq.add(BatchNorm.builder().build());
      }
      seq.add(activation.newBlock());
      if (c.dropout() > 0) {
        seq.add(Dropout.builder().optRate(c.dropout().floatValue()).build());
      }
    }
    return seq;
  }

  static SequentialBlock mlp(CnnLstmConfig.Head h) {
    SequentialBlock seq = new SequentialBlock();
    MlpActivation activation = MlpActivation.parse(h.activation());
    for (int width : h.hiddenSizes()) {
      seq.add(Linear.builder().setUnits(width).build());
      seq.add(activation.newBlock());
      if (h.dropout() > 0) {
        seq.add(Dropout.builder().optRate(h.dropout().floatValue()).build());
      }
    }
    seq.add(Linear.builder().setUnits(h.outputSize()).build());
    return seq;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.head();
    if (conv != null) {
      // [batch, time, features] -> Conv1d's [batch, channels, time] and back
      x = conv.forward(ps, new NDList(x.transpose(0, 2, 1)), training).head().transpose(0, 2, 1);
    }
    NDArray sequence = lstm.forward(ps, new NDList(x), training).head();
    NDArray pooled =
        config.pooling().equals("mean") ? sequence.mean(new int[] {1}) : sequence.get(":, -1, :");
    return heads.forward(ps, new NDList(pooled), training);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    long batch = inputShapes[0].get(0);
    return config.heads().values().stream()
        .map(h -> new Shape(batch, h.outputSize()))
        .toArray(Shape[]::new);
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape in = inputShapes[0];
    long batch = in.get(0);
    Shape sequence = in;
    if (conv != null) {
      Shape channelsFirst = new Shape(batch, in.get(2), in.get(1));
      conv.initialize(manager, dataType, channelsFirst);
      Shape out = conv.getOutputShapes(new Shape[] {channelsFirst})[0];
      sequence = new Shape(batch, out.get(2), out.get(1));
    }
    lstm.initialize(manager, dataType, sequence);
    heads.initialize(manager, dataType, new Shape(batch, config.lstm().hiddenSize()));
  }

  /** The heads: one MLP per name, each output named after its head. */
  static final class Heads extends AbstractBlock {
    private final List<String> names = new ArrayList<>();
    private final List<Block> blocks = new ArrayList<>();

    Heads(Map<String, CnnLstmConfig.Head> heads) {
      super(VERSION);
      heads.forEach(
          (name, head) -> {
            names.add(name);
            blocks.add(addChildBlock(name, mlp(head)));
          });
    }

    @Override
    protected NDList forwardInternal(
        ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
      NDList out = new NDList();
      for (int i = 0; i < blocks.size(); i++) {
        NDArray y = blocks.get(i).forward(ps, inputs, training).head();
        y.setName(names.get(i));
        out.add(y);
      }
      return out;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
      return blocks.stream().map(b -> b.getOutputShapes(inputShapes)[0]).toArray(Shape[]::new);
    }

    @Override
    protected void initializeChildBlocks(
        NDManager manager, DataType dataType, Shape... inputShapes) {
      for (Block b : blocks) {
        b.initialize(manager, dataType, inputShapes);
      }
    }
  }
}
