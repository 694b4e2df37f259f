package ai.noether.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.api.checkpoint.RunLayout;
import ai.noether.api.checkpoint.TrainingIteration;
import ai.noether.core.history.MetricHistory;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code noether plot}, a built-in command of the real command line. */
class PlotCommandTest {
  @TempDir Path outputDir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private void history(String run, String stage) {
    MetricHistory history =
        new MetricHistory(outputDir.resolve(run).resolve(stage).resolve(RunLayout.HISTORY_FILE));
    for (long u = 1; u <= 5; u++) {
      history.append(
          new TrainingIteration(0, u, u * 8), Map.of("loss/train/total", 1.0 / u, "lr", 0.01));
    }
    history.close();
  }

  private int plot(String... args) {
    String[] all = new String[args.length + 3];
    all[0] = "plot";
    System.arraycopy(args, 0, all, 1, args.length);
    all[args.length + 1] = "--output-dir";
    all[args.length + 2] = outputDir.toString();
    return new NoetherCli().execute(new PrintWriter(out), new PrintWriter(err), all);
  }

  @Test
  void plotsEveryStageOfARunThatHasAHistory() {
    history("run1", "train");
    history("run1", "finetune");

    int status = plot("run1");

    assertThat(status).as(err.toString()).isEqualTo(NoetherCli.OK);
    for (String stage : new String[] {"train", "finetune"}) {
      assertThat(outputDir.resolve("run1").resolve(stage).resolve("plots/loss.png")).exists();
      assertThat(out.toString())
          .contains(outputDir.resolve("run1").resolve(stage).resolve("plots/lr.png").toString());
    }
  }

  @Test
  void aStageCanBeChosen() {
    history("run1", "train");
    history("run1", "finetune");

    assertThat(plot("run1", "--stage", "finetune")).isEqualTo(NoetherCli.OK);

    assertThat(outputDir.resolve("run1/finetune/plots/loss.png")).exists();
    assertThat(outputDir.resolve("run1/train/plots")).doesNotExist();
  }

  @Test
  void anUnknownRunIsAUsageErrorListingTheRunsThatExistAndNoOtherFolders() throws Exception {
    history("run1", "train");
    Files.createDirectories(outputDir.resolve("run2/train/checkpoints"));
    // --output-dir /tmp: folders that are not runs are not listed as runs
    Files.createDirectories(outputDir.resolve("hsperfdata_me/123"));
    Files.createDirectories(outputDir.resolve("systemd-private"));

    assertThat(plot("rnu1")).as("exit code 2, as resume and runs").isEqualTo(NoetherCli.USAGE);

    assertThat(err.toString())
        .contains("run 'rnu1' does not exist")
        .endsWith("runs there: run1, run2" + System.lineSeparator());
  }

  @Test
  void anUnknownStageListsTheStagesOfTheRun() {
    history("run1", "train");

    assertThat(plot("run1", "--stage", "tune")).isEqualTo(NoetherCli.USAGE);

    assertThat(err.toString())
        .contains("history.jsonl does not exist")
        .contains("stages of run 'run1': train");
  }
}
