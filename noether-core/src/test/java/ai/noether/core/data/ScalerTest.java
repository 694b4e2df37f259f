package ai.noether.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.noether.api.checkpoint.CheckpointKeys;
import ai.noether.api.data.DataSource;
import ai.noether.api.data.Dataset;
import ai.noether.api.data.Field;
import ai.noether.api.data.FieldDataset;
import ai.noether.api.data.TensorDataset;
import ai.noether.api.tensor.HostTensor;
import ai.noether.core.config.ScalerConfig;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ScalerTest {
  // Two channels: channel 0 is 1, 2, 3, 4 (mean 2.5, population std sqrt(1.25)), channel 1 is
  // constant 7.
  private final TensorDataset train =
      new TensorDataset(
          HostTensor.ofFloats(new long[] {4, 2}, 1, 7, 2, 7, 3, 7, 4, 7),
          HostTensor.ofFloats(new long[] {4}, 0, 1, 2, 3));

  private static long[] all(long n) {
    long[] r = new long[(int) n];
    Arrays.setAll(r, i -> i);
    return r;
  }

  private static float[] floats(HostTensor t) {
    var b = t.chunks().get(0).duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    float[] out = new float[b.remaining()];
    b.get(out);
    return out;
  }

  @Test
  void standardScalingUsesTheTrainingSplitsMeanAndPopulationStdPerChannel() {
    Scaler scaler = Scaler.fit(new ScalerConfig("standard", List.of("features"), null, 3), train);

    float[] scaled = floats(scaler.apply("features", train.gather("features", all(4)), null));

    double std = Math.sqrt(1.25);
    assertThat(scaled)
        .containsExactly(
            (float) (-1.5 / std),
            0,
            (float) (-0.5 / std),
            0,
            (float) (0.5 / std),
            0,
            (float) (1.5 / std),
            0);
  }

  @Test
  void minMaxMapsTheTrainingRangeOntoZeroToOne() {
    Scaler scaler = Scaler.fit(new ScalerConfig("min-max", List.of("features"), null, 4096), train);

    float[] scaled = floats(scaler.apply("features", train.gather("features", all(4)), null));

    assertThat(scaled).containsExactly(0, 0, 1 / 3f, 0, 2 / 3f, 0, 1, 0);
    assertThat(scaler.toParams())
        .isEqualTo(
            Map.of(
                "kind",
                "min-max",
                "fields",
                Map.of(
                    "features",
                    Map.of(
                        "channels",
                        2L,
                        "min",
                        List.of(1.0, 7.0),
                        "max",
                        List.of(4.0, 7.0),
                        "count",
                        4L))));
  }

  @Test
  void eachOperatingConditionGetsItsOwnParameters() {
    // Condition 0 holds 1 and 3, condition 5 holds 10 and 30: each is scaled to -1, 1.
    FieldDataset data =
        new Fields(
            Map.of(
                "x",
                HostTensor.ofFloats(new long[] {4, 1}, 1, 10, 3, 30),
                "op",
                HostTensor.ofLongs(new long[] {4}, 0, 5, 0, 5)));
    Scaler scaler = Scaler.fit(new ScalerConfig("standard", List.of("x"), "op", 1), data);

    float[] scaled = floats(scaler.apply("x", data.gather("x", all(4)), data.gather("op", all(4))));

    assertThat(scaled).containsExactly(-1, -1, 1, 1);
    assertThat(scaler.toParams()).containsEntry("condition_field", "op");
    assertThatThrownBy(
            () ->
                scaler.apply(
                    "x",
                    HostTensor.ofFloats(new long[] {1, 1}, 2),
                    HostTensor.ofLongs(new long[] {1}, 4)))
        .hasMessageContaining(
            "no parameters for operating condition 4: the training split had only [0, 5]");
  }

  @Test
  void parametersReadBackScaleBitForBitAsTheFittedScaler() {
    FieldDataset data =
        new Fields(
            Map.of(
                "x",
                HostTensor.ofFloats(
                    new long[] {5, 3},
                    0.1f,
                    2,
                    -3,
                    4.7f,
                    5,
                    6,
                    7,
                    8.25f,
                    9,
                    1e-3f,
                    11,
                    12,
                    -13,
                    14,
                    15.5f),
                "op",
                HostTensor.ofLongs(new long[] {5}, 1, 2, 1, 2, 1)));
    Scaler fitted = Scaler.fit(new ScalerConfig("standard", List.of("x"), "op", 2), data);
    Scaler readBack = Scaler.fromParams(fitted.toParams());

    HostTensor x = data.gather("x", all(5));
    HostTensor op = data.gather("op", all(5));
    assertThat(floats(readBack.apply("x", x, op)))
        .containsExactly(floats(fitted.apply("x", x, op)));
    // The chunk size does not change the parameters: one sequential pass either way.
    assertThat(Scaler.fit(new ScalerConfig("standard", List.of("x"), "op", 4096), data).toParams())
        .isEqualTo(fitted.toParams());
  }

  @Test
  void theScaledSourceScalesEverySplitWithTheTrainingParametersAndCarriesThemAsAnExtra() {
    TensorDataset valid =
        new TensorDataset(
            HostTensor.ofFloats(new long[] {1, 2}, 2.5f, 8),
            HostTensor.ofFloats(new long[] {1}, 0));
    DataSource source = source(train, valid);
    ScaledDataSource scaled =
        ScaledDataSource.of(
            source, new ScalerConfig("standard", List.of("features"), null, 2), null);

    assertThat(floats(((FieldDataset) scaled.validation().get()).gather("features", all(1))))
        .containsExactly(0, 1);
    assertThat(floats(((FieldDataset) scaled.train()).gather("targets", all(4))))
        .containsExactly(0, 1, 2, 3);
    assertThat(scaled.extras()).containsKey(CheckpointKeys.SCALER_PARAMS);
  }

  @Test
  void savedParametersAreReusedInsteadOfRefittingOnChangedData() {
    ScaledDataSource first =
        ScaledDataSource.of(
            source(train, null), new ScalerConfig("min-max", List.of("features"), null, 2), null);
    TensorDataset changed =
        new TensorDataset(
            HostTensor.ofFloats(new long[] {2, 2}, 100, 7, 200, 7),
            HostTensor.ofFloats(new long[] {2}, 0, 1));

    ScaledDataSource resumed =
        ScaledDataSource.of(
            source(changed, null),
            new ScalerConfig("min-max", List.of("features"), null, 2),
            first.extras().get(CheckpointKeys.SCALER_PARAMS));

    assertThat(resumed.extras().get(CheckpointKeys.SCALER_PARAMS))
        .isEqualTo(first.extras().get(CheckpointKeys.SCALER_PARAMS));
    assertThat(floats(((FieldDataset) resumed.train()).gather("features", all(1)))[0])
        .isCloseTo(33f, within(1e-4f));
  }

  @Test
  void aFieldThatIsNotFloatingPointOrMissingIsNamed() {
    assertThatThrownBy(() -> Scaler.fit(new ScalerConfig("standard", List.of("x"), null, 2), train))
        .hasMessageContaining(
            "the training split has no field 'x'; its fields are [features, targets]");
    TensorDataset ints =
        new TensorDataset(
            HostTensor.ofLongs(new long[] {2, 1}, 1, 2), HostTensor.ofLongs(new long[] {2}, 1, 2));
    assertThatThrownBy(
            () -> Scaler.fit(new ScalerConfig("standard", List.of("features"), null, 2), ints))
        .hasMessageContaining("field 'features' is INT64");
  }

  private static DataSource source(Dataset train, Dataset valid) {
    return new DataSource() {
      @Override
      public Dataset train() {
        return train;
      }

      @Override
      public Optional<Dataset> validation() {
        return Optional.ofNullable(valid);
      }
    };
  }

  /** Named in-memory fields. */
  private record Fields(Map<String, HostTensor> values) implements FieldDataset {
    @Override
    public long size() {
      return values.values().iterator().next().shape()[0];
    }

    @Override
    public List<Field> fields() {
      return values.entrySet().stream()
          .sorted(Map.Entry.comparingByKey())
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
      HostTensor v = values.get(field);
      return new TensorDataset(v, v).gather("features", indices);
    }
  }
}
