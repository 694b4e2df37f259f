package ai.noether.java.cli;

import ai.noether.api.ConfigException;
import ai.noether.api.tensor.HostTensor;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads {@code --input FILE}: a CSV file of feature columns (comma, semicolon, tab or spaces between
 * values; an optional header row of names), one sample per row, as a float32 tensor
 * {@code [rows, columns]}.
 */
final class FeatureFiles {
  private FeatureFiles() {}

  static HostTensor readCsv(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new ConfigException("--input " + file + " does not exist");
    }
    List<float[]> rows = new ArrayList<>();
    int width = -1;
    int lineNumber = 0;
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        lineNumber++;
        String trimmed = line.strip();
        if (trimmed.isEmpty() || trimmed.startsWith("#")) {
          continue;
        }
        String[] cells = trimmed.split("\\s*[,;\\t]\\s*|\\s+");
        float[] values = new float[cells.length];
        boolean header = false;
        for (int j = 0; j < cells.length; j++) {
          try {
            values[j] = Float.parseFloat(cells[j]);
          } catch (NumberFormatException e) {
            if (rows.isEmpty() && width < 0) {
              header = true;
              break;
            }
            throw new ConfigException("--input " + file + " line " + lineNumber + " column " + (j + 1) + ": '" + cells[j]
                + "' is not a number; the file holds one sample per row, feature values only");
          }
        }
        if (header) {
          width = cells.length;
          continue;
        }
        if (width >= 0 && values.length != width) {
          throw new ConfigException("--input " + file + " line " + lineNumber + " has " + values.length + " values, the"
              + " rows before it " + width);
        }
        width = values.length;
        rows.add(values);
      }
    } catch (java.nio.charset.MalformedInputException e) {
      throw new ConfigException("--input " + file + ": not a UTF-8 text file (CSV of feature values expected)", e);
    }
    if (rows.isEmpty()) {
      throw new ConfigException("--input " + file + " holds no rows of values");
    }
    float[] flat = new float[rows.size() * width];
    for (int i = 0; i < rows.size(); i++) {
      System.arraycopy(rows.get(i), 0, flat, i * width, width);
    }
    return HostTensor.ofFloats(new long[] {rows.size(), width}, flat);
  }
}
