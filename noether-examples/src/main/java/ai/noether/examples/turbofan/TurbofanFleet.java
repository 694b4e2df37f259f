package ai.noether.examples.turbofan;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A simulated fleet of turbofan engines written in the exact layout of NASA's C-MAPSS data ({@code
 * train_FDxxx.txt}, {@code test_FDxxx.txt}, {@code RUL_FDxxx.txt}): one line per engine cycle with
 * the unit number, the cycle, three operating settings and 21 sensor readings, separated by spaces.
 *
 * <p>Each engine starts with a little initial wear and degrades, slowly at first and faster towards
 * failure, until it fails at the end of its life; its sensors drift with the wear (some up, some
 * down, seven not at all, as in the real data) under measurement noise. With several operating
 * conditions (as in FD002 and FD004) each cycle is flown at one of six altitude / Mach / throttle
 * settings, which shift the sensors' levels far more than the wear does: normalising per operating
 * condition is what makes such data learnable. Training engines run to failure; test engines are
 * cut off somewhere before it, and {@code RUL_FDxxx.txt} holds their true remaining cycles, one
 * line per test engine.
 *
 * <p>The same seed gives the same files, byte for byte.
 */
public final class TurbofanFleet {
  /** The six operating conditions of FD002/FD004: altitude (kft), Mach number, throttle angle. */
  static final double[][] CONDITIONS = {
    {0.0, 0.0, 100.0}, {10.0, 0.25, 100.0}, {20.0, 0.70, 100.0},
    {25.0, 0.62, 60.0}, {35.0, 0.84, 100.0}, {42.0, 0.84, 100.0}
  };

  // Per sensor: healthy level (at sea level), drift at failure, noise, decimals written.
  private static final double[] LEVEL = {
    518.67, 642.5, 1589.0, 1405.0, 14.62, 21.61, 553.5, 2388.08, 9060.0, 1.30, 47.5, 521.5, 2388.08,
    8140.0, 8.44, 0.03, 393.0, 2388.0, 100.0, 38.8, 23.28
  };
  private static final double[] DRIFT = {
    0.0, 1.6, 16.0, 25.0, 0.0, 0.0, -3.0, 0.25, 30.0, 0.0, 1.1, -2.8, 0.25, 35.0, 0.12, 0.0, 4.5,
    0.0, 0.0, -0.6, -0.35
  };
  private static final double[] NOISE = {
    0.0, 0.45, 5.5, 7.5, 0.0, 0.01, 0.8, 0.07, 20.0, 0.0, 0.25, 0.7, 0.07, 18.0, 0.035, 0.0, 1.4,
    0.0, 0.0, 0.17, 0.1
  };
  private static final int[] DECIMALS = {
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 4, 2, 0, 0, 2, 2, 4
  };
  // How strongly each operating condition scales a sensor's level (0 for the fixed ones).
  private static final double[] CONDITION_SENSITIVITY = {
    0.12, 0.08, 0.1, 0.12, 0.35, 0.35, 0.4, 0.02, 0.06, 0.05, 0.1, 0.4, 0.02, 0.05, 0.03, 0.0, 0.08,
    0.02, 0.05, 0.4, 0.4
  };

  private final Settings settings;

  /**
   * The fleet's size and character.
   *
   * @param name the data set's name in the file names, e.g. {@code FD001}
   * @param trainUnits engines run to failure in {@code train_<name>.txt}
   * @param testUnits engines cut before failure in {@code test_<name>.txt}
   * @param conditions 1 (as FD001/FD003) or 6 (as FD002/FD004) operating conditions
   * @param minLife shortest life in cycles
   * @param maxLife longest life in cycles
   * @param seed the random seed; the same seed writes the same files
   */
  public record Settings(
      String name,
      int trainUnits,
      int testUnits,
      int conditions,
      int minLife,
      int maxLife,
      long seed) {
    public Settings {
      if (!name.matches("[A-Za-z0-9_]+")) {
        throw new IllegalArgumentException(
            "name must be letters, digits and _ (like FD001), was '" + name + "'");
      }
      if (trainUnits < 1 || testUnits < 1) {
        throw new IllegalArgumentException(
            "trainUnits and testUnits must be at least 1, were "
                + trainUnits
                + " and "
                + testUnits);
      }
      if (conditions != 1 && conditions != CONDITIONS.length) {
        throw new IllegalArgumentException(
            "conditions must be 1 or " + CONDITIONS.length + ", was " + conditions);
      }
      if (minLife < 40 || maxLife < minLife) {
        throw new IllegalArgumentException(
            "lives must satisfy 40 <= minLife <= maxLife, were " + minLife + " and " + maxLife);
      }
    }

    /**
     * NASA's FD001 sizes: 100 training and 100 test engines, one condition, lives of 128 to 362
     * cycles.
     */
    public static Settings fd001(long seed) {
      return new Settings("FD001", 100, 100, 1, 128, 362, seed);
    }
  }

  /** One engine's recorded cycles: {@code rows[cycle - 1]} holds the 26 columns. */
  record Unit(int id, List<double[]> rows, int remainingCycles) {}

