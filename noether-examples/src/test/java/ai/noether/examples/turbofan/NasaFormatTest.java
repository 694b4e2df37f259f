package ai.noether.examples.turbofan;

import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.api.data.FieldDataset;
import ai.noether.core.config.ComponentBlock;
import ai.noether.core.config.ConfigBinder;
import ai.noether.core.config.ConfigKeys;
import ai.noether.core.data.FileDataSource;
import ai.noether.core.data.TableDatasetConfig;
import ai.noether.core.data.TableDatasets;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An excerpt of NASA's own C-MAPSS files, byte for byte in their layout (space-separated columns,
 * two trailing spaces on every line of the train and test files, a trailing space in
 * RUL_FD001.txt), read through the dataset block of {@code configs/turbofan-rul.yaml} as it is, but
 * for {@code data_dir}: so pointing the example at the real files works.
 */
class NasaFormatTest {
  @TempDir Path dir;

  // The first cycles of units 1 and 2 of train_FD001.txt and of units 1 and 2 of test_FD001.txt.
  static final String TRAIN =
      """
      1 1 -0.0007 -0.0004 100.0 518.67 641.82 1589.70 1400.60 14.62 21.61 554.36 2388.06 9046.19 1.30 47.47 521.66 2388.02 8138.62 8.4195 0.03 392 2388 100.00 39.06 23.4190 \s
      1 2 0.0019 -0.0003 100.0 518.67 642.15 1591.82 1403.14 14.62 21.61 553.75 2388.04 9044.07 1.30 47.49 522.28 2388.07 8131.49 8.4318 0.03 392 2388 100.00 39.00 23.4236 \s
      1 3 -0.0043 0.0003 100.0 518.67 642.35 1587.99 1404.20 14.62 21.61 554.26 2388.08 9052.94 1.30 47.27 522.42 2388.03 8133.23 8.4178 0.03 390 2388 100.00 38.95 23.3442 \s
      2 1 -0.0018 0.0006 100.0 518.67 641.89 1583.84 1391.28 14.62 21.60 554.53 2388.01 9054.72 1.30 47.28 522.09 2388.06 8130.11 8.4024 0.03 391 2388 100.00 38.94 23.4585 \s
      2 2 0.0043 -0.0003 100.0 518.67 641.82 1587.05 1393.13 14.62 21.61 554.77 2387.98 9051.31 1.30 47.31 522.37 2388.06 8125.90 8.4044 0.03 391 2388 100.00 39.06 23.4085 \s
      3 1 0.0014 0.0001 100.0 518.67 642.45 1587.09 1396.80 14.62 21.61 553.94 2388.03 9051.74 1.30 47.42 521.86 2388.04 8134.23 8.4303 0.03 392 2388 100.00 38.98 23.3905 \s
      4 1 -0.0006 0.0004 100.0 518.67 642.10 1585.98 1399.11 14.62 21.61 554.07 2388.02 9050.43 1.30 47.36 522.07 2388.05 8131.67 8.4210 0.03 392 2388 100.00 39.01 23.4011 \s
      5 1 0.0008 -0.0002 100.0 518.67 642.01 1589.28 1398.54 14.62 21.61 554.12 2388.05 9049.66 1.30 47.40 521.94 2388.03 8136.02 8.4122 0.03 391 2388 100.00 39.03 23.4102 \s
      """;
  static final String TEST =
      """
      1 1 0.0023 0.0003 100.0 518.67 643.02 1585.29 1398.21 14.62 21.61 553.90 2388.04 9050.17 1.30 47.20 521.72 2388.03 8125.55 8.4052 0.03 392 2388 100.00 38.86 23.3735 \s
      1 2 -0.0027 -0.0003 100.0 518.67 641.71 1588.45 1395.42 14.62 21.61 554.85 2388.01 9054.42 1.30 47.50 522.16 2388.06 8139.62 8.3803 0.03 393 2388 100.00 39.02 23.3916 \s
      2 1 -0.0009 0.0004 100.0 518.67 642.36 1583.23 1396.84 14.62 21.61 553.69 2388.03 9047.46 1.30 47.46 521.94 2388.01 8133.86 8.4242 0.03 390 2388 100.00 38.90 23.3825 \s
      """;
  static final String RUL = "112 \n98 \n";

  @Test
  void nasasOwnLayoutParsesThroughTheExamplesDatasetBlock() throws Exception {
    Files.writeString(dir.resolve("train_FD001.txt"), TRAIN);
    Files.writeString(dir.resolve("test_FD001.txt"), TEST);
    Files.writeString(dir.resolve("RUL_FD001.txt"), RUL);
    assertThat(Files.readAllLines(dir.resolve("train_FD001.txt")).get(0))
        .isEqualTo(
            "1 1 -0.0007 -0.0004 100.0 518.67 641.82 1589.70 1400.60 14.62 21.61 554.36 2388.06 9046.19 1.30"
                + " 47.47 521.66 2388.02 8138.62 8.4195 0.03 392 2388 100.00 39.06 23.4190  ");

    @SuppressWarnings("unchecked")
    Map<String, Object> config =
        new ObjectMapper(new YAMLFactory())
            .readValue(Path.of("configs/turbofan-rul.yaml").toFile(), Map.class);
    @SuppressWarnings("unchecked")
    Map<String, Object> block = new LinkedHashMap<>((Map<String, Object>) config.get("dataset"));
    assertThat(block.remove("kind")).isEqualTo("table");
    // The scaler wraps the dataset (it is fitted on the training split); the table's own keys stay.
    assertThat(block.remove(ConfigKeys.SCALER)).isNotNull();
    block.put("data_dir", dir.toString());
    block.put("cache_dir", dir.resolve("cache").toString());
    TableDatasetConfig table =
        ConfigBinder.bind(
            ComponentBlock.of("dataset", "table", block),
            TableDatasetConfig.class,
            "dataset 'table'");
    FileDataSource data = TableDatasets.open(table, 42, dir);

    FieldDataset test = (FieldDataset) data.test().orElseThrow();
    // One sample per test engine: its last window, padded to 30 cycles; its RUL from RUL_FD001.txt.
    assertThat(test.size()).isEqualTo(2);
    assertThat(test.gather("rul", new long[] {0, 1}).toFloatArray()).containsExactly(112f, 98f);
    assertThat(test.gather("health", new long[] {0, 1}).toLongArray()).containsExactly(0L, 0L);
    float[] x = test.gather("x", new long[] {0}).toFloatArray();
    // x holds s2..s4, s7..s9, s11..s15, s17, s20, s21: the last cycle of engine 1 ends the window.
    assertThat(x).hasSize(30 * 14);
    float[] lastCycle = java.util.Arrays.copyOfRange(x, 29 * 14, 30 * 14);
    assertThat(lastCycle)
        .containsExactly(
            641.71f, 1588.45f, 1395.42f, 554.85f, 2388.01f, 9054.42f, 47.50f, 522.16f, 2388.06f,
            8139.62f, 8.3803f, 393f, 39.02f, 23.3916f);
    FieldDataset train = (FieldDataset) data.train();
    FieldDataset valid = (FieldDataset) data.validation().orElseThrow();
    // Five engines shorter than a window: one padded window each, a fifth of the engines for
    // validation.
    assertThat(train.size() + valid.size()).isEqualTo(5);
    assertThat(valid.size()).isEqualTo(1);
  }
}
