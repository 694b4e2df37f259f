package ai.noether.core.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The {@code _trainer.th} schema has one owner: {@code TrainerStateFile} is the only main source,
 * in any module, that names a key of the trainer file, and the keys' spellings appear only in
 * {@code CheckpointKeys}. A second reader or writer would have to name them, so it fails here.
 *
 * <p>Keys every checkpoint file shares ({@code checkpoint_tag}, {@code training_iteration}, {@code
 * noether_format_version}, ...) and {@code scaler_params}, which model files carry in their extras
 * too, are not the trainer file's alone and are not checked. The nested states of callbacks,
 * schedules and the metric history belong to those components.
 */
class TrainerStateOwnerTest {
  static final Path ROOT = Path.of("..");
  static final String OWNER = "TrainerStateFile.java";

  /** The keys only the trainer file has (constants of CheckpointKeys). */
  static final List<String> TRAINER_KEYS =
      List.of(
          "BATCH_IN_EPOCH",
          "ACCUMULATED_BATCHES",
          "ACCUMULATED_GRADIENTS",
          "ACCUMULATE_GRAD_BATCHES",
          "SEED",
          "CALLBACKS",
          "CALLBACK_STATE_DICTS",
          "METRICS",
          "LAST_EVALUATED",
          "LOG_WINDOW",
          "LOG_WINDOW_LOSS_SUM",
          "LOG_WINDOW_COUNT",
          "LOG_WINDOW_SAMPLES",
          "LOG_WINDOW_METRIC_SUMS",
          "LAST_LEARNING_RATE",
          "HISTORY",
          "LINEAGE",
          "CHECKSUM",
          "RESUMED_AT",
          "CONFIG");

  /**
   * Spellings of trainer-file keys that mean nothing else in the code (unlike "seed" or "config").
   */
  static final List<String> DISTINCT_SPELLINGS =
      List.of(
          "batch_in_epoch",
          "accumulated_batches",
          "accumulated_gradients",
          "callback_state_dicts",
          "last_evaluated",
          "log_window",
          "loss_sum",
          "metric_sums",
          "last_learning_rate",
          "resumed_at");

  static final Pattern KEY_REFERENCE =
      Pattern.compile("CheckpointKeys\\s*\\.\\s*(" + String.join("|", TRAINER_KEYS) + ")\\b");

  @Test
  void onlyTheOwnerNamesTheTrainerFilesKeys() throws IOException {
    List<Path> sources = mainSources();
    List<String> violations = new ArrayList<>();
    boolean ownerSeen = false;
    for (Path file : sources) {
      String text = Files.readString(file);
      String name = file.getFileName().toString();
      ownerSeen |= name.equals(OWNER);
      violations.addAll(violations(name, text));
    }
    assertThat(ownerSeen).as("the owner is among the scanned sources").isTrue();
    assertThat(violations).isEmpty();
  }

  @Test
  void theCheckSeesAReferenceAndASpelling() {
    // The rules match what a second reader would contain, so the test above can fail.
    assertThat(violations("StageAssembly.java", "Object c = tree.get(CheckpointKeys.CONFIG);"))
        .hasSize(1);
    assertThat(violations("Trainer.java", "tree.put(CheckpointKeys\n        .LOG_WINDOW, window);"))
        .hasSize(1);
    assertThat(violations("LogWindow.java", "s.put(\"loss_sum\", lossSum);")).hasSize(1);
    assertThat(violations("Trainer.java", "tree.get(CheckpointKeys.CONFIG_FILE)"))
        .as("another constant")
        .isEmpty();
    assertThat(violations(OWNER, "tree.get(CheckpointKeys.CONFIG);")).isEmpty();
    assertThat(violations("CheckpointKeys.java", "String LOG_WINDOW = \"log_window\";")).isEmpty();
  }

  private static List<String> violations(String fileName, String text) {
    List<String> found = new ArrayList<>();
    if (!fileName.equals(OWNER)) {
      Matcher m = KEY_REFERENCE.matcher(text);
      while (m.find()) {
        found.add(fileName + " names CheckpointKeys." + m.group(1));
      }
    }
    if (!fileName.equals("CheckpointKeys.java")) {
      for (String spelling : DISTINCT_SPELLINGS) {
        if (text.contains("\"" + spelling + "\"")) {
          found.add(fileName + " spells \"" + spelling + "\"");
        }
      }
    }
    return found;
  }

  /** Every main source of every module of the build (the plugin example included). */
  private static List<Path> mainSources() throws IOException {
    assertThat(ROOT.resolve("pom.xml")).as("tests run in a module of the build").exists();
    List<Path> roots;
    try (Stream<Path> dirs = Files.walk(ROOT, 5)) {
      roots =
          dirs.filter(Files::isDirectory)
              .filter(d -> d.endsWith(Path.of("src", "main", "java")))
              .filter(d -> !d.toString().contains("target"))
              .toList();
    }
    assertThat(roots).as("the modules' source folders").hasSizeGreaterThan(5);
    List<Path> sources = new ArrayList<>();
    for (Path root : roots) {
      try (Stream<Path> files = Files.walk(root)) {
        files.filter(f -> f.toString().endsWith(".java")).forEach(sources::add);
      }
    }
    return sources;
  }
}
