package ai.noether.java.cli;

import ai.noether.api.ConfigException;
import ai.noether.api.Nullable;
import ai.noether.api.tensor.DType;
import ai.noether.api.tensor.HostTensor;
import ai.noether.core.format.npy.NpyReader;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads {@code --input FILE}: a NumPy {@code .npy} array {@code [samples, ...]}, or a CSV file of
 * feature columns (comma, semicolon, tab or spaces between values; an optional header row of
 * names), one sample per row, as a float32 tensor. When the model's configuration states its
 * per-sample input shape, the file must fit it; a CSV row of a windowed model ({@code [30, 14]})
 * holds the window's values time step after time step (420 values).
 */
final class FeatureFiles {
  private FeatureFiles() {}

  /**
   * The samples of {@code file} as float32 {@code [samples, sampleShape...]}.
   *
   * @param sampleShape the model's per-sample input shape; null when unknown (then not checked)
   */
  static HostTensor read(Path file, @Nullable long[] sampleShape) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new ConfigException("--input " + file + " does not exist");
    }
    boolean npy = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".npy");
    HostTensor values = npy ? npy(file) : readCsv(file);
    long[] shape = values.shape();
    if (sampleShape == null) {
      return values;
    }
    long[] perSample = Arrays.copyOfRange(shape, 1, shape.length);
    if (Arrays.equals(perSample, sampleShape)) {
      return values;
    }
    long size = Arrays.stream(sampleShape).reduce(1, Math::multiplyExact);
    if (!npy && sampleShape.length > 1 && perSample.length == 1 && perSample[0] == size) {
      long[] reshaped = new long[sampleShape.length + 1];
      reshaped[0] = shape[0];
      System.arraycopy(sampleShape, 0, reshaped, 1, sampleShape.length);
      return HostTensor.ofFloats(reshaped, values.toFloatArray());
    }
    String expected =
        sampleShape.length == 1
            ? sampleShape[0] + " values per sample"
            : "a window " + Arrays.toString(sampleShape) + " per sample (" + size + " values)";
    String what =
        npy
            ? "holds samples of shape "
                + Arrays.toString(perSample)
                + " (array "
                + Arrays.toString(shape)
                + ")"
            : "has " + perSample[0] + " values per row";
    String give =
        sampleShape.length == 1
            ? "a CSV with "
                + sampleShape[0]
                + " values per row, or a .npy array [samples, "
                + sampleShape[0]
                + "]"
            : "a .npy array of shape [samples, "
                + Arrays.toString(sampleShape).replaceAll("[\\[\\]]", "")
                + "], or a CSV"
                + " with "
                + size
                + " values per row (the "
                + sampleShape[0]
                + " steps of a window one after another, "
                + Arrays.stream(sampleShape, 1, sampleShape.length).reduce(1, Math::multiplyExact)
                + " values each)";
    throw new ConfigException(
        "--input " + file + " " + what + ", but the model takes " + expected + ": give " + give);
  }

  private static HostTensor npy(Path file) {
    HostTensor t;
    try {
      t = NpyReader.read(file, "--input " + file);
    } catch (RuntimeException e) {
      throw new ConfigException(e.getMessage() == null ? e.toString() : e.getMessage(), e);
    }
    if (t.shape().length == 0) {
      throw new ConfigException(
          "--input " + file + " holds a single number; an array [samples, ...] is expected");
    }
    if (t.dtype() == DType.FLOAT32) {
      return t;
    }
    if (t.dtype() == DType.FLOAT64) {
      double[] d = t.toDoubleArray();
      float[] f = new float[d.length];
      for (int i = 0; i < d.length; i++) {
        f[i] = (float) d[i];
      }
      return HostTensor.ofFloats(t.shape(), f);
    }
    throw new ConfigException(
        "--input " + file + " holds " + t.dtype() + " values; float32 or float64 expected");
  }

  /**
   * Samples {@code [from, from + n)} of the values {@code values} of a tensor of shape {@code
   * allShape}.
   */
  static HostTensor slice(float[] values, long[] allShape, long from, int n) {
    long[] shape = allShape.clone();
    long perSample = 1;
    for (int d = 1; d < shape.length; d++) {
      perSample *= shape[d];
    }
    shape[0] = n;
    return HostTensor.ofFloats(
        shape,
        Arrays.copyOfRange(
            values, Math.toIntExact(from * perSample), Math.toIntExact((from + n) * perSample)));
  }

  static HostTensor readCsv(Path file) throws IOException {
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
            throw new ConfigException(
                "--input "
                    + file
                    + " line "
                    + lineNumber
                    + " column "
                    + (j + 1)
                    + ": '"
                    + cells[j]
                    + "' is not a number; the file holds one sample per row, feature values only");
          }
        }
        if (header) {
          width = cells.length;
          continue;
        }
        if (width >= 0 && values.length != width) {
          throw new ConfigException(
              "--input "
                  + file
                  + " line "
                  + lineNumber
                  + " has "
                  + values.length
                  + " values, the"
                  + " rows before it "
                  + width);
        }
        width = values.length;
        rows.add(values);
      }
    } catch (java.nio.charset.MalformedInputException e) {
      throw new ConfigException(
          "--input " + file + ": not a UTF-8 text file (CSV of feature values expected)", e);
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
