package ai.noether.examples.docs;

import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.api.ConfigException;
import ai.noether.core.check.Preflight;
import ai.noether.core.cli.NoetherCli;
import ai.noether.core.cli.RunLauncher;
import ai.noether.core.config.RunConfig;
import ai.noether.core.config.RunConfigLoader;
import ai.noether.core.registry.ComponentRegistry;
import ai.noether.examples.turbofan.TurbofanFleet;
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
 * Every YAML block and every shell command of {@code docs/} and the README runs as written, so that
 * a page cannot go stale without failing the build.
 *
 * <ul>
 *   <li><b>YAML</b> blocks are read by the configuration loader, every component block is bound to
 *       its kind's config, and the components are checked against the data ({@code noether
 *       config}'s checks; for complete configurations). A block preceded by {@code <!-- fragment
 *       -->} is part of a configuration written from the root and is merged into the quickstart's;
 *       {@code <!-- fragment: a.b -->} puts the block at {@code a.b} (appending to a list there).
 *       {@code <!-- not-a-config: why -->} skips a block that is not meant to be read on its own,
 *       saying why.
 *   <li><b>Shell</b> commands run in a temporary directory that holds {@code
 *       noether-examples/configs} and {@code my-run.yaml} (the complete example of
 *       configuration.md), after the runs the pages read ({@link #FIXTURE_RUNS}) were trained there
 *       for real. {@code ./noether} commands go through the real command line in this JVM: {@code
 *       runs}, {@code verify}, {@code plot} and {@code report} run to the end on those runs; {@code
 *       train} and {@code resume} resolve their run, stage and checkpoint and stop right before the
 *       first update (a launcher that runs the checks made before training), so a page costs no
 *       training time. Every other command is in {@link #NOT_RUN} with the reason.
 * </ul>
 */
class DocumentationExamplesTest {
  static final Path ROOT = Path.of("..");
  static final Path BASE = ROOT.resolve("noether-examples/configs/quickstart.yaml");
  static final ComponentRegistry REGISTRY = ComponentRegistry.load();
  static final ObjectMapper YAML = new YAMLMapper();

  /** Commands that are not run, by their first words, with the reason. */
  static final Map<String, String> NOT_RUN =
      Map.ofEntries(
          Map.entry("mvn", "builds the project itself (the build this test is part of)"),
          Map.entry(
              "java",
              "runs a benchmark from the test class path; the benchmarks have their own tests"),
          Map.entry("CP=", "sets a shell variable for the benchmark commands"),
          Map.entry(
              "export NOETHER_CLASSPATH=",
              "points at the plugin example's jar, built by its own module"),
          Map.entry("NOETHER_CUDA=1", "downloads PyTorch's CUDA build and needs a GPU"),
          Map.entry(
              "while",
              "the retry loop of a batch script; the ./noether command inside it is run alone"),
          Map.entry("done", "ends the retry loop"));

  /**
   * {@code ./noether} commands that are checked against the command line's options but not run,
   * with the reason.
   */
  static final Map<String, String> PARSED_ONLY =
      Map.of(
          "train noether-examples/configs/plugin-example.yaml",
              "its kinds come from the plugin example's jar (NOT_RUN)",
          "resume demo trainer.callbacks[0].max_minutes=30",
              "sets a key of the plugin example's time-budget callback");

  /**
   * The runs the docs' commands read, trained for real before the commands run: {@code demo} is the
   * quickstart interrupted at update 300, resumed and interrupted again at update 600, a run still
   * to be continued (its {@code U512} and {@code E4_U300_S9600.signal} exist, as the pages say);
   * {@code 260315-142233-k3x9} has a {@code train} stage of four epochs and a {@code finetune}
   * stage; {@code job-42} was interrupted early, as the job script of resume.md expects.
   */
  static final List<List<String>> FIXTURE_RUNS =
      List.of(
          List.of(
              "train",
              "noether-examples/configs/quickstart.yaml",
              "run_id=demo",
              "--interrupt-at-update",
              "300"),
          List.of("resume", "demo", "--interrupt-at-update", "600"),
          List.of(
              "train",
              "noether-examples/configs/quickstart.yaml",
              "run_id=260315-142233-k3x9",
              "trainer.max_epochs=4"),
          List.of(
              "train",
              "noether-examples/configs/quickstart.yaml",
              "run_id=260315-142233-k3x9",
              "stage_name=finetune"),
          List.of(
              "train",
              "noether-examples/configs/quickstart.yaml",
              "run_id=job-42",
              "--interrupt-at-update",
              "3"),
          // The turbofan example's run (docs/examples/turbofan-rul.md) on a small fleet:
          // interrupted in its
          // second epoch, after the first evaluation wrote best.rmse~valid~rul with its EMA
          // weights.
          List.of(
              "train",
              "noether-examples/configs/turbofan-rul.yaml",
              "run_id=fd001",
              "trainer.max_epochs=3",
              "--interrupt-at-update",
              "3"));

  /** Placeholders of the docs and what the test writes for them. */
  static final Map<String, String> PLACEHOLDERS =
      Map.of(
          "<run_id>", "demo",
          // Output directories elsewhere on a cluster: the fixtures live under ./runs.
          "/scratch/runs", "runs",
          "/data/runs", "runs",
          "/home/me/runs", "runs");

  @TempDir Path work;

  @Test
  void everyYamlBlockOfTheDocsIsAValidConfiguration() throws IOException {
    List<String> failures = new ArrayList<>();
    int checked = 0;
    for (DocBlock block : blocks("yaml")) {
      if (block.marker().startsWith("not-a-config:")) {
        assertThat(block.marker().substring("not-a-config:".length()).strip())
            .as("the reason at %s", block.where())
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
    prepareWorkDirectory();
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
            failures.add(
                block.where()
                    + ": '"
                    + text
                    + "' is neither a ./noether command nor listed in NOT_RUN");
          }
          continue;
        }
        String[] args = command.subList(1, command.size()).toArray(String[]::new);
        String noetherArgs = String.join(" ", args);
        boolean parseOnly =
            PARSED_ONLY.keySet().stream()
                .anyMatch(k -> noetherArgs.equals(k) || noetherArgs.startsWith(k + " "));
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
    DocBlock stale =
        new DocBlock(
            ROOT.resolve("docs/stale.md"), 3, "yaml", "schedule: {kind: cosine}\n", "fragment");
    assertThat(
            org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class, () -> load(stale))
                .getMessage())
        .contains("unknown key 'schedule'. Did you mean 'optimizer.schedule'?");
  }

  @Test
  void aStaleShellCommandFails() throws IOException {
    prepareWorkDirectory();
    assertThat(execute("train", "my-run.yaml", "trainer.max_update=50"))
        .contains("unknown key 'trainer.max_update'");
    assertThat(parse("resume", "demo", "--chekpoint", "E10")).contains("--chekpoint");
    assertThat(execute("resume", "demo", "--checkpoint", "U9999")).contains("U9999");
    assertThat(execute("verify", "demo", "--stage", "finetune")).contains("finetune");
    assertThat(execute("report", "demo", "--stage", "finetune")).contains("finetune");
  }

  // ---------------------------------------------------------------------------------------------

  static List<Path> pages() throws IOException {
    List<Path> pages = new ArrayList<>();
    pages.add(ROOT.resolve("README.md"));
    try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    try (Stream<Path> examples = Files.list(ROOT.resolve("docs/examples"))) {
      examples.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
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
    return blocks("yaml").stream()
        .filter(b -> b.file().endsWith("configuration.md"))
        .findFirst()
        .orElseThrow()
        .text();
  }

  RunConfig load(DocBlock block) throws IOException {
    RunConfigLoader loader =
        new RunConfigLoader(work, () -> "docs-run").withBlockCheck(REGISTRY.blockCheck());
    if (!block.marker().startsWith("fragment")) {
      return loader.parse(block.text(), source(block), List.of());
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> base = YAML.readValue(BASE.toFile(), Map.class);
    Object fragment = YAML.readValue(block.text(), Object.class);
    String at =
        block.marker().contains(":")
            ? block.marker().substring(block.marker().indexOf(':') + 1).strip()
            : "";
    place(base, at, fragment);
    return loader.parse(
        YAML.writeValueAsString(base),
        source(block) + " merged into " + BASE.getFileName(),
        List.of());
  }

  /** How messages name a block's text: lines count from the block's first line. */
  static String source(DocBlock block) {
    return DocumentationExamplesTest.ROOT.relativize(block.file())
        + " (the block at line "
        + block.line()
        + ")";
  }

  /**
   * Puts {@code value} at the dotted {@code path} of {@code tree}: merging maps, appending to
   * lists.
   */
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
    } else if (existing instanceof Map<?, ?> map
        && value instanceof Map<?, ?> more
        && more.get("kind") == null) {
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
    from.forEach(
        (k, v) -> {
          if (into.get(k) instanceof Map<?, ?> m
              && v instanceof Map<?, ?> block
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

  /**
   * The example configurations, {@code my-run.yaml} and the {@link #FIXTURE_RUNS} in the work
   * directory.
   */
  void prepareWorkDirectory() throws IOException {
    Files.createDirectories(work.resolve("noether-examples/configs"));
    try (Stream<Path> configs = Files.list(ROOT.resolve("noether-examples/configs"))) {
      for (Path config : configs.toList()) {
        Files.copy(config, work.resolve("noether-examples/configs").resolve(config.getFileName()));
      }
    }
    // A table dataset resolves data_dir against the process's working directory, which in this JVM
    // is the module's, not the work directory the commands run in: the copy names it in full.
    Path turbofan = work.resolve("noether-examples/configs/turbofan-rul.yaml");
    String yaml = Files.readString(turbofan);
    assertThat(yaml).contains("data_dir: data/turbofan");
    Files.writeString(
        turbofan,
        yaml.replace("data_dir: data/turbofan", "data_dir: " + work.resolve("data/turbofan")));
    Files.writeString(work.resolve("my-run.yaml"), completeExample());
    // The features of cli.md's "predict --input features.csv": rows of the quickstart's 8 inputs.
    Files.writeString(
        work.resolve("features.csv"),
        "x0,x1,x2,x3,x4,x5,x6,x7\n0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8\n" + "-1,0,1,0,-1,0,1,0\n");
    // The turbofan fixture's data, small: 8 training engines (a few updates per epoch), 5 test
    // engines.
    new TurbofanFleet(new TurbofanFleet.Settings("FD001", 8, 5, 1, 128, 170, 42))
        .write(work.resolve("data/turbofan"));
    trainFixtureRuns();
  }

  /** Trains the {@link #FIXTURE_RUNS} in the work directory with the real trainer. */
  void trainFixtureRuns() {
    for (List<String> command : FIXTURE_RUNS) {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      int status =
          new NoetherCli(() -> REGISTRY, RunLauncher.fromClassPath(), work)
              .execute(new PrintWriter(out), new PrintWriter(err), command.toArray(String[]::new));
      int expected =
          command.contains("--interrupt-at-update") ? NoetherCli.INTERRUPTED : NoetherCli.OK;
      assertThat(status)
          .as("fixture run '%s': %s", String.join(" ", command), err)
          .isEqualTo(expected);
    }
  }

  /**
   * Runs the command line on {@code args} in the work directory; null when it succeeds, else why.
   */
  String execute(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    RunLauncher checksOnly =
        (config, registry, printer, options) -> {
          Preflight.check(config, registry);
          printer.println(
              "checked " + config.stage() + "; training skipped by the documentation test");
          return NoetherCli.OK;
        };
    int status =
        new NoetherCli(() -> REGISTRY, checksOnly, work)
            .execute(new PrintWriter(out), new PrintWriter(err), args);
    return status == NoetherCli.OK ? null : "exit " + status + ": " + err.toString().strip();
  }

  /** Parses {@code args} with the command line's options; null when they parse, else why. */
  static String parse(String... args) {
    try {
      new NoetherCli(() -> REGISTRY, RunLauncher.unavailable(), Path.of(""))
          .commandLine()
          .parseArgs(args);
      return null;
    } catch (picocli.CommandLine.ParameterException e) {
      return e.getMessage();
    }
  }
}
