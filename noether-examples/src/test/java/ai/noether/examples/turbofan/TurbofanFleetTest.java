package ai.noether.examples.turbofan;

import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.core.cli.NoetherCli;
import ai.noether.core.cli.RunLauncher;
import ai.noether.core.registry.ComponentRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TurbofanFleetTest {
  @TempDir Path dir;

  private static final TurbofanFleet.Settings SMALL =
      new TurbofanFleet.Settings("FD001", 12, 9, 1, 128, 200, 5);

  @Test
  void writesNasasLayoutOneLinePerCycleWith26SpaceSeparatedColumns() throws IOException {
    List<Path> files = new TurbofanFleet(SMALL).write(dir);
    assertThat(files)
        .extracting(p -> p.getFileName().toString())
        .containsExactly("train_FD001.txt", "test_FD001.txt", "RUL_FD001.txt");
    for (Path file : files.subList(0, 2)) {
      for (String line : Files.readAllLines(file)) {
        assertThat(line).endsWith("  ");
        String[] columns = line.strip().split(" ");
        assertThat(columns).hasSize(26);
        for (String c : columns) {
          Double.parseDouble(c);
        }
      }
    }
  }

  @Test
  void trainingEnginesRunToFailureAndTestEnginesStopBeforeIt() throws IOException {
    new TurbofanFleet(SMALL).write(dir);
    Map<Integer, List<double[]>> train = units(dir.resolve("train_FD001.txt"));
    Map<Integer, List<double[]>> test = units(dir.resolve("test_FD001.txt"));
    List<String> rul = Files.readAllLines(dir.resolve("RUL_FD001.txt"));
    assertThat(train.keySet()).containsExactlyElementsOf(range(12));
    assertThat(test.keySet()).containsExactlyElementsOf(range(9));
    assertThat(rul).hasSize(9);
    train
        .values()
        .forEach(
            cycles -> {
              assertThat(cycles.size()).isBetween(128, 200);
              for (int i = 0; i < cycles.size(); i++) {
                assertThat(cycles.get(i)[1]).isEqualTo(i + 1.0);
              }
            });
    int unit = 1;
    for (String remaining : rul) {
      int recorded = test.get(unit++).size();
      int rulValue = Integer.parseInt(remaining.strip());
      assertThat(rulValue).isPositive();
      assertThat(recorded).isGreaterThanOrEqualTo(31);
      assertThat(recorded + rulValue).isBetween(128, 200);
    }
  }

  @Test
  void sensorsDriftWithWearWellAboveTheirNoise() throws IOException {
    new TurbofanFleet(SMALL).write(dir);
    for (List<double[]> cycles : units(dir.resolve("train_FD001.txt")).values()) {
      // Sensor 4 (column 9, the LPT outlet temperature) rises, sensor 7 (column 12) falls.
      assertThat(
              mean(cycles.subList(cycles.size() - 15, cycles.size()), 8)
                  - mean(cycles.subList(0, 15), 8))
          .isGreaterThan(10);
      assertThat(
              mean(cycles.subList(cycles.size() - 15, cycles.size()), 11)
                  - mean(cycles.subList(0, 15), 11))
          .isLessThan(-1);
    }
  }

  @Test
  void sixOperatingConditionsAsInFd002() throws IOException {
    new TurbofanFleet(new TurbofanFleet.Settings("FD002", 3, 2, 6, 128, 150, 9)).write(dir);
    Set<Long> altitudes = new TreeSet<>();
    units(dir.resolve("train_FD002.txt"))
        .values()
        .forEach(c -> c.forEach(row -> altitudes.add(Math.round(row[2]))));
    assertThat(altitudes).containsExactly(0L, 10L, 20L, 25L, 35L, 42L);
  }

  @Test
  void theSameSeedWritesTheSameBytesAndAnotherSeedOthers() throws IOException {
    new TurbofanFleet(SMALL).write(dir.resolve("a"));
    new TurbofanFleet(SMALL).write(dir.resolve("b"));
    new TurbofanFleet(new TurbofanFleet.Settings("FD001", 12, 9, 1, 128, 200, 6))
        .write(dir.resolve("c"));
    for (String name : List.of("train_FD001.txt", "test_FD001.txt", "RUL_FD001.txt")) {
      assertThat(Files.readAllBytes(dir.resolve("a").resolve(name)))
          .isEqualTo(Files.readAllBytes(dir.resolve("b").resolve(name)));
    }
    assertThat(Files.readAllBytes(dir.resolve("c/train_FD001.txt")))
        .isNotEqualTo(Files.readAllBytes(dir.resolve("a/train_FD001.txt")));
  }

  @Test
  void theCommandWritesIntoTheWorkingDirectoryAndNamesBadSettings() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    NoetherCli cli = new NoetherCli(ComponentRegistry::load, RunLauncher.unavailable(), dir);
    int status =
        cli.execute(
            new PrintWriter(out),
            new PrintWriter(err),
            "turbofan-data",
            "--to",
            "fleet",
            "--train-units",
            "2",
            "--test-units",
            "2");
    assertThat(status).as(err.toString()).isEqualTo(NoetherCli.OK);
    assertThat(dir.resolve("fleet/train_FD001.txt")).isRegularFile();
    assertThat(out.toString()).contains(dir.resolve("fleet/RUL_FD001.txt").toString());

    status =
        cli.execute(
            new PrintWriter(out), new PrintWriter(err), "turbofan-data", "--conditions", "3");
    assertThat(status).isEqualTo(NoetherCli.USAGE);
    assertThat(err.toString()).contains("conditions must be 1 or 6, was 3");
  }

  static Map<Integer, List<double[]>> units(Path file) throws IOException {
    Map<Integer, List<double[]>> units = new LinkedHashMap<>();
    for (String line : Files.readAllLines(file)) {
      String[] columns = line.strip().split(" ");
      double[] row = new double[columns.length];
      for (int i = 0; i < columns.length; i++) {
        row[i] = Double.parseDouble(columns[i]);
      }
      units.computeIfAbsent((int) row[0], k -> new ArrayList<>()).add(row);
    }
    return units;
  }

  private static List<Integer> range(int n) {
    List<Integer> ids = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      ids.add(i);
    }
    return ids;
  }

  private static double mean(List<double[]> rows, int column) {
    return rows.stream().mapToDouble(r -> r[column]).average().orElseThrow();
  }
}
