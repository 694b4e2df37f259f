package ai.noether.examples.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.api.checkpoint.RunLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The stage directory layout has one owner, {@link RunLayout}: no other main source of any module
 * spells one of its names ({@code "history.jsonl"}, {@code "checkpoints"}, {@code "config.yaml"},
 * ...) as a string literal, nor builds a path from one ({@code runId + "/checkpoints"}); they ask
 * {@code RunLayout} for the path or the constant. Messages and javadoc that describe the layout in
 * prose are not path building and stay as they are.
 */
class LayoutNamesTest {
  static final Path ROOT = Path.of("..");
  static final String OWNER = "noether-api/src/main/java/ai/noether/api/checkpoint/RunLayout.java";

  /** The names of the layout, as {@link RunLayout} defines them. */
  static final Set<String> NAMES =
      Set.of(
          RunLayout.CHECKPOINTS,
          RunLayout.HISTORY_FILE,
          RunLayout.RESOLVED_CONFIG_FILE,
          RunLayout.PLOTS_DIR,
          RunLayout.STARTED_FILE,
          "tracker",
          "ancestor");

  /**
   * A literal that is a layout name or a path built from one, by file, with the reason it is not
   * layout.
   */
  static final Map<String, String> ALLOWED =
      Map.of(
          "noether-callbacks/src/main/java/ai/noether/callbacks/test/TestEvaluationCallbackConfig.java",
          "\"checkpoints\" is that callback's YAML key (a list of checkpoint selectors), not a directory",
          "noether-callbacks/src/main/java/ai/noether/callbacks/history/HistoryPlotCallbackFactory.java",
          "its description for 'noether kinds' says in prose where the plots go",
          "noether-examples/plugin-example/src/main/java/ai/noether/examples/plugin/inventory/CheckpointInventoryCallback.java",
          "\"inventory/checkpoints\" is the metric key the example logs, not a path");

  private static final Pattern LITERAL = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");

  /** True if a string literal's contents name a layout entry or build a path with one. */
  static boolean isLayoutName(String literal) {
    for (String name : NAMES) {
      if (literal.equals(name)
          || literal.equals("/" + name)
          || literal.startsWith(name + "/")
          || literal.endsWith("/" + name)) {
        return true;
      }
    }
    return false;
  }

  @Test
  void noMainSourceButRunLayoutSpellsALayoutName() throws IOException {
    List<String> violations = new ArrayList<>();
    int files = 0;
    List<Path> roots;
    try (Stream<Path> walk = Files.walk(ROOT, 5)) {
      roots =
          walk.filter(
                  p ->
                      p.endsWith(Path.of("src", "main", "java"))
                          && !p.toString().contains("/target/")
                          && !p.toString().contains("/."))
              .sorted()
              .toList();
    }
    for (Path sources : roots) {
      List<Path> javaFiles;
      try (Stream<Path> walk = Files.walk(sources)) {
        javaFiles = walk.filter(p -> p.toString().endsWith(".java")).sorted().toList();
      }
      for (Path file : javaFiles) {
        String relative = ROOT.relativize(file).toString();
        if (relative.equals(OWNER) || ALLOWED.containsKey(relative)) {
          continue;
        }
        files++;
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
          String line = lines.get(i).strip();
          if (line.startsWith("*") || line.startsWith("/*") || line.startsWith("//")) {
            continue;
          }
          Matcher m = LITERAL.matcher(line);
          while (m.find()) {
            if (isLayoutName(m.group(1))) {
              violations.add(relative + ":" + (i + 1) + " spells \"" + m.group(1) + "\"");
            }
          }
        }
      }
    }
    assertThat(roots).as("source roots scanned").hasSizeGreaterThan(8);
    assertThat(files).as("java files scanned").isGreaterThan(300);
    assertThat(violations).as("layout names outside %s (ask RunLayout instead)", OWNER).isEmpty();
  }

  @Test
  void theCheckSeesALayoutNameAndLeavesProseAlone() {
    assertThat(isLayoutName("history.jsonl")).isTrue();
    assertThat(isLayoutName("checkpoints")).isTrue();
    assertThat(isLayoutName("/checkpoints")).isTrue();
    assertThat(isLayoutName("checkpoints/mlp_cp=latest_model.th")).isTrue();
    assertThat(isLayoutName("config.yaml")).isTrue();
    assertThat(isLayoutName("no checkpoints")).isFalse();
    assertThat(isLayoutName("noether train <config.yaml> run_id=")).isFalse();
    Matcher m = LITERAL.matcher("Path p = dir.resolve(\"history.jsonl\");");
    assertThat(m.find()).isTrue();
    assertThat(isLayoutName(m.group(1))).isTrue();
  }
}
