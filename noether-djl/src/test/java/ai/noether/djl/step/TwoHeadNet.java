package ai.noether.djl.step;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.initializer.Initializer;
import ai.noether.api.data.Field;
import ai.noether.api.data.FieldDataset;
import ai.noether.api.tensor.HostTensor;
import ai.noether.djl.model.DjlModel;
import ai.noether.djl.model.SeededInitialization;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * A small two-head network for step tests (until a built-in kind with named heads exists): a linear
 * trunk with dropout, a one-value {@code rul} head and a {@code classes}-logit {@code health} head,
 * returned health first so that matching by name is what pairs them.
 */
final class TwoHeadNet {
  private TwoHeadNet() {}

  /**
   * @param named whether the heads carry their names (else the outputs are unnamed, rul first)
   */
  static DjlModel build(int inputs, int classes, float dropout, long seed, boolean named) {
    NDManager manager = NDManager.newBaseManager(Device.cpu());
    SequentialBlock trunk =
        new SequentialBlock()
            .add(Linear.builder().setUnits(16).build())
            .add(Activation.reluBlock());
    if (dropout > 0) {
      trunk.add(Dropout.builder().optRate(dropout).build());
    }
    ParallelBlock heads =
        new ParallelBlock(
            list -> {
              NDArray rul = list.get(0).singletonOrThrow();
              NDArray health = list.get(1).singletonOrThrow();
              if (!named) {
                return new NDList(rul, health);
              }
              rul.setName("rul");
              health.setName("health");
              return new NDList(health, rul);
            },
            List.of(
                Linear.builder().setUnits(1).build(), Linear.builder().setUnits(classes).build()));
    SequentialBlock net = new SequentialBlock().add(trunk).add(heads);
    net.setInitializer(Initializer.ZEROS, p -> true);
    net.initialize(manager, DataType.FLOAT32, new Shape(1, inputs));
    DjlModel model = DjlModel.of("net", net, manager, "net", Map.of("inputs", (long) inputs));
    model
        .djlParameters()
        .forEach((path, p) -> SeededInitialization.uniform(p.getArray(), 0.4, seed, path));
    return model;
  }

  /**
   * Samples with fields {@code x} [inputs] float32, {@code rul} [] float32, {@code health} []
   * int64.
   */
  static FieldDataset data(int samples, int inputs, int classes, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] x = new float[samples * inputs];
    float[] rul = new float[samples];
    long[] health = new long[samples];
    for (int s = 0; s < samples; s++) {
      double v = 0;
      for (int i = 0; i < inputs; i++) {
        x[s * inputs + i] = (float) random.nextGaussian();
        v += x[s * inputs + i] * (i % 2 == 0 ? 0.8 : -0.5);
      }
      rul[s] = (float) v;
      health[s] = Math.min(classes - 1, Math.max(0, (long) Math.floor(v + classes / 2.0)));
    }
    return new Fields(
        List.of(
            new Named("x", HostTensor.ofFloats(new long[] {samples, inputs}, x)),
            new Named("rul", HostTensor.ofFloats(new long[] {samples}, rul)),
            new Named("health", HostTensor.ofLongs(new long[] {samples}, health))));
  }

  record Named(String name, HostTensor values) {}

  /**
   * An in-memory {@link FieldDataset} that is not a {@code TensorDataset}: gathers go through the
   * generic path. Counts gathers per thread name, to see where batches were prepared.
   */
  static final class Fields implements FieldDataset {
    private final List<Named> fields;
    final java.util.concurrent.ConcurrentHashMap<String, Integer> gathersByThread =
        new java.util.concurrent.ConcurrentHashMap<>();

    Fields(List<Named> fields) {
      this.fields = fields;
    }

    @Override
    public long size() {
      return fields.get(0).values().shape()[0];
    }

    @Override
    public List<Field> fields() {
      return fields.stream()
          .map(
              f ->
                  new Field(
                      f.name(),
                      f.values().dtype(),
                      java.util.Arrays.copyOfRange(
                          f.values().shape(), 1, f.values().shape().length)))
          .toList();
    }

    @Override
    public HostTensor gather(String field, long[] indices) {
      gathersByThread.merge(
          Thread.currentThread().getName().replaceAll("-\\d+$", ""), 1, Integer::sum);
      for (Named f : fields) {
        if (f.name().equals(field)) {
          // A TensorDataset over this one field gathers its rows.
          return new ai.noether.api.data.TensorDataset(f.values(), f.values())
              .gather("features", indices);
        }
      }
      throw new NoSuchElementException("no field " + field);
    }
  }
}
