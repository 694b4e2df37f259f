package ai.noether.core.layout;

import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.api.checkpoint.RunLayout;
import ai.noether.api.checkpoint.StageId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One output directory with every kind of entry the callers meet, listed by each caller's question:
 * the file store ({@code runs()}, {@code stages()}), {@code resume} (stages with a saved
 * configuration, the stage started last), {@code plot} (what looks like a run, stages with a
 * history). Where a caller had its own listing before, the same question is asked of that code too
 * ({@link Before}) and must give the same answer.
 */
class RunDirectoriesTest {
  @TempDir Path out;

  @BeforeEach
  void tree() throws IOException {
    // run-a: two stages of ours, one with a history.
    file(out.resolve("run-a/train/config.yaml"));
    file(out.resolve("run-a/train/history.jsonl"));
    Files.createDirectories(out.resolve("run-a/train/checkpoints/.noether"));
    file(out.resolve("run-a/finetune/config.yaml"));
    // run-b: Noether in Python without a stage, with its tracker directory, and one real stage.
    Files.createDirectories(out.resolve("run-b/checkpoints"));
    Files.createDirectories(out.resolve("run-b/tracker"));
    Files.createDirectories(out.resolve("run-b/eval/checkpoints"));
    // run-c: a stage killed before it wrote anything.
    Files.createDirectories(out.resolve("run-c/train"));
    // Not runs: a folder of notes, a file, the store's hidden directory.
    file(out.resolve("notes/todo.txt"));
    file(out.resolve("README"));
    Files.createDirectories(out.resolve(".noether"));
  }

  @Test
  void theFileStoreListsEveryRunIdDirectoryAndItsStages() throws IOException {
    assertThat(RunDirectories.runIds(out)).containsExactly("notes", "run-a", "run-b", "run-c");
    assertThat(RunDirectories.stages(out.resolve("run-a"))).containsExactly("finetune", "train");
    assertThat(RunDirectories.stages(out.resolve("run-b")))
        .containsExactly(StageId.NO_STAGE, "eval");
    assertThat(RunDirectories.stages(out.resolve("run-c"))).containsExactly("train");
    assertThat(RunDirectories.stages(out.resolve("missing"))).isEmpty();
  }

  @Test
  void resumeSeesTheStagesWithASavedConfigurationAsItDidBefore() throws IOException {
    for (String run : List.of("run-a", "run-b", "run-c")) {
      Path runDir = out.resolve(run);
      assertThat(RunDirectories.stagesWith(runDir, RunLayout.RESOLVED_CONFIG_FILE))
          .as(run)
          .isEqualTo(Before.resumeStages(runDir));
      assertThat(RunDirectories.subdirectories(runDir))
          .as(run)
          .isEqualTo(Before.subdirectories(runDir));
    }
    assertThat(RunDirectories.stagesWith(out.resolve("run-a"), RunLayout.RESOLVED_CONFIG_FILE))
        .containsExactly("finetune", "train");
    List<String> resumable =
        RunDirectories.runs(
            out, run -> RunDirectories.hasStageWith(run, RunLayout.RESOLVED_CONFIG_FILE));
    assertThat(resumable).containsExactly("run-a").isEqualTo(Before.resumeRuns(out));
  }

  @Test
  void aHiddenDirectoryIsNoStageEvenWithASavedConfiguration() throws IOException {
    // resume's own listing took it for one (and then failed on its name); every listing now agrees.
    file(out.resolve("run-a/.trash/config.yaml"));
    assertThat(RunDirectories.stagesWith(out.resolve("run-a"), RunLayout.RESOLVED_CONFIG_FILE))
        .containsExactly("finetune", "train");
    assertThat(RunDirectories.stages(out.resolve("run-a"))).containsExactly("finetune", "train");
  }

  @Test
  void resumeFindsTheStageStartedLast() throws IOException {
    file(out.resolve("run-a/.trash/config.yaml"));
    Files.setLastModifiedTime(
        out.resolve("run-a/train/config.yaml"), FileTime.fromMillis(1_000_000));
    Files.setLastModifiedTime(
        out.resolve("run-a/finetune/config.yaml"), FileTime.fromMillis(3_000_000));
    Files.setLastModifiedTime(
        out.resolve("run-a/.trash/config.yaml"), FileTime.fromMillis(2_000_000));

    assertThat(RunDirectories.newest(out, RunLayout.RESOLVED_CONFIG_FILE))
        .contains(out.resolve("run-a/finetune/config.yaml"));
    assertThat(RunDirectories.newest(out, "nothing.yaml")).isEmpty();
  }

  @Test
  void plotAndReportSeeRunsAndHistoriesAsTheyDidBefore() throws IOException {
    assertThat(RunDirectories.runs(out, RunDirectories::looksLikeRun))
        .containsExactly("run-a", "run-b")
        .isEqualTo(Before.plotRuns(out));
    assertThat(RunDirectories.stagesWith(out.resolve("run-a"), RunLayout.HISTORY_FILE))
        .containsExactly("train");
    assertThat(RunDirectories.subdirectories(out)).isEqualTo(Before.subdirectories(out));
    assertThat(RunDirectories.subdirectories(null)).isEmpty();
  }

  @Test
  void listsShowTheStageOfARunWithoutStagesByItsLabel() {
    assertThat(RunDirectories.describeStages(List.of(StageId.NO_STAGE, "eval")))
        .isEqualTo("(no stage), eval");
    assertThat(RunDirectories.label("train")).isEqualTo("train");
  }

  private static void file(Path p) throws IOException {
    Files.createDirectories(p.getParent());
    Files.writeString(p, "x");
  }

  /**
   * The listings {@code resume} and {@code plot} had of their own before they asked {@link
   * RunDirectories}.
   */
  static final class Before {
    static List<String> resumeStages(Path runDir) throws IOException {
      try (Stream<Path> children = Files.list(runDir)) {
        return children
            .filter(p -> Files.isRegularFile(p.resolve("config.yaml")))
            .map(p -> p.getFileName().toString())
            .sorted()
            .toList();
      }
    }

    static List<String> resumeRuns(Path dir) throws IOException {
      List<String> runs = new ArrayList<>();
      try (Stream<Path> children = Files.list(dir)) {
        for (Path p :
            children
                .filter(Files::isDirectory)
                .filter(p -> !p.getFileName().toString().startsWith("."))
                .sorted()
                .toList()) {
          if (!resumeStages(p).isEmpty()) {
            runs.add(p.getFileName().toString());
          }
        }
      }
      return runs;
    }

    static List<String> subdirectories(Path dir) throws IOException {
      try (Stream<Path> entries = Files.list(dir)) {
        return entries
            .filter(Files::isDirectory)
            .map(p -> p.getFileName().toString())
            .filter(n -> !n.startsWith("."))
            .sorted()
            .toList();
      }
    }

    static List<String> plotRuns(Path outputDir) throws IOException {
      return subdirectories(outputDir).stream().filter(r -> isRun(outputDir.resolve(r))).toList();
    }

    private static boolean isRun(Path dir) {
      if (Files.isDirectory(dir.resolve("checkpoints"))) {
        return true;
      }
      try (Stream<Path> children = Files.list(dir)) {
        return children.anyMatch(
            s ->
                Files.isRegularFile(s.resolve("config.yaml"))
                    || Files.isRegularFile(s.resolve("history.jsonl"))
                    || Files.isDirectory(s.resolve("checkpoints")));
      } catch (IOException e) {
        return false;
      }
    }
  }
}
