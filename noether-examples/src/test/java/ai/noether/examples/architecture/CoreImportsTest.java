package ai.noether.examples.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The plugin modules live on {@code noether-api}: their main sources name no class of
 * {@code noether-core} but the few listed here, each with the reason it is still needed, and never
 * one of core's wiring and service packages (the registry, the run assembly, resume, injection):
 * those reach plugins as api interfaces injected by the run's injector. The plugin example names
 * no core class at all (its build has only the api to compile against).
 */
class CoreImportsTest {
  static final Path ROOT = Path.of("..");

  /** Packages whose services a plugin gets injected through api interfaces, never by importing them. */
  static final List<String> WIRING = List.of("ai.noether.core.registry.", "ai.noether.core.run.",
      "ai.noether.core.resume.", "ai.noether.core.inject.");

  /** What each module still names of core, with the reason; a new name fails the test. */
  static final Map<String, Map<String, String>> REMAINING = Map.of(
      "noether-djl", Map.of(
          "ai.noether.core.training.Seeds", "per-parameter initial weights mix the run's init seed with a hash of the "
              + "parameter path (SeededInitialization); factories could take RunSeeds, the mix has no api form yet",
          "ai.noether.core.cli.VersionReporter", "the engine reports its version to 'noether --version', a command-line"
              + " extension point",
          "ai.noether.core.config.ConfigBinder", "the block kind binds its YAML arguments to a user's record and saves"
              + " model_config as plain values; config binding has no api form yet",
          "ai.noether.core.config.ComponentBlock", "the block kind reads its arguments block as the registry does",
          "ai.noether.core.config.EngineConfig", "the engine applies the run's engine block (threads) before it starts",
          "ai.noether.core.engine.EngineThreads", "the extension point through which the engine sets its thread pools",
          "ai.noether.core.checkpoint.StagingBuffers", "device-to-host copies of a save land in the checkpoint"
              + " writer's reused staging buffers"),
      "noether-callbacks", Map.ofEntries(
          Map.entry("ai.noether.core.cli.CommandProvider", "the plot and report commands plug into the command line"),
          Map.entry("ai.noether.core.cli.NoetherCli", "the plot and report commands use its exit codes and working directory"),
          Map.entry("ai.noether.core.cli.StoreArguments", "the report command opens the store its --output-dir names"),
          Map.entry("ai.noether.core.cli.StatusLine", "the progress bar draws on the command line's status line"),
          Map.entry("ai.noether.core.cli.Terminals", "the progress bar asks whether the output is a terminal"),
          Map.entry("ai.noether.core.layout.RunDirectories", "the plot and report commands find a run's stages with"
              + " core's one listing of the local run tree"),
          Map.entry("ai.noether.core.config.RunConfigLoader", "the plot and report commands read a stage's resolved config"),
          Map.entry("ai.noether.core.history.MetricHistory", "the history file has one owner in core; an api reader is to come"),
          Map.entry("ai.noether.core.history.HistoryFile", "core's one reader of history.jsonl, for plots and reports"),
          Map.entry("ai.noether.core.training.MetricFormat", "metric values in log lines are formatted as the trainer's are")),
      "noether-initializers", Map.of(),
      "noether-examples/plugin-example", Map.of());

  private static final Pattern CORE_NAME = Pattern.compile("\\bai\\.noether\\.core\\.(?:[a-z][a-z0-9_]*\\.)+[A-Z]\\w*");

  @Test
  void pluginModulesNameNoCoreClassButTheListedOnesAndNoneOfCoresWiring() throws IOException {
    List<String> unexpected = new ArrayList<>();
    TreeSet<String> stillUsed = new TreeSet<>();
    int files = 0;
    for (Map.Entry<String, Map<String, String>> module : REMAINING.entrySet()) {
      Path sources = ROOT.resolve(module.getKey()).resolve("src/main/java");
      List<Path> javaFiles;
      try (Stream<Path> walk = Files.walk(sources)) {
        javaFiles = walk.filter(p -> p.toString().endsWith(".java")).sorted().toList();
      }
      for (Path file : javaFiles) {
        files++;
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
          String line = lines.get(i).strip();
          if (line.startsWith("*") || line.startsWith("/*") || line.startsWith("//")) {
            continue;  // javadoc may name core classes for the reader
          }
          Matcher m = CORE_NAME.matcher(line);
          while (m.find()) {
            String name = m.group();
            String where = ROOT.relativize(file) + ":" + (i + 1) + " names " + name;
            if (WIRING.stream().anyMatch(name::startsWith)) {
              unexpected.add(where + " (core wiring: inject the api interface instead)");
            } else if (!module.getValue().containsKey(name)) {
              unexpected.add(where);
            } else {
              stillUsed.add(name);
            }
          }
        }
      }
    }

    assertThat(files).as("java files scanned").isGreaterThan(50);
    assertThat(unexpected).as("core classes named by plugin modules outside CoreImportsTest.REMAINING (still used: %s)",
        stillUsed).isEmpty();
  }
}
