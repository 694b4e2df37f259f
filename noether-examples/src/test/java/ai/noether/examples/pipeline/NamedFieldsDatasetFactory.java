package ai.noether.examples.pipeline;

import ai.noether.api.data.DataSource;
import ai.noether.api.data.Dataset;
import ai.noether.api.data.Field;
import ai.noether.api.data.FieldDataset;
import ai.noether.api.data.TensorDataset;
import ai.noether.api.spi.ComponentContext;
import ai.noether.api.spi.DatasetFactory;
import ai.noether.api.tensor.HostTensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * {@code kind: test-named-fields}: a turbofan-like {@link FieldDataset} (not a {@link
 * TensorDataset}) with fields {@code x} (sensor values, float32 {@code [input_size]}), {@code op}
 * (the operating condition 0, 1 or 2, which shifts the sensors), {@code rul} (float32) and {@code
 * health} (class 0, 1 or 2). While the file {@code shift_file} exists, the number in it is added to
 * every training {@code x}: the training data change while the configuration stays the same. Found
 * through the test services file.
 */
public final class NamedFieldsDatasetFactory
    implements DatasetFactory<NamedFieldsDatasetFactory.Config> {
  /**
   * Gathers by the name of the thread that made them (without its number), across all instances.
   */
  public static final java.util.concurrent.ConcurrentHashMap<
          String, java.util.concurrent.atomic.AtomicLong>
      GATHERS_BY_THREAD = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * @param trainSamples training samples
   * @param validSamples validation samples
   * @param inputSize sensors per sample
   * @param dataSeed the data's seed
   * @param shiftFile a file holding a number added to the training sensors while it exists; null
   *     for none
   */
  public record Config(
      int trainSamples, int validSamples, int inputSize, long dataSeed, String shiftFile) {}

  @Override
  public String kind() {
    return "test-named-fields";
  }

  @Override
  public Class<Config> configType() {
    return Config.class;
  }

  @Override
  public String description() {
    return "named fields x, op, rul, health (test plugin)";
  }

  @Override
  public DataSource create(Config c, long seed, ComponentContext context) {
    float shift = 0;
    if (c.shiftFile() != null && Files.exists(Path.of(c.shiftFile()))) {
      try {
        shift = Float.parseFloat(Files.readString(Path.of(c.shiftFile())).strip());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    Fields train =
        fields(c.trainSamples(), c.inputSize(), new SplittableRandom(c.dataSeed()), shift);
    Fields valid =
        fields(c.validSamples(), c.inputSize(), new SplittableRandom(c.dataSeed() + 1), 0);
    return new DataSource() {
      @Override
      public Dataset train() {
        return train;
      }

      @Override
      public Optional<Dataset> validation() {
        return Optional.of(valid);
      }
    };
  }

  static Fields fields(int samples, int inputs, SplittableRandom random, float shift) {
    float[] x = new float[samples * inputs];
    long[] op = new long[samples];
    float[] rul = new float[samples];
    long[] health = new long[samples];
    for (int s = 0; s < samples; s++) {
      op[s] = random.nextInt(3);
      double v = 0;
      for (int i = 0; i < inputs; i++) {
        double clean = random.nextGaussian();
        v += clean * (i % 2 == 0 ? 0.6 : -0.4);
        x[s * inputs + i] = (float) (clean * (1 + op[s]) + 10 * op[s] + shift);
      }
      rul[s] = (float) (v + 0.05 * random.nextGaussian());
      health[s] = v < -0.5 ? 0 : v < 0.5 ? 1 : 2;
    }
    Map<String, HostTensor> values = new LinkedHashMap<>();
    values.put("x", HostTensor.ofFloats(new long[] {samples, inputs}, x));
    values.put("op", HostTensor.ofLongs(new long[] {samples}, op));
    values.put("rul", HostTensor.ofFloats(new long[] {samples}, rul));
    values.put("health", HostTensor.ofLongs(new long[] {samples}, health));
    return new Fields(values);
  }

  /** In-memory named fields. */
  record Fields(Map<String, HostTensor> values) implements FieldDataset {
    @Override
    public long size() {
      return values.get("x").shape()[0];
    }

    @Override
    public List<Field> fields() {
      return values.entrySet().stream()
          .map(
              e ->
                  new Field(
                      e.getKey(),
                      e.getValue().dtype(),
                      Arrays.copyOfRange(e.getValue().shape(), 1, e.getValue().shape().length)))
          .toList();
    }

    @Override
    public HostTensor gather(String field, long[] indices) {
      GATHERS_BY_THREAD
          .computeIfAbsent(
              Thread.currentThread().getName().replaceAll("-\\d+$", ""),
              k -> new java.util.concurrent.atomic.AtomicLong())
          .incrementAndGet();
      HostTensor v = values.get(field);
      if (v == null) {
        throw new NoSuchElementException(
            "no field '" + field + "'; the fields are " + values.keySet());
      }
      return new TensorDataset(v, v).gather(TensorDataset.FEATURES, indices);
    }
  }
}
