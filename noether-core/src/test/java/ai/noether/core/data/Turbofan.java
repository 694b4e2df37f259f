package ai.noether.core.data;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes files laid out as NASA's C-MAPSS turbofan data (unit, cycle, 3 operating settings, 21
 * sensors, separated by spaces, with trailing blanks, no header), with values that tell where they
 * come from: column {@code j} (from 0) of unit {@code u} at cycle {@code c} (from 1) is {@code u *
 * 1000 + c + j / 64}, exact in float32.
 */
final class Turbofan {
  static final int COLUMNS = 26;
  static final String COLUMN_NAMES = "[unit, cycle, \"setting{1..3}\", \"s{1..21}\"]";

  private Turbofan() {}

  static double value(int unit, int cycle, int column) {
    return column == 0 ? unit : column == 1 ? cycle : unit * 1000 + cycle + column / 64.0;
  }

  /** Writes units {@code 1..cycles.length}, unit {@code u} with {@code cycles[u - 1]} cycles. */
  static Path write(Path file, int... cycles) throws IOException {
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.US_ASCII)) {
      for (int u = 1; u <= cycles.length; u++) {
        for (int c = 1; c <= cycles[u - 1]; c++) {
          StringBuilder line = new StringBuilder();
          for (int j = 0; j < COLUMNS; j++) {
            double v = value(u, c, j);
            line.append(j < 2 ? Long.toString((long) v) : Double.toString(v)).append(' ');
          }
          out.write(line.append(' ').append('\n').toString());
        }
      }
    }
    return file;
  }
}
