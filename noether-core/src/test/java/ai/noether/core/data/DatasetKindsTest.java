package ai.noether.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.noether.api.ConfigException;
import ai.noether.api.data.DataSource;
import ai.noether.api.data.FieldDataset;
import ai.noether.core.cli.NoetherCli;
import ai.noether.core.config.RunConfig;
import ai.noether.core.config.RunConfigLoader;
import ai.noether.core.registry.ComponentCategory;
import ai.noether.core.registry.ComponentRegistry;
import ai.noether.core.registry.Registration;
import ai.noether.core.registry.RunContext;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dataset kinds are found through their services file, bound strictly and described by {@code
 * noether kinds}.
 */
class DatasetKindsTest {
  static final ComponentRegistry REGISTRY = ComponentRegistry.load();

  @TempDir Path dir;

  @Test
  void tableAndArraysAreRegisteredThroughTheServicesFile() {
    List<String> kinds =
        REGISTRY.registrations(ComponentCategory.DATASET).stream().map(Registration::kind).toList();
    assertThat(kinds).contains("table", "arrays");
  }

  @Test
  void noetherKindsListsTheKeysOfTableWithTheirDefaultsAndDocumentation() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status =
        new NoetherCli(() -> REGISTRY, (config, registry, printer, options) -> NoetherCli.OK, dir)
            .execute(new PrintWriter(out), new PrintWriter(err), "kinds", "table");
    assertThat(status).as(err.toString()).isEqualTo(NoetherCli.OK);
    String text = out.toString();
    assertThat(text).contains("table (dataset)");
    for (String key :
        List.of(
            "train",
            "valid",
            "test",
            "valid_fraction",
            "valid_seed",
            "format",
            "header",
            "columns",
            "fields",
            "dtypes",
            "group_by",
            "windows",
            "valid_rul",
            "test_rul",
            "cache_dir",
            "data_dir")) {
      assertThat(text).as("key %s", key).containsPattern("(?m)^  " + key + " ");
    }
    assertThat(text).containsPattern("(?m)^  format +one of csv, tsv, whitespace +csv +how values");
    assertThat(text).containsPattern("(?m)^  fields +mapping to values +required ");
    assertThat(text).containsPattern("(?m)^  train +string +required +the training file");
  }

  @Test
  void aDatasetBlockIsBuiltFromYamlWithMistakesNamedByTheirYamlPathAndLine() throws Exception {
    Turbofan.write(dir.resolve("train.txt"), 40, 33);
    String yaml =
        """
        dataset:
          kind: table
          format: whitespace
          columns: [unit, cycle, "setting{1..3}", "s{1..21}"]
          train: %s
          group_by: unit
          fields: {x: ["s{1..4}"]}
          windows: {length: 30, rul: {cap: 125}}
          cache_dir: %s
        model: {name: net, kind: test-model, hidden_sizes: [8]}
        optimizer: {kind: test-optimizer, lr: 0.1}
        trainer: {kind: test-step, max_updates: 1, batch_size: 4, loss: mse}
        """
            .formatted(dir.resolve("train.txt"), dir.resolve("cache"));
    RunConfig run = new RunConfigLoader(dir, () -> "r").parse(yaml, "run.yaml", List.of());
    DataSource data =
        REGISTRY.create(ComponentCategory.DATASET, run.dataset(), 0L, new RunContext());
    assertThat(((FieldDataset) data.train()).size()).isEqualTo(11 + 4);

    RunConfig typo =
        new RunConfigLoader(dir, () -> "r")
            .parse(yaml.replace("group_by", "groupby"), "run.yaml", List.of());
    assertThatThrownBy(() -> REGISTRY.validate(typo))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "run.yaml line 6: unknown key 'dataset.groupby'. Did you mean 'group_by'?");
    RunConfig bad =
        new RunConfigLoader(dir, () -> "r")
            .parse(yaml.replace("length: 30", "length: -3"), "run.yaml", List.of());
    assertThatThrownBy(() -> REGISTRY.validate(bad))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("windows.length must be at least 1, was -3");
  }
}
