package ai.noether.core.layout;

import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.api.checkpoint.RunLayout;
import ai.noether.api.checkpoint.RunListing;
import ai.noether.api.checkpoint.StageId;
import ai.noether.core.inject.CoreModule;
import com.google.inject.Guice;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The api's {@link RunListing} that the process injector binds answers every question as {@link
 * RunDirectories} does, on an output directory with every kind of entry: runs of ours, a run
 * without stages, a folder whose name is no run id, hidden directories and files.
 */
class LocalRunListingTest {
  @TempDir Path out;

  private final RunListing listing =
      Guice.createInjector(new CoreModule()).getInstance(RunListing.class);

  @BeforeEach
  void tree() throws IOException {
    file(out.resolve("run-a/train/config.yaml"));
    file(out.resolve("run-a/train/history.jsonl"));
    file(out.resolve("run-a/finetune/config.yaml"));
    Files.createDirectories(out.resolve("run-a/.hidden-stage"));
    Files.createDirectories(out.resolve("run-b/checkpoints"));
    Files.createDirectories(out.resolve("run-b/tracker"));
    file(out.resolve("run-b/eval/history.jsonl"));
    Files.createDirectories(out.resolve("not a run id"));
    Files.createDirectories(out.resolve(".noether"));
    file(out.resolve("README"));
  }

  @Test
  void theProcessInjectorBindsCoresListing() {
    assertThat(listing).isInstanceOf(LocalRunListing.class);
  }

  @Test
  void runIdsAreTheDirectoriesWithValidNamesSorted() throws IOException {
    assertThat(listing.runIds(out))
        .containsExactly("run-a", "run-b")
        .isEqualTo(RunDirectories.runIds(out));
    assertThat(listing.runIds(out.resolve("missing"))).isEmpty();
  }

  @Test
  void subdirectoriesAreEveryDirectoryThatIsNotHidden() throws IOException {
    assertThat(listing.subdirectories(out))
        .containsExactly("not a run id", "run-a", "run-b")
        .isEqualTo(RunDirectories.subdirectories(out));
  }

  @Test
  void stagesAreTheStoresViewWithTheRunWithoutStagesFirst() throws IOException {
    for (String run : List.of("run-a", "run-b", "missing")) {
      Path runDir = out.resolve(run);
      assertThat(listing.stages(runDir)).as(run).isEqualTo(RunDirectories.stages(runDir));
    }
    assertThat(listing.stages(out.resolve("run-a"))).containsExactly("finetune", "train");
    assertThat(listing.stages(out.resolve("run-b"))).containsExactly(StageId.NO_STAGE, "eval");
  }

  @Test
  void stagesWithAFileAreThoseHoldingItAsARegularFile() throws IOException {
    for (String run : List.of("run-a", "run-b", "missing")) {
      Path runDir = out.resolve(run);
      for (String name : List.of(RunLayout.HISTORY_FILE, RunLayout.RESOLVED_CONFIG_FILE)) {
        assertThat(listing.stagesWith(runDir, name))
            .as(run + " " + name)
            .isEqualTo(RunDirectories.stagesWith(runDir, name));
      }
    }
    assertThat(listing.stagesWith(out.resolve("run-a"), RunLayout.HISTORY_FILE))
        .containsExactly("train");
    assertThat(listing.stagesWith(out.resolve("run-a"), RunLayout.RESOLVED_CONFIG_FILE))
        .containsExactly("finetune", "train");
    assertThat(listing.stagesWith(out.resolve("run-b"), RunLayout.HISTORY_FILE))
        .containsExactly("eval");
  }

  private static void file(Path p) throws IOException {
    Files.createDirectories(p.getParent());
    Files.writeString(p, "x");
  }
}
