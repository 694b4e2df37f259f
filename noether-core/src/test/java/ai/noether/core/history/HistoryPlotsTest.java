package ai.noether.core.history;

import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.api.checkpoint.RunLayout;
import ai.noether.api.checkpoint.TrainingIteration;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryPlotsTest {
  private static final int UPDATES_PER_EPOCH = 20;

  @TempDir Path dir;

  private static TrainingIteration at(long update) {
    return new TrainingIteration(update / UPDATES_PER_EPOCH, update, update * 32);
  }

  /**
   * Writes a history.jsonl with the trainer's own writer: training loss and learning rate every 10
   * updates, validation loss and accuracy every 50, over 200 updates; with {@code resumeAt} the
   * stage was resumed there.
   */
  private static Path history(Path stageDir, Long resumeAt) {
    Path file = RunLayout.historyFileIn(stageDir);
    MetricHistory history = new MetricHistory(file);
    for (long u = 10; u <= 200; u += 10) {
      Map<String, Double> train = new LinkedHashMap<>();
      train.put("loss/train/total", 2.0 * Math.exp(-u / 60.0) + 0.05 * Math.sin(u));
      train.put("lr", 0.001 * 0.5 * (1 + Math.cos(Math.PI * u / 200)));
      history.append(at(u), train);
      if (u % 50 == 0) {
        Map<String, Double> valid = new LinkedHashMap<>();
        valid.put("loss/valid/total", 2.2 * Math.exp(-u / 70.0));
        valid.put("accuracy/valid", 1 - Math.exp(-u / 80.0));
        history.append(at(u), valid);
      }
      if (resumeAt != null && u == resumeAt) {
        history.markResume(at(u), "run1/train@" + at(u));
      }
    }
    history.close();
    return file;
  }

  private static BufferedImage image(Path png) throws IOException {
    BufferedImage image = ImageIO.read(png.toFile());
    assertThat(image).as("%s decodes as an image", png).isNotNull();
    return image;
  }

  private static int distinctColours(BufferedImage image) {
    Set<Integer> colours = new HashSet<>();
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        colours.add(image.getRGB(x, y));
      }
    }
    return colours.size();
  }

  /** Pixels in the red of the resume markers (no series of these charts is drawn in red). */
  private static int redPixels(BufferedImage image) {
    int n = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        int rgb = image.getRGB(x, y);
        int r = (rgb >> 16) & 0xFF;
        int g = (rgb >> 8) & 0xFF;
        int b = rgb & 0xFF;
        if (r > 150 && g < 100 && b < 100) {
          n++;
        }
      }
    }
    return n;
  }

  @Test
  void rendersLossLearningRateAndMetricChartsAsRealPictures() throws IOException {
    Path file = history(dir, 100L);

    List<Path> written = HistoryPlots.render(file, dir.resolve("plots"));

    assertThat(written)
        .extracting(p -> p.getFileName().toString())
        .containsExactly("loss.png", "lr.png", "accuracy.png");
    for (Path png : written) {
      assertThat(png).exists();
      BufferedImage image = image(png);
      assertThat(image.getWidth()).as("%s width", png).isGreaterThanOrEqualTo(400);
      assertThat(image.getHeight()).as("%s height", png).isGreaterThanOrEqualTo(300);
      assertThat(distinctColours(image)).as("%s colours", png).isGreaterThan(16);
    }
    try (var files = Files.list(dir.resolve("plots"))) {
      assertThat(files)
          .as("no temporary files are left")
          .allMatch(p -> p.toString().endsWith(".png"));
    }
  }

  @Test
  void aResumeIsMarkedOnEveryChart() throws IOException {
    Path resumed = Files.createDirectories(dir.resolve("resumed"));
    Path straight = Files.createDirectories(dir.resolve("straight"));
    List<Path> withMarker = HistoryPlots.render(history(resumed, 100L), resumed.resolve("plots"));
    List<Path> withoutMarker =
        HistoryPlots.render(history(straight, null), straight.resolve("plots"));

    for (int i = 0; i < withMarker.size(); i++) {
      int marked = redPixels(image(withMarker.get(i)));
      int plain = redPixels(image(withoutMarker.get(i)));
      assertThat(marked)
          .as("red marker pixels in %s", withMarker.get(i).getFileName())
          .isGreaterThan(plain + 100);
    }
  }

  @Test
  void renderingAgainReplacesThePlots() throws IOException {
    Path file = history(dir, null);
    HistoryPlots.render(file, dir.resolve("plots"));

    List<Path> again = HistoryPlots.render(file, dir.resolve("plots"));

    assertThat(again).hasSize(3).allMatch(Files::exists);
  }

  @Test
  void aLongHistoryIsDrawnFromBucketMeans() throws IOException {
    Path file = RunLayout.historyFileIn(dir);
    MetricHistory history = new MetricHistory(file);
    for (long u = 1; u <= 50_000; u++) {
      history.append(at(u), Map.of("loss/train/total", 1.0 / Math.sqrt(u)));
    }
    history.close();

    List<Path> written = HistoryPlots.render(file, dir.resolve("plots"));

    assertThat(written).extracting(p -> p.getFileName().toString()).containsExactly("loss.png");
    assertThat(distinctColours(image(written.get(0)))).isGreaterThan(16);
  }

  @Test
  void anEmptyHistoryWritesNothing() throws IOException {
    Path file = Files.writeString(dir.resolve("history.jsonl"), "");

    assertThat(HistoryPlots.render(file, dir.resolve("plots"))).isEmpty();
    assertThat(dir.resolve("plots")).doesNotExist();
  }

  @Test
  void keysAreGroupedIntoFamilies() {
    Map<String, List<String>> families =
        HistoryPlots.families(
            List.of(
                "accuracy/valid",
                "lr",
                "loss/train/total",
                "optim/lr",
                "loss/valid/total/ema=0.9999",
                "accuracy/valid/at_best/loss/valid/total"));

    assertThat(families)
        .containsExactly(
            Map.entry("loss", List.of("loss/train/total", "loss/valid/total/ema=0.9999")),
            Map.entry("lr", List.of("lr", "optim/lr")),
            Map.entry(
                "accuracy", List.of("accuracy/valid", "accuracy/valid/at_best/loss/valid/total")));
  }
}
