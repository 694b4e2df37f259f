package ai.noether.djl.model;

import ai.djl.Device;
import ai.djl.modality.nlp.DefaultVocabulary;
import ai.djl.modality.nlp.embedding.TrainableWordEmbedding;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv1d;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.nn.recurrent.GRU;
import ai.djl.nn.recurrent.LSTM;
import ai.noether.api.tensor.DType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * DJL's standard layers with their DJL default initializers, and the {@code torch.nn} module each
 * one equals (the Python expression builds it; inputs are batch first).
 */
public final class StandardLayers {
  private StandardLayers() {}

  /**
   * One layer: its DJL block, the input shape, the input type and the equivalent PyTorch module.
   */
  public record Layer(
      String name, Supplier<Block> block, long[] inputShape, DType inputType, String torchModule) {}

  public static final List<Layer> ALL =
      List.of(
          new Layer(
              "linear",
              () -> Linear.builder().setUnits(5).build(),
              new long[] {7, 4},
              DType.FLOAT32,
              "nn.Linear(4, 5)"),
          new Layer(
              "conv1d",
              () ->
                  Conv1d.builder()
                      .setKernelShape(new Shape(3))
                      .setFilters(6)
                      .optPadding(new Shape(1))
                      .build(),
              new long[] {2, 4, 9},
              DType.FLOAT32,
              "nn.Conv1d(4, 6, 3, padding=1)"),
          new Layer(
              "conv2d",
              () -> Conv2d.builder().setKernelShape(new Shape(3, 2)).setFilters(5).build(),
              new long[] {2, 3, 6, 5},
              DType.FLOAT32,
              "nn.Conv2d(3, 5, (3, 2))"),
          new Layer(
              "lstm",
              () -> LSTM.builder().setStateSize(8).setNumLayers(2).optBatchFirst(true).build(),
              new long[] {3, 5, 4},
              DType.FLOAT32,
              "nn.LSTM(4, 8, num_layers=2, batch_first=True)"),
          new Layer(
              "gru",
              () -> GRU.builder().setStateSize(6).setNumLayers(2).optBatchFirst(true).build(),
              new long[] {3, 5, 4},
              DType.FLOAT32,
              "nn.GRU(4, 6, num_layers=2, batch_first=True)"),
          new Layer(
              "batchnorm",
              () -> BatchNorm.builder().build(),
              new long[] {6, 4, 5},
              DType.FLOAT32,
              "nn.BatchNorm1d(4)"),
          new Layer(
              "layernorm",
              () -> LayerNorm.builder().build(),
              new long[] {5, 6},
              DType.FLOAT32,
              "nn.LayerNorm(6)"),
          new Layer(
              "embedding",
              StandardLayers::embedding,
              new long[] {2, 4},
              DType.INT64,
              "nn.Embedding(10, 3)"));

  private static Block embedding() {
    List<String> words = IntStream.range(0, 10).mapToObj(i -> "w" + i).toList();
    return TrainableWordEmbedding.builder()
        .setVocabulary(new DefaultVocabulary(words))
        .setEmbeddingSize(3)
        .optUseDefault(false)
        .build();
  }

  /** The layer's block with DJL's own initializers, seeded, initialised on {@code device}. */
  public static DjlModel build(Layer layer, Device device, long initSeed) {
    NDManager manager = NDManager.newBaseManager(device);
    Block block = layer.block().get();
    SeededInitialization.seedInitializers(block, "", initSeed);
    block.initialize(manager, DataType.FLOAT32, new Shape(layer.inputShape()));
    return DjlModel.of("net", block, manager, "", Map.of("kind", layer.name()));
  }

  /** Every layer of {@link #ALL} in one sequence-free container, for whole-tree checks. */
  public static List<DjlModel> buildAll(Device device, long initSeed) {
    List<DjlModel> out = new ArrayList<>();
    for (Layer layer : ALL) {
      out.add(build(layer, device, initSeed));
    }
    return out;
  }
}
