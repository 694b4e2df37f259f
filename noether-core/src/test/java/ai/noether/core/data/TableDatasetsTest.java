package ai.noether.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.noether.api.data.Field;
import ai.noether.api.data.FieldDataset;
import ai.noether.api.tensor.DType;
import ai.noether.api.tensor.HostTensor;
import ai.noether.core.config.ComponentBlock;
import ai.noether.core.config.ConfigBinder;
import ai.noether.core.data.window.Series;
import ai.noether.core.data.window.WindowDataset;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TableDatasetsTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @TempDir Path dir;

  /** Binds YAML (the keys of a dataset block) as the registry does. */
  @SuppressWarnings("unchecked")
  static TableDatasetConfig config(String yaml) throws IOException {
    Map<String, Object> settings = YAML.readValue(yaml, Map.class);
    return ConfigBinder.bind(
        ComponentBlock.of("dataset", "table", settings),
        TableDatasetConfig.class,
        "dataset 'table'");
  }

  FileDataSource open(String yaml, long seed) throws IOException {
    return TableDatasets.open(config(yaml + "\ncache_dir: cache\n"), seed, dir);
  }

  static final String CMAPSS =
      """
      format: whitespace
      columns: %s
      train: train.txt
      group_by: unit
      fields:
        x: ["s{1..3}"]
        setting: setting1
      """
          .formatted(Turbofan.COLUMN_NAMES);

  @Test
  void whitespaceColumnsBecomeWindowsOfEachUnitWithRulAndHealthAtTheWindowsLastCycle()
      throws IOException {
    Turbofan.write(dir.resolve("train.txt"), 40, 35, 20);
    FileDataSource data =
        open(
            CMAPSS
                + """
        windows:
          length: 30
          rul: {cap: 25}
          health: {thresholds: [5, 15]}
        """,
            0);
    FieldDataset train = (FieldDataset) data.train();
    // unit 1: windows ending at cycles 30..40 (11), unit 2: 30..35 (6), unit 3 (20 cycles): one,
    // padded
    assertThat(train.size()).isEqualTo(18);
    assertThat(train.fields())
        .containsExactly(
            new Field("x", DType.FLOAT32, new long[] {30, 3}),
            new Field("setting", DType.FLOAT32, new long[] {30}),
            new Field("rul", DType.FLOAT32, new long[0]),
            new Field("health", DType.INT64, new long[0]));
    long[] picks = {0, 10, 11, 17};
    float[] x = train.gather("x", picks).toFloatArray();
    // window 0: unit 1, cycles 1..30; window 10: unit 1, cycles 11..40; window 11: unit 2, cycles
    // 1..30
    int[][] expectedStart = {{1, 1}, {1, 11}, {2, 1}};
    for (int w = 0; w < 3; w++) {
      for (int t = 0; t < 30; t++) {
        for (int s = 0; s < 3; s++) {
          assertThat(x[(w * 30 + t) * 3 + s])
              .as("window %d step %d sensor %d", picks[w], t, s)
              .isEqualTo(
                  (float) Turbofan.value(expectedStart[w][0], expectedStart[w][1] + t, 5 + s));
        }
      }
    }
    // unit 3 has 20 cycles: its window repeats cycle 1 ten times, then cycles 1..20 (padding: edge)
    for (int t = 0; t < 30; t++) {
      assertThat(x[(3 * 30 + t) * 3]).isEqualTo((float) Turbofan.value(3, Math.max(1, t - 9), 5));
    }
    assertThat(train.gather("setting", new long[] {17}).toFloatArray()[29])
        .isEqualTo((float) Turbofan.value(3, 20, 2));
    // RUL: unit 1 ends at 40, so 10 left after cycle 30 and 0 after 40; unit 2 (35 cycles): 5; unit
    // 3: 0
    assertThat(train.gather("rul", picks).toFloatArray()).containsExactly(10, 0, 5, 0);
    assertThat(train.gather("health", picks).toLongArray()).containsExactly(1, 2, 2, 2);
    assertThat(data.validation()).isEmpty();
    assertThat(data.test()).isEmpty();
  }

  @Test
  void theRulIsCappedPiecewiseLinearlyAndTheHealthClassUsesTheUncappedRul() throws IOException {
    Turbofan.write(dir.resolve("train.txt"), 200);
    FieldDataset train =
        (FieldDataset)
            open(
                    CMAPSS
                        + """
        windows: {length: 30, stride: 10, rul: {cap: 125}, health: {thresholds: [50, 150]}}
        """,
                    0)
                .train();
    // ends at cycles 30, 40, ..., 200: 18 windows; RUL 170, 160, ... 0, capped at 125
    assertThat(train.size()).isEqualTo(18);
    float[] rul = train.gather("rul", new long[] {0, 4, 5, 17}).toFloatArray();
    assertThat(rul).containsExactly(125, 125, 120, 0);
    assertThat(train.gather("health", new long[] {0, 2, 3, 17}).toLongArray())
        .containsExactly(0, 1, 1, 2);
  }

  @Test
  void testWindowsEndAtEachUnitsLastCycleWithTheRulOfTheRulFile() throws IOException {
    Turbofan.write(dir.resolve("train.txt"), 40, 35);
    Turbofan.write(dir.resolve("test.txt"), 31, 10, 45);
    Files.writeString(dir.resolve("RUL.txt"), "7\n50 \n112\n");
    FileDataSource data =
        open(
            CMAPSS
                + """
        test: test.txt
        test_rul: RUL.txt
        windows: {length: 30, rul: {cap: 100}, health: {thresholds: [15, 60]}}
        """,
            0);
    FieldDataset test = (FieldDataset) data.test().orElseThrow();
    assertThat(test.size()).isEqualTo(3);
    assertThat(test.gather("rul", new long[] {0, 1, 2}).toFloatArray()).containsExactly(7, 50, 100);
    assertThat(test.gather("health", new long[] {0, 1, 2}).toLongArray()).containsExactly(2, 1, 0);
    float[] x = test.gather("x", new long[] {0, 2}).toFloatArray();
    assertThat(x[29 * 3]).isEqualTo((float) Turbofan.value(1, 31, 5));
    assertThat(x[0]).isEqualTo((float) Turbofan.value(1, 2, 5));
    assertThat(x[(30 + 29) * 3]).isEqualTo((float) Turbofan.value(3, 45, 5));
  }

  @Test
  void aValidationSplitDrawnBySeedTakesWholeUnitsAndTheSameOnesForTheSameSeed() throws IOException {
    int[] cycles = new int[20];
    java.util.Arrays.fill(cycles, 33);
    Turbofan.write(dir.resolve("train.txt"), cycles);
    String yaml = CMAPSS + "valid_fraction: 0.25\nwindows: {length: 30, rul: {}}\n";
    FileDataSource a = open(yaml, 1);
    Set<Long> trainUnits = units((WindowDataset) a.train());
    Set<Long> validUnits = units((WindowDataset) a.validation().orElseThrow());
    assertThat(validUnits).hasSize(5);
    assertThat(trainUnits).hasSize(15).doesNotContainAnyElementsOf(validUnits);
    assertThat(a.train().size()).isEqualTo(15 * 4);
    assertThat(a.validation().orElseThrow().size()).isEqualTo(5 * 4);
    // the units are those of the x windows too: each window's first value names its unit
    float[] x =
        ((FieldDataset) a.validation().orElseThrow())
            .gather("x", new long[] {0, 19})
            .toFloatArray();
    assertThat(validUnits).contains((long) (x[0] / 1000), (long) (x[90] / 1000));
    assertThat(units((WindowDataset) open(yaml, 1).validation().orElseThrow()))
        .isEqualTo(validUnits);
    Set<Set<Long>> draws = new HashSet<>();
    for (long seed = 0; seed < 5; seed++) {
      draws.add(units((WindowDataset) open(yaml, seed).validation().orElseThrow()));
    }
    assertThat(draws).as("other seeds draw other units").hasSizeGreaterThan(1);
    assertThat(
            units(
                (WindowDataset)
                    open(
                            yaml.replace(
                                "valid_fraction: 0.25", "valid_fraction: 0.25\nvalid_seed: 1"),
                            99)
                        .validation()
                        .orElseThrow()))
        .isEqualTo(validUnits);
  }

  @Test
  void cutValidationUnitsEndBeforeFailureAtSeededPointsWithTheirRul() throws IOException {
    int[] cycles = new int[20];
    java.util.Arrays.fill(cycles, 80);
    Turbofan.write(dir.resolve("train.txt"), cycles);
    String yaml = CMAPSS + "valid_fraction: 0.5\nwindows: {length: 30, rul: {}, valid: cut}\n";
    FileDataSource a = open(yaml, 3);
    FieldDataset valid = (FieldDataset) a.validation().orElseThrow();
    assertThat(valid.size()).as("one window per validation unit").isEqualTo(10);
    long[] all = java.util.stream.LongStream.range(0, 10).toArray();
    float[] rul = valid.gather("rul", all).toFloatArray();
    Set<Float> distinct = new HashSet<>();
    for (int i = 0; i < rul.length; i++) {
      // cut at least one cycle before failure, keeping at least a window: RUL in [1, 80 - 30]
      assertThat(rul[i]).isBetween(1f, 50f);
      distinct.add(rul[i]);
      Series unit = ((WindowDataset) valid).series().get(i);
      assertThat(unit.rows())
          .as("the unit is cut where its RUL says")
          .isEqualTo(80 - (long) rul[i]);
    }
    assertThat(distinct).as("engines are cut at different points").hasSizeGreaterThan(3);
    assertThat(
            ((FieldDataset) open(yaml, 3).validation().orElseThrow())
                .gather("rul", all)
                .toFloatArray())
        .as("the same seed cuts the same way")
        .containsExactly(rul);
    assertThat(a.train().size()).as("training units stay whole").isEqualTo(10 * 51);
    assertThatThrownBy(() -> config(CMAPSS + "windows: {length: 30, test: cut}"))
        .hasMessageContaining("windows.test: cut is for a validation split");
  }

  private static Set<Long> units(WindowDataset windows) {
    Set<Long> out = new HashSet<>();
    for (Series s : windows.series()) {
      out.add((long) s.id());
    }
    return out;
  }

  @Test
  void csvRowsWithAHeaderGiveOneSampleARowWithIntegerAndFloatFields() throws IOException {
    StringBuilder csv = new StringBuilder("id,a,b,label\n");
    for (int r = 0; r < 1000; r++) {
      csv.append(r)
          .append(", ")
          .append(r * 0.5)
          .append(",\"")
          .append(-r)
          .append("\",")
          .append(r % 3)
          .append('\n');
    }
    Files.writeString(dir.resolve("t.csv"), csv);
    FileDataSource data =
        open(
            """
        train: t.csv
        fields: {ab: [a, b], label: label}
        dtypes: {label: int64, ab: float64}
        valid_fraction: 0.1
        """,
            3);
    FieldDataset train = (FieldDataset) data.train();
    FieldDataset valid = (FieldDataset) data.validation().orElseThrow();
    assertThat(train.size() + valid.size()).isEqualTo(1000);
    assertThat(valid.size()).isBetween(60L, 140L);
    assertThat(train.field("ab")).isEqualTo(new Field("ab", DType.FLOAT64, new long[] {2}));
    long[] all = java.util.stream.LongStream.range(0, valid.size()).toArray();
    double[] ab = valid.gather("ab", all).toDoubleArray();
    long[] label = valid.gather("label", all).toLongArray();
    Set<Long> validRows = new HashSet<>();
    for (int i = 0; i < all.length; i++) {
      long row = (long) (ab[2 * i] * 2);
      validRows.add(row);
      assertThat(ab[2 * i + 1]).isEqualTo(-row);
      assertThat(label[i]).isEqualTo(row % 3);
    }
    double[] trainAb =
        train
            .gather("ab", java.util.stream.LongStream.range(0, train.size()).toArray())
            .toDoubleArray();
    for (int i = 0; i < trainAb.length; i += 2) {
      assertThat(validRows).doesNotContain((long) (trainAb[i] * 2));
    }
  }

  @Test
  void aParsedFileIsCachedAndParsedAgainOnlyWhenItChanges() throws IOException {
    Path file = Turbofan.write(dir.resolve("train.txt"), 40);
    open(CMAPSS, 0);
    List<Path> cached = cacheFiles();
    assertThat(cached).hasSize(1);
    FileTime written = Files.getLastModifiedTime(cached.get(0));
    Files.setLastModifiedTime(cached.get(0), FileTime.fromMillis(written.toMillis() - 60_000));
    FileTime marked = Files.getLastModifiedTime(cached.get(0));
    FieldDataset again = (FieldDataset) open(CMAPSS, 0).train();
    assertThat(again.size()).isEqualTo(40);
    assertThat(cacheFiles()).containsExactly(cached.get(0));
    assertThat(Files.getLastModifiedTime(cached.get(0))).as("not written again").isEqualTo(marked);
    Turbofan.write(file, 41);
    Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 5_000));
    assertThat(open(CMAPSS, 0).train().size()).isEqualTo(41);
    assertThat(cacheFiles()).hasSize(2);
  }

  private List<Path> cacheFiles() throws IOException {
    try (Stream<Path> files = Files.list(dir.resolve("cache"))) {
      return files.filter(p -> p.toString().endsWith(".f64")).toList();
    }
  }

  @Test
  void badFilesAreNamedWithTheLineTheColumnAndWhatWouldBeValid() throws IOException {
    Files.writeString(dir.resolve("short.csv"), "a,b,c\n1,2,3\n\n4,5\n");
    assertThatThrownBy(() -> open("train: short.csv\nfields: {x: [a, b]}", 0))
        .isInstanceOf(DataFileException.class)
        .hasMessage(
            "short.csv line 4: 2 values, but the file has 3 columns (a, b, c); every row needs one value per"
                + " column");
    Files.writeString(dir.resolve("word.csv"), "a,b,c\n1,2,3\n4,x5,6\n");
    assertThatThrownBy(() -> open("train: word.csv\nfields: {x: [a, b]}", 0))
        .hasMessage(
            "word.csv line 3, column 2 (b): 'x5' is not a number; every value must be a number such as 42,"
                + " -0.5 or 1e-3 (nan and inf are accepted)");
    Files.writeString(dir.resolve("empty.csv"), "a,b\n1,\n");
    assertThatThrownBy(() -> open("train: empty.csv\nfields: {x: a}", 0))
        .hasMessageContaining("empty.csv line 2, column 2 (b): the value is empty");
    assertThatThrownBy(() -> open("train: data/nothere.csv\nfields: {x: a}", 0))
        .isInstanceOf(DataFileException.class)
        .hasMessageStartingWith(
            "data/nothere.csv: no such file (resolved to " + dir.resolve("data/nothere.csv"));
    Files.writeString(dir.resolve("good.csv"), "a,b,c\n1,2,3\n");
    assertThatThrownBy(() -> open("train: good.csv\nfields: {x: [a, bb]}", 0))
        .hasMessage(
            "good.csv has no column 'bb' (field 'x'). Did you mean 'b'? Its columns are a, b, c");
    Files.writeString(dir.resolve("frac.csv"), "a,label\n1,0\n2,2.5\n");
    assertThatThrownBy(
            () -> open("train: frac.csv\nfields: {label: label}\ndtypes: {label: int64}", 0))
        .hasMessageContaining("frac.csv, data row 2, column label: 2.5 is not a whole number")
        .hasMessageContaining("field 'label' is int64");
    Turbofan.write(dir.resolve("train.txt"), 3, 3);
    Files.writeString(
        dir.resolve("train.txt"),
        Files.readString(dir.resolve("train.txt")) + "1 4 " + "0 ".repeat(24) + "\n");
    assertThatThrownBy(() -> open(CMAPSS + "windows: {length: 2}", 0))
        .hasMessageContaining(
            "train.txt, data row 7: unit 1 appears again after other series (its rows began at data"
                + " row 1); the rows of each unit must be consecutive");
    Turbofan.write(dir.resolve("train.txt"), 40);
    Turbofan.write(dir.resolve("test.txt"), 40, 40);
    Files.writeString(dir.resolve("RUL.txt"), "3\n");
    assertThatThrownBy(
            () ->
                open(
                    CMAPSS + "test: test.txt\ntest_rul: RUL.txt\nwindows: {length: 30, rul: {}}",
                    0))
        .hasMessageStartingWith(
            "test_rul RUL.txt has 1 rows of 1 values, but test.txt has 2 series (group_by: unit);"
                + " it needs one number per line");
  }

  @Test
  void configurationMistakesAreNamedBeforeAnyFileIsRead() {
    assertThatThrownBy(
            () -> config("train: a.csv\nvalid: b.csv\nvalid_fraction: 0.2\nfields: {x: a}"))
        .hasMessageContaining("valid and valid_fraction exclude each other");
    assertThatThrownBy(() -> config("train: a.csv\nfields: {x: a}\nvalid_fraction: 1.5"))
        .hasMessageContaining("valid_fraction must be in (0, 1), e.g. 0.2; was 1.5");
    assertThatThrownBy(() -> config("train: a.csv\nfields: {x: a}\nwindows: {length: 0}"))
        .hasMessageContaining("windows.length must be at least 1, was 0");
    assertThatThrownBy(
            () -> config("train: a.csv\nfields: {x: a, rul: b}\nwindows: {length: 3, rul: {}}"))
        .hasMessageContaining("the field 'rul' is both in fields and derived by windows");
    assertThatThrownBy(
            () ->
                config(
                    "train: a.csv\nfields: {x: a}\nwindows: {length: 3, health: {thresholds: [50, 10]}}"))
        .hasMessageContaining("windows.health.thresholds must be numbers in ascending order");
    assertThatThrownBy(
            () -> config("train: a.csv\nfields: {x: a}\nwindows: {length: 3, paddin: edge}"))
        .hasMessageContaining("padding");
    assertThatThrownBy(() -> config("train: a.csv\nfields: {x: a}\nformat: excel"))
        .hasMessageContaining("csv")
        .hasMessageContaining("whitespace");
    assertThatThrownBy(() -> config("train: a.csv\nfields: {x: {a: 1}}"))
        .hasMessageContaining(
            "fields.x must be a column name (a scalar per row) or a list of column names");
    assertThatThrownBy(() -> config("train: a.csv\nfields: {x: a}\ndtypes: {y: int64}"))
        .hasMessageContaining("dtypes names 'y', which is not a field; the fields are x");
  }

  @Test
  void zeroPaddingLastRowFieldsAndLastWindowsOfTheValidationSplit() throws IOException {
    Turbofan.write(dir.resolve("train.txt"), 12, 40);
    Turbofan.write(dir.resolve("valid.txt"), 35, 8);
    FileDataSource data =
        open(
            """
        format: whitespace
        columns: %s
        train: train.txt
        valid: valid.txt
        group_by: unit
        fields:
          x: ["s{1..3}"]
          setting: setting1
          cycle: cycle
        windows: {length: 10, stride: 3, padding: zero, last_row: [setting, cycle], valid: last, rul: {}}
        """
                .formatted(Turbofan.COLUMN_NAMES),
            0);
    FieldDataset train = (FieldDataset) data.train();
    // unit 1 (12 cycles): ends at 10 (then 13 > 12); unit 2 (40): ends at 10, 13, ..., 40 (11
    // windows)
    assertThat(train.size()).isEqualTo(1 + 11);
    assertThat(train.field("cycle").sampleShape()).isEmpty();
    assertThat(train.gather("cycle", new long[] {0, 1, 11}).toFloatArray())
        .containsExactly(10, 10, 40);
    assertThat(train.gather("setting", new long[] {11}).toFloatArray())
        .containsExactly((float) Turbofan.value(2, 40, 2));
    FieldDataset valid = (FieldDataset) data.validation().orElseThrow();
    assertThat(valid.size()).isEqualTo(2);
    assertThat(valid.gather("cycle", new long[] {0, 1}).toFloatArray()).containsExactly(35, 8);
    float[] x = valid.gather("x", new long[] {1}).toFloatArray();
    // unit 2 of valid.txt has 8 cycles: two zero steps, then cycles 1..8
    assertThat(x[0]).isZero();
    assertThat(x[3]).isZero();
    assertThat(x[6]).isEqualTo((float) Turbofan.value(2, 1, 5));
    assertThat(valid.gather("rul", new long[] {0, 1}).toFloatArray()).containsExactly(0, 0);

    FileDataSource dropped = open(CMAPSS + "windows: {length: 20, padding: drop}", 0);
    assertThat(((WindowDataset) dropped.train()).dropped())
        .extracting(Series::idText)
        .containsExactly("1");
    assertThat(dropped.train().size()).isEqualTo(21);
    assertThatThrownBy(() -> open(CMAPSS + "windows: {length: 50, padding: drop}", 0))
        .hasMessageContaining(
            "the train split has no window: every series is shorter than windows.length 50");
  }

  @Test
  void tabSeparatedValuesWithoutAHeaderAcceptNanAndInfinity() throws IOException {
    Files.writeString(dir.resolve("t.tsv"), "1\tnan\n2\t-Inf\n3\t4e-3\n");
    FieldDataset train =
        (FieldDataset)
            open("format: tsv\nheader: false\ntrain: t.tsv\nfields: {v: [c0, c1]}", 0).train();
    assertThat(train.gather("v", new long[] {0, 1, 2}).toFloatArray())
        .containsExactly(1, Float.NaN, 2, Float.NEGATIVE_INFINITY, 3, 4e-3f);
  }

  @Test
  void columnRangesExpandInOrder() {
    assertThat(ColumnNames.expand(List.of("unit", "s{1..3}", "t{2..0}x"), "columns"))
        .containsExactly("unit", "s1", "s2", "s3", "t2x", "t1x", "t0x");
  }

  @Test
  void concurrentGathersOfOneDatasetGiveTheSameValuesAsOneThread() throws Exception {
    Turbofan.write(dir.resolve("train.txt"), 60, 50, 70, 40);
    FieldDataset train = (FieldDataset) open(CMAPSS + "windows: {length: 30, rul: {}}", 0).train();
    long[] all = java.util.stream.LongStream.range(0, train.size()).toArray();
    HostTensor expected = train.gather("x", all);
    List<java.util.concurrent.Future<Boolean>> results = new ArrayList<>();
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      for (int i = 0; i < 16; i++) {
        results.add(pool.submit(() -> train.gather("x", all).contentEquals(expected)));
      }
      for (var r : results) {
        assertThat(r.get()).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