  public TurbofanFleet(Settings settings) {
    this.settings = settings;
  }

  /**
   * Writes {@code train_<name>.txt}, {@code test_<name>.txt} and {@code RUL_<name>.txt} into {@code
   * dir} (created if needed), replacing files of the same names.
   *
   * @return the three files, in that order
   */
  public List<Path> write(Path dir) throws IOException {
    Files.createDirectories(dir);
    SplittableRandom random = new SplittableRandom(settings.seed());
    List<Unit> train = new ArrayList<>();
    for (int id = 1; id <= settings.trainUnits(); id++) {
      train.add(simulate(id, random.split(), false));
    }
    List<Unit> test = new ArrayList<>();
    for (int id = 1; id <= settings.testUnits(); id++) {
      test.add(simulate(id, random.split(), true));
    }
    Path trainFile = dir.resolve("train_" + settings.name() + ".txt");
    Path testFile = dir.resolve("test_" + settings.name() + ".txt");
    Path rulFile = dir.resolve("RUL_" + settings.name() + ".txt");
    writeCycles(trainFile, train);
    writeCycles(testFile, test);
    try (BufferedWriter out = Files.newBufferedWriter(rulFile, StandardCharsets.US_ASCII)) {
      for (Unit unit : test) {
        out.write(Integer.toString(unit.remainingCycles()));
        out.write('\n');
      }
    }
    return List.of(trainFile, testFile, rulFile);
  }

  /** One engine: its life, its wear curve and its sensors, cut before failure for a test engine. */
  Unit simulate(int id, SplittableRandom random, boolean test) {
    int life = settings.minLife() + random.nextInt(settings.maxLife() - settings.minLife() + 1);
    double initialWear = 0.1 * random.nextDouble();
    // How fast wear accelerates differs between engines, so the last cycles look different too.
    double acceleration = 2.5 + 1.5 * random.nextDouble();
    int recorded = life;
    if (test) {
      // Test engines stop somewhere between a third of their life and shortly before failure,
      // but always after at least 31 cycles, as in NASA's test files.
      int earliest = Math.min(life - 1, Math.max(31, life / 3));
      recorded = earliest + random.nextInt(Math.max(1, life - 5 - earliest + 1));
      recorded = Math.min(recorded, life - 1);
    }
    List<double[]> rows = new ArrayList<>(recorded);
    for (int cycle = 1; cycle <= recorded; cycle++) {
      double progress = cycle / (double) life;
      double wear =
          initialWear
              + (1 - initialWear)
                  * (Math.exp(acceleration * progress) - 1)
                  / (Math.exp(acceleration) - 1);
      int condition = settings.conditions() == 1 ? 0 : random.nextInt(CONDITIONS.length);
      double[] row = new double[26];
      row[0] = id;
      row[1] = cycle;
      double[] setting = CONDITIONS[condition];
      row[2] = setting[0] + 0.002 * gaussian(random) * (setting[0] == 0 ? 0.1 : 1);
      row[3] = setting[1] + 0.0003 * gaussian(random);
      row[4] = setting[2];
      for (int s = 0; s < 21; s++) {
        double level = LEVEL[s] * (1 + CONDITION_SENSITIVITY[s] * conditionShift(condition, s));
        row[5 + s] = level + DRIFT[s] * wear + NOISE[s] * gaussian(random);
      }
      rows.add(row);
    }
    return new Unit(id, rows, life - recorded);
  }

  /**
   * A fixed shift in [-1, 1] of sensor {@code s}'s level under {@code condition}; 0 at sea level.
   */
  private static double conditionShift(int condition, int s) {
    if (condition == 0) {
      return 0;
    }
    double altitude = CONDITIONS[condition][0] / 42.0;
    double throttle = CONDITIONS[condition][2] / 100.0;
    return s % 2 == 0 ? -altitude * throttle : altitude - (1 - throttle);
  }

  private static double gaussian(SplittableRandom random) {
    // Box-Muller from SplittableRandom, which has no nextGaussian on Java 17.
    double u = 1.0 - random.nextDouble();
    double v = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  private void writeCycles(Path file, List<Unit> units) throws IOException {
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.US_ASCII)) {
      StringBuilder line = new StringBuilder(256);
      for (Unit unit : units) {
        for (double[] row : unit.rows()) {
          line.setLength(0);
          line.append((int) row[0]).append(' ').append((int) row[1]).append(' ');
          line.append(format(row[2], 4))
              .append(' ')
              .append(format(row[3], 4))
              .append(' ')
              .append(format(row[4], 1));
          for (int s = 0; s < 21; s++) {
            line.append(' ').append(format(row[5 + s], DECIMALS[s]));
          }
          // NASA's files end every line with two spaces; readers must cope, so ours do too.
          line.append("  \n");
          out.write(line.toString());
        }
      }
    }
  }

  private static String format(double value, int decimals) {
    if (decimals == 0) {
      return Long.toString(Math.round(value));
    }
    return String.format(Locale.ROOT, "%." + decimals + "f", value);
  }
}
