package ai.noether.examples.data;

import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.api.data.DataSource;
import ai.noether.api.data.Dataset;
import ai.noether.api.data.Field;
import ai.noether.api.data.FieldDataset;
import ai.noether.core.config.ComponentBlock;
import ai.noether.core.config.ConfigBinder;
import ai.noether.core.data.ArrayDatasets;
import ai.noether.core.data.ArraysDatasetConfig;
import ai.noether.core.data.TableDatasetConfig;
import ai.noether.core.data.TableDatasets;
import ai.noether.core.data.window.WindowDataset;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every dataset block of {@code docs/data.md} builds its splits from the files it names (those in
 * {@code noether-examples/data}, and two small CSV files this test writes for the houses example),
 * and the numbers the page states hold. {@code DocumentationExamplesTest} binds the same blocks as
 * configurations; this test reads the data.
 */
class DataDocumentationTest {
  static final Path ROOT = Path.of("..");
  static final ObjectMapper YAML = new YAMLMapper();

  @TempDir Path work;

  @Test
  void everyDatasetBlockOfTheDataPageBuildsItsSplitsFromItsFiles() throws IOException {
    copy(ROOT.resolve("noether-examples/data"), work.resolve("noether-examples/data"));
    writeHouses(work.resolve("data"));
    List<String> built = new ArrayList<>();
    for (String yaml : yamlBlocks(ROOT.resolve("docs/data.md"))) {
      Map<String, Object> dataset = dataset(yaml);
      if (dataset == null) {
        continue;
      }
      DataSource data = build(dataset);
      for (Dataset split : splits(data)) {
        FieldDataset fields = (FieldDataset) split;
        assertThat(fields.size()).isPositive();
        long[] first = LongStream.range(0, Math.min(5, fields.size())).toArray();
        for (Field f : fields.fields()) {
          assertThat(fields.gather(f.name(), first).shape()).isEqualTo(f.batchShape(first.length));
        }
      }
      built.add(String.valueOf(dataset.get("kind")));
    }
    assertThat(built).containsExactly("table", "table", "table", "arrays");
  }

  @Test
  void theTurbofanExampleHoldsTheUnitsAndWindowsThePageDescribes() throws IOException {
    copy(ROOT.resolve("noether-examples/data"), work.resolve("noether-examples/data"));
    DataSource data = build(dataset(yamlBlocks(ROOT.resolve("docs/data.md")).get(0)));
    WindowDataset train = (WindowDataset) data.train();
    WindowDataset valid = (WindowDataset) data.validation().orElseThrow();
    WindowDataset test = (WindowDataset) data.test().orElseThrow();
    assertThat(train.series()).hasSize(6);
    assertThat(valid.series()).hasSize(2);
    assertThat(
            Stream.concat(train.series().stream(), valid.series().stream())
                .mapToLong(s -> s.rows())
                .summaryStatistics())
        .returns(43L, s -> s.getMin())
        .returns(82L, s -> s.getMax());
    assertThat(test.size()).isEqualTo(4);
    assertThat(train.field("x").sampleShape()).containsExactly(30, 7);
    float[] rul = test.gather("rul", new long[] {0, 1, 2, 3}).toFloatArray();
    List<String> rulFile =
        Files.readAllLines(ROOT.resolve("noether-examples/data/turbofan/RUL.txt"));
    for (int i = 0; i < 4; i++) {
      assertThat(rul[i]).isEqualTo(Math.min(125f, Float.parseFloat(rulFile.get(i).strip())));
    }
  }

  private DataSource build(Map<String, Object> dataset) {
    Map<String, Object> settings = new LinkedHashMap<>(dataset);
    String kind = (String) settings.remove("kind");
    settings.put("cache_dir", work.resolve("cache").toString());
    ComponentBlock block = ComponentBlock.of("dataset", kind, settings);
    return switch (kind) {
      case "table" ->
          TableDatasets.open(ConfigBinder.bind(block, TableDatasetConfig.class, "table"), 0, work);
      case "arrays" ->
          ArrayDatasets.open(
              ConfigBinder.bind(block, ArraysDatasetConfig.class, "arrays"), 0, work);
      default -> throw new AssertionError("data.md shows a dataset of kind " + kind);
    };
  }

  private static List<Dataset> splits(DataSource data) {
    List<Dataset> out = new ArrayList<>(List.of(data.train()));
    data.validation().ifPresent(out::add);
    data.test().ifPresent(out::add);
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> dataset(String yaml) throws IOException {
    Object tree = YAML.readValue(yaml, Object.class);
    return tree instanceof Map<?, ?> m && m.get("dataset") instanceof Map<?, ?> d
        ? (Map<String, Object>) d
        : null;
  }

  /** The text of every yaml block of the page, in order. */
  static List<String> yamlBlocks(Path page) throws IOException {
    List<String> blocks = new ArrayList<>();
    List<String> lines = Files.readAllLines(page);
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).strip().equals("```yaml")) {
        StringBuilder text = new StringBuilder();
        for (i++; !lines.get(i).startsWith("```"); i++) {
          text.append(lines.get(i)).append('\n');
        }
        blocks.add(text.toString());
      }
    }
    return blocks;
  }

  private static void writeHouses(Path dir) throws IOException {
    Files.createDirectories(dir);
    for (String name : List.of("houses.csv", "houses-valid.csv")) {
      StringBuilder csv = new StringBuilder("rooms,area,age,district,price\n");
      for (int i = 0; i < 20; i++) {
        csv.append(2 + i % 4)
            .append(',')
            .append(40 + 7.5 * i)
            .append(',')
            .append(i)
            .append(',')
            .append(i % 3)
            .append(',')
            .append(1000 * i + 0.5)
            .append('\n');
      }
      Files.writeString(dir.resolve(name), csv);
    }
  }

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path p : files.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }
}
