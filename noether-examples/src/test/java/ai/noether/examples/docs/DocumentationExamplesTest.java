package ai.noether.examples.docs;

import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.api.ConfigException;
import ai.noether.core.check.Preflight;
import ai.noether.core.cli.NoetherCli;
import ai.noether.core.cli.RunLauncher;
import ai.noether.core.config.RunConfig;
import ai.noether.core.config.RunConfigLoader;
import ai.noether.core.registry.ComponentRegistry;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every YAML block and every shell command of {@code docs/} and the README runs as written, so
 * that a page cannot go stale without failing the build.
 *
 * <ul>
 *   <li><b>YAML</b> blocks are read by the configuration loader, every component block is bound to
 *       its kind's config, and the components are checked against the data ({@code noether config}'s
 *       checks; for complete configurations). A block preceded by {@code <!-- fragment -->} is part of a configuration written
 *       from the root and is merged into the quickstart's; {@code <!-- fragment: a.b -->} puts the
 *       block at {@code a.b} (appending to a list there). {@code <!-- not-a-config: why -->} skips a
 *       block that is not meant to be read on its own, saying why.
 *   <li><b>Shell</b> commands run in a temporary directory that holds {@code noether-examples/configs}
 *       and {@code my-run.yaml} (the complete example of configuration.md). {@code ./noether}
 *       commands go through the real command line in this JVM; {@code train} and {@code resume}
 *       stop right before the first update (a launcher that runs the checks made before training
 *       and records the run), so a page costs no training time. Every other command is in
 *       {@link #NOT_RUN} with the reason.
 * </ul>
 */
class DocumentationExamplesTest {
  static final Path ROOT = Path.of("..");
  static final Path BASE = ROOT.resolve("noether-examples/configs/quickstart.yaml");
  static final ComponentRegistry REGISTRY = ComponentRegistry.load();
  static final ObjectMapper YAML = new YAMLMapper();

  /** Commands that are not run, by their first words, with the reason. */
  static final Map<String, String> NOT_RUN = Map.ofEntries(
      Map.entry("mvn", "builds the project itself (the build this test is part of)"),
      Map.entry("java", "runs a benchmark from the test class path; the benchmarks have their own tests"),
      Map.entry("CP=", "sets a shell variable for the benchmark commands"),
      Map.entry("export NOETHER_CLASSPATH=", "points at the plugin example's jar, built by its own module"),
      Map.entry("NOETHER_CUDA=1", "downloads PyTorch's CUDA build and needs a GPU"),
      Map.entry("while", "the retry loop of a batch script; the ./noether command inside it is run alone"),
      Map.entry("done", "ends the retry loop"));

  /**
   * {@code ./noether} commands that are checked against the command line's options but not run,
   * with the reason: they read runs and checkpoints that only a full training (about a minute
   * each) would leave behind; {@code ResumeDocumentationTest}, {@code ResumeCommandTest},
   * {@code RunsCommandTest} and {@code PlotCommandTest} run these commands on real runs.
   */
  static final Map<String, String> PARSED_ONLY = Map.of(
      "resume", "continues a trained run's checkpoints",
      "runs", "lists trained runs",
      "verify", "verifies a trained run's checkpoints",
      "plot", "plots a trained run's history",
      "report", "renders a trained run's history as a report",
      "predict", "reads a trained run's checkpoints (JavaApiTest runs it)",
      "evaluate", "reads a trained run's checkpoints (JavaApiTest runs it)",
      "inspect", "reads a trained run's checkpoint files (JavaApiTest and InspectCommandTest run it)",
      "train noether-examples/configs/plugin-example.yaml", "its kinds come from the plugin example's jar (NOT_RUN)");

  /** Placeholders of the docs and what the test writes for them. */
  static final Map<String, String> PLACEHOLDERS = Map.of("<run_id>", "260315-142233-k3x9");

  @TempDir Path work;

  @Test
  void everyYamlBlockOfTheDocsIsAValidConfiguration() throws IOException {
    List<String> failures = new ArrayList<>();
    int checked = 0;
    for (DocBlock block : blocks("yaml")) {
      if (block.marker().startsWith("not-a-config:")) {
        assertThat(block.marker().substring("not-a-config:".length()).strip()).as("the reason at %s", block.where())
            .isNotEmpty();
        continue;
      }
      try {
        RunConfig run = load(block);
        REGISTRY.validate(run);
        if (!block.marker().startsWith("fragment")) {
          // A fragment borrows the quickstart's data, which need not fit its model.
          Preflight.check(run, REGISTRY);
        }
        checked++;
      } catch (ConfigException | IllegalArgumentException e) {
        failures.add(block.where() + ": " + e.getMessage());
      }
    }
    assertThat(failures).as("YAML examples that are not valid configurations").isEmpty();
    assertThat(checked).isGreaterThan(20);
  }

  @Test
  void everyShellCommandOfTheDocsRunsAsWritten() throws IOException {
    Files.createDirectories(work.resolve("noether-examples/configs"));
    try (Stream<Path> configs = Files.list(ROOT.resolve("noether-examples/configs"))) {
      for (Path config : configs.toList()) {
        Files.copy(config, work.resolve("noether-examples/configs").resolve(config.getFileName()));
      }
    }
    Files.writeString(work.resolve("my-run.yaml"), completeExample());
    List<String> failures = new ArrayList<>();
    int run = 0;
    for (DocBlock block : blocks("bash")) {
      for (List<String> words : ShellWords.commands(block.text())) {
        List<String> command = words.stream().map(w -> PLACEHOLDERS.getOrDefault(w, w)).toList();
        String text = String.join(" ", command);
        if (command.get(0).equals("do")) {
          command = command.subList(1, command.size());
        }
        if (!command.get(0).equals("./noether")) {
          if (NOT_RUN.keySet().stream().noneMatch(text::startsWith)) {
            failures.add(block.where() + ": '" + text + "' is neither a ./noether command nor listed in NOT_RUN");
          }
          continue;
        }
        String[] args = command.subList(1, command.size()).toArray(String[]::new);
        String noetherArgs = String.join(" ", args);
        boolean parseOnly = PARSED_ONLY.keySet().stream().anyMatch(k -> noetherArgs.equals(k) || noetherArgs.startsWith(k + " "));
        String problem = parseOnly ? parse(args) : execute(args);
        if (problem != null) {
          failures.add(block.where() + ": '" + text + "': " + problem);
        }
        run++;
      }
    }
    assertThat(failures).as("shell commands of the docs that fail as written").isEmpty();
    assertThat(run).isGreaterThan(20);
  }

  // A stale example must fail the test: these prove that the checks see one.

  @Test
  void aStaleYamlExampleFails() {
    DocBlock stale = new DocBlock(ROOT.resolve("docs/stale.md"), 3, "yaml", "schedule: {kind: cosine}\n", "fragment");
    assertThat(org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class, () -> load(stale)).getMessage())
        .contains("unknown key 'schedule'. Did you mean 'optimizer.schedule'?");
  }

  @Test
  void aStaleShellCommandFails() throws IOException {
    Files.writeString(work.resolve("my-run.yaml"), completeExample());
    assertThat(execute("train", "my-run.yaml", "trainer.max_update=50")).contains("unknown key 'trainer.max_update'");
    assertThat(parse("resume", "demo", "--chekpoint", "E10")).contains("--chekpoint");
  }

  // ---------------------------------------------------------------------------------------------

  static List<Path> pages() throws IOException {
    List<Path> pages = new ArrayList<>();
    pages.add(ROOT.resolve("README.md"));
    try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    return pages;
  }

  static List<DocBlock> blocks(String language) throws IOException {
    List<DocBlock> blocks = new ArrayList<>();
    for (Path page : pages()) {
      blocks.addAll(DocBlock.read(page, List.of(language)));
    }
    return blocks;
  }

  /** The complete example of configuration.md: the {@code my-run.yaml} of the docs' commands. */
  static String completeExample() throws IOException {
    return blocks("yaml").stream().filter(b -> b.file().endsWith("configuration.md")).findFirst().orElseThrow().text();
  }

  RunConfig load(DocBlock block) throws IOException {
    RunConfigLoader loader = new RunConfigLoader(work, () -> "docs-run").withBlockCheck(REGISTRY.blockCheck());
    if (!block.marker().startsWith("fragment")) {
      return loader.parse(block.text(), source(block), List.of());
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> base = YAML.readValue(BASE.toFile(), Map.class);
    Object fragment = YAML.readValue(block.text(), Object.class);
    String at = block.marker().contains(":") ? block.marker().substring(block.marker().indexOf(':') + 1).strip() : "";
    place(base, at, fragment);
    return loader.parse(YAML.writeValueAsString(base), source(block) + " merged into " + BASE.getFileName(), List.of());
  }

  /** How messages name a block's text: lines count from the block's first line. */
  static String source(DocBlock block) {
    return DocumentationExamplesTest.ROOT.relativize(block.file()) + " (the block at line " + block.line() + ")";
  }

  /** Puts {@code value} at the dotted {@code path} of {@code tree}: merging maps, appending to lists. */
  @SuppressWarnings("unchecked")
  static void place(Map<String, Object> tree, String path, Object value) {
    if (path.isEmpty()) {
      merge(tree, (Map<String, Object>) value);
      return;
    }
    String[] keys = path.split("\\.");
    Map<String, Object> parent = tree;
    for (int i = 0; i < keys.length - 1; i++) {
      parent = (Map<String, Object>) parent.computeIfAbsent(keys[i], k -> new LinkedHashMap<>());
    }
    Object existing = parent.get(keys[keys.length - 1]);
    if (existing instanceof List<?> list && value instanceof List<?> more) {
      List<Object> all = new ArrayList<>(list);
      all.addAll(more);
      parent.put(keys[keys.length - 1], all);
    } else if (existing instanceof Map<?, ?> map && value instanceof Map<?, ?> more && more.get("kind") == null) {
      merge((Map<String, Object>) map, (Map<String, Object>) more, false);
    } else {
      parent.put(keys[keys.length - 1], value);
    }
  }

  /**
   * Merges a fragment written from the root into {@code into}. The root blocks (model, trainer...)
   * are extended, keeping the keys the fragment leaves out (a model's name); a component block
   * below them is written whole and replaces the one it lands on (a schedule of another kind).
   */
  static void merge(Map<String, Object> into, Map<String, Object> from) {
    merge(into, from, true);
  }

  @SuppressWarnings("unchecked")
  private static void merge(Map<String, Object> into, Map<String, Object> from, boolean root) {
    from.forEach((k, v) -> {
      if (into.get(k) instanceof Map<?, ?> m && v instanceof Map<?, ?> block
          && (block.get("kind") == null || root && sameKind(m, block))) {
        merge((Map<String, Object>) m, (Map<String, Object>) v, false);
      } else {
        into.put(k, v);
      }
    });
  }

  static boolean sameKind(Map<?, ?> existing, Map<?, ?> fragment) {
    return existing.get("kind") == null || existing.get("kind").equals(fragment.get("kind"));
  }

  /** Runs the command line on {@code args} in the work directory; null when it succeeds, else why. */
  String execute(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    RunLauncher checksOnly = (config, registry, printer, options) -> {
      Preflight.check(config, registry);
      printer.println("checked " + config.stage() + "; training skipped by the documentation test");
      return NoetherCli.OK;
    };
    int status = new NoetherCli(() -> REGISTRY, checksOnly, work).execute(new PrintWriter(out), new PrintWriter(err),
        args);
    return status == NoetherCli.OK ? null : "exit " + status + ": " + err.toString().strip();
  }

  /** Parses {@code args} with the command line's options; null when they parse, else why. */
  static String parse(String... args) {
    try {
      picocli.CommandLine cl = new picocli.CommandLine(new NoetherCli(() -> REGISTRY, RunLauncher.unavailable(), Path.of("")));
      for (ai.noether.core.cli.CommandProvider provider : java.util.ServiceLoader.load(ai.noether.core.cli.CommandProvider.class)) {
        cl.addSubcommand(provider.newCommand());
      }
      cl.parseArgs(args);
      return null;
    } catch (picocli.CommandLine.ParameterException e) {
      return e.getMessage();
    }
  }
}
