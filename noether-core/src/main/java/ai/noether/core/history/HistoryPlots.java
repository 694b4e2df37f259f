package ai.noether.core.history;

import ai.noether.api.Nullable;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Renders a stage's metric history as PNG charts against the update counter, one chart per family
 * of metrics:
 *
 * <ul>
 *   <li>{@code loss.png}: every key starting with {@code loss/} (training and validation losses,
 *       EMA losses);
 *   <li>{@code lr.png}: the learning rate ({@code lr}, or any key whose last part is {@code lr},
 *       such as {@code optim/lr});
 *   <li>{@code <family>.png} for every other family, named by the key's first part (e.g. {@code
 *       accuracy.png} for {@code accuracy/valid} and {@code accuracy/train}).
 * </ul>
 *
 * Every resume marker of the history is drawn as a dashed vertical line labelled with the iteration
 * training continued from, so resumed segments are visible. A family whose positive values span
 * more than two decades uses a logarithmic axis. NaN and infinite values are left out of the lines;
 * a series of more than {@value #MAX_POINTS} values is drawn as the means of buckets of consecutive
 * values, so long runs render quickly.
 *
 * <p>Works without a display: the class sets {@code java.awt.headless=true} unless the property was
 * set explicitly. Each file is written under a temporary name and renamed, so a viewer never sees
 * half a picture.
 */
public final class HistoryPlots {
  // First of all static initialisation: AWT reads the property once, when it starts.
  static {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
  }

  /** Size of every chart in pixels. */
  public static final int WIDTH = 960;

  public static final int HEIGHT = 600;

  /**
   * Points drawn per series at most; longer series are averaged in buckets of consecutive points.
   */
  static final int MAX_POINTS = 2000;

  private static final String LOSS = "loss";
  private static final String LR = "lr";
  private static final Color RESUME_COLOR = new Color(200, 40, 40);

  private HistoryPlots() {}

  /**
   * Reads {@code historyJsonl} and writes one PNG per family of metrics into {@code outputDir}
   * (created if needed), replacing earlier plots of the same name.
   *
   * @return the files written, loss first, then the learning rate, then the other families in order
   *     of first appearance; empty when the history has no values
   * @throws IOException when the history cannot be read or a plot cannot be written
   * @throws IllegalArgumentException naming the file and line when the history is malformed
   */
  public static List<Path> render(Path historyJsonl, Path outputDir) throws IOException {
    return render(HistoryFile.read(historyJsonl), outputDir);
  }

  /** Like {@link #render(Path, Path)}, from a history already read. */
  public static List<Path> render(HistoryFile history, Path outputDir) throws IOException {
    Map<String, List<String>> families = families(history.keys());
    if (families.isEmpty()) {
      return List.of();
    }
    Files.createDirectories(outputDir);
    List<Path> written = new ArrayList<>();
    Set<String> usedNames = new HashSet<>();
    for (Map.Entry<String, List<String>> family : families.entrySet()) {
      XYChart chart = chart(family.getKey(), family.getValue(), history);
      if (chart == null) {
        continue;
      }
      String name = fileName(family.getKey(), usedNames);
      Path target = outputDir.resolve(name);
      write(BitmapEncoder.getBufferedImage(chart), target);
      written.add(target);
    }
    return written;
  }

  /** Family name → metric keys, loss first, then lr, then the rest in order of appearance. */
  static Map<String, List<String>> families(List<String> keys) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    out.put(LOSS, new ArrayList<>());
    out.put(LR, new ArrayList<>());
    for (String key : keys) {
      String[] parts = key.split("/");
      String family;
      if (parts[0].equals(LOSS)) {
        family = LOSS;
      } else if (parts[parts.length - 1].equals(LR)) {
        family = LR;
      } else {
        family = parts[0];
      }
      out.computeIfAbsent(family, f -> new ArrayList<>()).add(key);
    }
    out.values().removeIf(List::isEmpty);
    return out;
  }

  private static @Nullable XYChart chart(String family, List<String> keys, HistoryFile history) {
    XYChart chart =
        new XYChartBuilder()
            .width(WIDTH)
            .height(HEIGHT)
            .title(title(family))
            .xAxisTitle("update")
            .yAxisTitle(family)
            .theme(Styler.ChartTheme.XChart)
            .build();
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
    chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
    chart.getStyler().setAnnotationLineColor(RESUME_COLOR);
    chart
        .getStyler()
        .setAnnotationLineStroke(
            new BasicStroke(
                1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
    chart.getStyler().setAnnotationTextFontColor(RESUME_COLOR);
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    double minX = Double.POSITIVE_INFINITY;
    double maxX = Double.NEGATIVE_INFINITY;
    boolean allPositive = true;
    int seriesCount = 0;
    for (String key : keys) {
      List<Double> xs = new ArrayList<>();
      List<Double> ys = new ArrayList<>();
      for (HistoryFile.Point p : history.series(key)) {
        if (Double.isFinite(p.value())) {
          xs.add((double) p.iteration().update());
          ys.add(p.value());
          min = Math.min(min, p.value());
          max = Math.max(max, p.value());
          minX = Math.min(minX, p.iteration().update());
          maxX = Math.max(maxX, p.iteration().update());
          allPositive &= p.value() > 0;
        }
      }
      if (xs.isEmpty()) {
        continue;
      }
      if (xs.size() > MAX_POINTS) {
        // More points than pixels: average consecutive points so drawing stays fast on long runs.
        int bucket = (xs.size() + MAX_POINTS - 1) / MAX_POINTS;
        xs = bucketMeans(xs, bucket);
        ys = bucketMeans(ys, bucket);
      }
      XYSeries series = chart.addSeries(key, xs, ys);
      series.setMarker(xs.size() <= 60 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
      seriesCount++;
    }
    if (seriesCount == 0) {
      return null;
    }
    boolean logarithmic = allPositive && max / min > 100;
    chart.getStyler().setYAxisLogarithmic(logarithmic);
    for (MetricHistory.Resume r : history.resumes()) {
      double x = r.iteration().update();
      if (x < minX || x > maxX) {
        // A marker outside the data would stretch the axis; it belongs to no plotted segment.
        continue;
      }
      chart.addAnnotation(new AnnotationLine(x, true, false));
      String label = "resumed at " + r.iteration();
      // The text is centred on its position: move it beside the line, on the side with more room.
      double unitsPerPixel = Math.max(maxX - minX, 1) / (WIDTH - 100.0);
      double offset = (label.length() * 3.6 + 8) * unitsPerPixel;
      double textX = x - minX > 0.7 * (maxX - minX) ? x - offset : x + offset;
      double y = logarithmic ? max : max - (max - min) * 0.02;
      chart.addAnnotation(new AnnotationText(label, textX, y, false));
    }
    return chart;
  }

  private static List<Double> bucketMeans(List<Double> values, int bucket) {
    List<Double> out = new ArrayList<>(values.size() / bucket + 1);
    for (int i = 0; i < values.size(); i += bucket) {
      int end = Math.min(values.size(), i + bucket);
      double sum = 0;
      for (int j = i; j < end; j++) {
        sum += values.get(j);
      }
      out.add(sum / (end - i));
    }
    return out;
  }

  private static String title(String family) {
    return switch (family) {
      case LOSS -> "Loss";
      case LR -> "Learning rate";
      default -> family;
    };
  }

  private static String fileName(String family, Set<String> used) {
    String base = family.replaceAll("[^A-Za-z0-9._-]", "_").toLowerCase(Locale.ROOT);
    if (base.isEmpty() || base.startsWith(".")) {
      base = "metric" + base;
    }
    String name = base + ".png";
    for (int i = 2; !used.add(name); i++) {
      name = base + "-" + i + ".png";
    }
    return name;
  }

  private static void write(BufferedImage image, Path target) throws IOException {
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    try {
      if (!ImageIO.write(image, "png", tmp.toFile())) {
        throw new IOException("this Java runtime has no PNG writer");
      }
      try {
        Files.move(
            tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException | RuntimeException e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }
}
