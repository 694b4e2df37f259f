package ai.noether.djl.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.training.initializer.UniformInitializer;
import ai.noether.djl.ChildJvm;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SeededInitializationTest {

  @Test
  void blocksWithDjlsDefaultInitializersStartBitIdenticalInAnotherProcess() throws Exception {
    String child = ChildJvm.run(StandardLayersDigestMain.class, "2024");
    // Another state of the engine's generator here than in the fresh child process.
    Engine.getInstance().setRandomSeed(12345);
    StringBuilder here = new StringBuilder();
    for (StandardLayers.Layer layer : StandardLayers.ALL) {
      try (DjlModel model = StandardLayers.build(layer, Device.cpu(), 2024)) {
        here.append(layer.name())
            .append('=')
            .append(StateDigest.of(model.stateDict()))
            .append('\n');
      }
    }
    assertThat(child.strip()).isEqualTo(here.toString().strip());
  }

  @Test
  void anotherSeedGivesOtherWeights() {
    for (StandardLayers.Layer layer : StandardLayers.ALL) {
      if (layer.name().endsWith("norm")) {
        continue; // ones and zeros whatever the seed
      }
      try (DjlModel a = StandardLayers.build(layer, Device.cpu(), 1);
          DjlModel b = StandardLayers.build(layer, Device.cpu(), 2)) {
        assertThat(StateDigest.of(a.stateDict()))
            .as(layer.name())
            .isNotEqualTo(StateDigest.of(b.stateDict()));
      }
    }
  }

  @Test
  void withoutSeedingDjlsInitializersFollowTheEnginesGenerator() {
    // The reason for seedInitializers: the same block built twice starts from other weights.
    Engine.getInstance().setRandomSeed(1);
    String first = digest(unseeded());
    Engine.getInstance().setRandomSeed(2);
    assertThat(digest(unseeded())).isNotEqualTo(first);
  }

  @Test
  void eachParameterDrawsFromItsOwnStreamWhateverItsInitializer() {
    // The user's own initializers are kept (and seeded); a layer added at the end leaves the
    // values of the others as they were.
    String[] twoLayers = new String[2];
    for (int layers = 2; layers <= 3; layers++) {
      SequentialBlock block = new SequentialBlock();
      for (int i = 0; i < layers; i++) {
        block.add(Linear.builder().setUnits(4).build());
      }
      block.setInitializer(new UniformInitializer(0.3f), p -> p.getName().equals("weight"));
      block.setInitializer(new NormalInitializer(0.1f), p -> p.getName().equals("bias"));
      try (DjlModel model = seeded(block, 5)) {
        Map<String, String> perParameter =
            model.stateDict().entrySet().stream()
                .collect(
                    Collectors.toMap(
                        Map.Entry::getKey, e -> StateDigest.of(Map.of(e.getKey(), e.getValue()))));
        assertThat(model.stateDict().get("layers.0.bias").toFloatArray()).doesNotContain(0f);
        if (layers == 2) {
          twoLayers[0] = perParameter.get("layers.0.weight");
          twoLayers[1] = perParameter.get("layers.1.bias");
        } else {
          assertThat(perParameter.get("layers.0.weight")).isEqualTo(twoLayers[0]);
          assertThat(perParameter.get("layers.1.bias")).isEqualTo(twoLayers[1]);
        }
      }
    }
  }

  private static DjlModel seeded(Block block, long seed) {
    NDManager manager = NDManager.newBaseManager(Device.cpu());
    SeededInitialization.seedInitializers(block, "layers", seed);
    block.initialize(manager, DataType.FLOAT32, new Shape(2, 3));
    return DjlModel.of("net", block, manager, "layers", Map.of());
  }

  private static String digest(DjlModel model) {
    try (model) {
      return StateDigest.of(model.stateDict());
    }
  }

  private static DjlModel unseeded() {
    NDManager manager = NDManager.newBaseManager(Device.cpu());
    Block block = Linear.builder().setUnits(4).build();
    block.initialize(manager, DataType.FLOAT32, new Shape(2, 3));
    return DjlModel.of("net", block, manager, "", Map.of());
  }
}
