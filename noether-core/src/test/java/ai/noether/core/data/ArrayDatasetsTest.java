package ai.noether.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.noether.api.data.Field;
import ai.noether.api.data.FieldDataset;
import ai.noether.api.tensor.DType;
import ai.noether.api.tensor.HostTensor;
import ai.noether.core.config.ComponentBlock;
import ai.noether.core.config.ConfigBinder;
import ai.noether.core.format.PythonTorch;
import ai.noether.core.format.npy.NpyWriter;
import ai.noether.core.format.safetensors.SafetensorsWriter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArrayDatasetsTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static final int N = 500;

  @TempDir Path dir;

  @SuppressWarnings("unchecked")
  static ArraysDatasetConfig config(String yaml) throws IOException {
    Map<String, Object> settings = YAML.readValue(yaml, Map.class);
    return ConfigBinder.bind(
        ComponentBlock.of("dataset", "arrays", settings),
        ArraysDatasetConfig.class,
        "dataset 'arrays'");
  }

  FileDataSource open(String yaml, long seed) throws IOException {
    return ArrayDatasets.open(config(yaml + "\ncache_dir: cache\n"), seed, dir);
  }

  /** x[i] = [i, i + 0.5, -i] (float64), rul[i] = 2i (int64), health[i] = i % 3 (int32). */
  void writeFiles() throws IOException {
    double[] x = new double[N * 3];
    long[] rul = new long[N];
    float[] w = new float[N * 2];
    for (int i = 0; i < N; i++) {
      x[3 * i] = i;
      x[3 * i + 1] = i + 0.5;
      x[3 * i + 2] = -i;
      rul[i] = 2L * i;
      w[2 * i] = i;
      w[2 * i + 1] = 1;
    }
    NpyWriter.write(dir.resolve("x.npy"), HostTensor.ofDoubles(new long[] {N, 3}, x));
    NpyWriter.write(dir.resolve("rul.npy"), HostTensor.ofLongs(new long[] {N}, rul));
    Map<String, HostTensor> tensors = new LinkedHashMap<>();
    tensors.put("w", HostTensor.ofFloats(new long[] {N, 2}, w));
    tensors.put("short", HostTensor.ofFloats(new long[] {N - 1}, new float[N - 1]));
    SafetensorsWriter.write(dir.resolve("d.safetensors"), tensors, Map.of());
  }

  @Test
  void fieldsComeFromNpyAndSafetensorsFilesAndPresentTheConfiguredDtype() throws IOException {
    writeFiles();
    FileDataSource data =
        open(
            """
        train: {x: x.npy, rul: rul.npy, weights: d.safetensors#w}
        dtypes: {x: float32, rul: float32}
        """,
            0);
    FieldDataset train = (FieldDataset) data.train();
    assertThat(train.size()).isEqualTo(N);
    assertThat(train.fields())
        .containsExactly(
            new Field("x", DType.FLOAT32, new long[] {3}),
            new Field("rul", DType.FLOAT32, new long[0]),
            new Field("weights", DType.FLOAT32, new long[] {2}));
    assertThat(train.gather("x", new long[] {7, 0, 7}).toFloatArray())
        .containsExactly(7, 7.5f, -7, 0, .5f, 0, 7, 7.5f, -7);
    assertThat(train.gather("rul", new long[] {499, 3}).toFloatArray()).containsExactly(998, 6);
    assertThat(train.gather("weights", new long[] {42}).toFloatArray()).containsExactly(42, 1);
    assertThatThrownBy(() -> train.gather("x", new long[] {N}))
        .isInstanceOf(IndexOutOfBoundsException.class)
        .hasMessage("sample index 500 is outside [0, 500)");
    assertThatThrownBy(() -> train.gather("y", new long[] {0}))
        .hasMessage("the dataset has no field 'y'; its fields are" + " x, rul, weights");
  }

  @Test
  void npzArraysWrittenByNumpyAreFieldsAndAValidationFractionIsDrawnBySeed() throws IOException {
    Assumptions.assumeTrue(PythonTorch.hasModule("numpy"), "/usr/bin/python3 has no numpy");
    Path script = dir.resolve("w.py");
    Files.writeString(
        script,
        """
        import numpy as np, sys
        n = 2000
        np.savez_compressed(sys.argv[1] + '/train.npz', x=np.arange(n * 4, dtype=np.float32).reshape(n, 4),
                            y=np.arange(n, dtype=np.int64) % 5)
        """);
    PythonTorch.runScript(script, dir.toString());
    String yaml = "train: {x: train.npz, y: train.npz#y}\nvalid_fraction: 0.2\n";
    FileDataSource data = open(yaml, 11);
    FieldDataset train = (FieldDataset) data.train();
    FieldDataset valid = (FieldDataset) data.validation().orElseThrow();
    assertThat(train.size() + valid.size()).isEqualTo(2000);
    assertThat(valid.size()).isBetween(320L, 480L);
    Set<Float> validFirst = new HashSet<>();
    float[] vx = valid.gather("x", LongStream.range(0, valid.size()).toArray()).toFloatArray();
    long[] vy = valid.gather("y", LongStream.range(0, valid.size()).toArray()).toLongArray();
    for (int i = 0; i < valid.size(); i++) {
      validFirst.add(vx[4 * i]);
      assertThat(vy[i]).isEqualTo(((long) vx[4 * i] / 4) % 5);
    }
    float[] tx = train.gather("x", LongStream.range(0, train.size()).toArray()).toFloatArray();
    for (int i = 0; i < train.size(); i++) {
      assertThat(validFirst).doesNotContain(tx[4 * i]);
    }
    FieldDataset again = (FieldDataset) open(yaml, 11).validation().orElseThrow();
    assertThat(
            again
                .gather("x", new long[] {0, again.size() - 1})
                .contentEquals(valid.gather("x", new long[] {0, valid.size() - 1})))
        .isTrue();
  }

  @Test
  void halfPrecisionAndIntegerArraysAreConvertedToTheConfiguredDtype() throws IOException {
    java.nio.ByteBuffer half =
        java.nio.ByteBuffer.allocateDirect(8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    half.putShort((short) 0x3C00)
        .putShort((short) 0xC100)
        .putShort((short) 0x7BFF)
        .putShort((short) 0x0001)
        .flip();
    NpyWriter.write(dir.resolve("h.npy"), HostTensor.wrap(DType.FLOAT16, new long[] {4}, half));
    NpyWriter.write(dir.resolve("i.npy"), HostTensor.ofLongs(new long[] {4}, -3, 1L << 40, 7, 0));
    FieldDataset train =
        (FieldDataset)
            open("train: {h: h.npy, i: i.npy}\ndtypes: {h: float32, i: float64}", 0).train();
    assertThat(train.gather("h", new long[] {0, 1, 2, 3}).toFloatArray())
        .containsExactly(1f, -2.5f, 65504f, 0x1p-24f);
    assertThat(train.gather("i", new long[] {0, 1}).toDoubleArray()).containsExactly(-3, 0x1p40);
  }

  @Test
  void mismatchedOrMissingArraysAreNamedWithTheirFiles() throws IOException {
    writeFiles();
    assertThatThrownBy(() -> open("train: {x: x.npy, s: d.safetensors#short}", 0))
        .isInstanceOf(DataFileException.class)
        .hasMessageStartingWith(
            "the fields of a split must have the same number of samples (first dimension), but"
                + " field 's' (train.s: d.safetensors#short) has 499 and field 'x' has 500:");
    assertThatThrownBy(() -> open("train: {x: x.npy, w: d.safetensors#ww}", 0))
        .hasMessage(
            "train.w: d.safetensors has no tensor 'ww'; its tensors are w, short (choose one with"
                + " d.safetensors#<name>)");
    assertThatThrownBy(() -> open("train: {x: missing.npy}", 0))
        .hasMessage("train.x: missing.npy: no such file");
    assertThatThrownBy(() -> open("train: {x: x.csv}", 0))
        .hasMessageContaining(
            "train.x: x.csv: unknown file type;"
                + " supported: .npy, .npz (file.npz#array) and .safetensors");
    assertThatThrownBy(() -> open("train: {x: x.npy}\ntest: {y: x.npy}", 0))
        .hasMessageContaining("every split needs the same fields; train has [x], test has [y]");
    assertThatThrownBy(() -> open("train: {x: x.npy}\ndtypes: {x: bfloat16}", 0))
        .hasMessageContaining("its values cannot be converted to bfloat16");
  }
}
