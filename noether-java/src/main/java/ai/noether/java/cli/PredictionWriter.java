package ai.noether.java.cli;

import ai.noether.api.ConfigException;
import ai.noether.api.tensor.HostTensor;
import ai.noether.java.LoadedModel;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes predictions row by row: CSV (a header, then {@code index} and one column per predicted
 * value: {@code <head>} for one value per sample, {@code <head>_0, <head>_1...} for several, then
 * the same for extra columns such as the split's targets), or JSON lines ({@code {"index": 0,
 * "<head>": [values...], ...}}). The format follows the file's extension ({@code .jsonl}/{@code
 * .json} for JSON lines, anything else CSV). Values are written with {@link Float#toString}, which
 * reads back to the same float.
 */
final class PredictionWriter implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final BufferedWriter out;
  private final boolean json;
  private boolean headerWritten;
  private long rows;

  PredictionWriter(Path file) throws IOException {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    this.json = name.endsWith(".jsonl") || name.endsWith(".json") || name.endsWith(".ndjson");
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      throw new ConfigException(
          "--output " + file + ": the directory " + parent + " does not exist");
    }
    this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
  }

  /** One batch: predictions by head, then extra columns by name (all {@code [batch, ...]}). */
  void write(long first, Map<String, HostTensor> predictions, Map<String, HostTensor> extra)
      throws IOException {
    Map<String, float[][]> columns = new LinkedHashMap<>();
    predictions.forEach((k, v) -> columns.put(k, LoadedModel.rows(v)));
    extra.forEach((k, v) -> columns.put(k, LoadedModel.rows(v)));
    int n = columns.values().iterator().next().length;
    if (!json && !headerWritten) {
      List<String> header = new ArrayList<>(List.of("index"));
      columns.forEach(
          (k, v) -> {
            int width = v.length == 0 ? 1 : v[0].length;
            for (int j = 0; j < width; j++) {
              header.add(width == 1 ? k : k + "_" + j);
            }
          });
      out.write(String.join(",", header));
      out.newLine();
      headerWritten = true;
    }
    for (int i = 0; i < n; i++) {
      if (json) {
        ObjectNode row = JSON.createObjectNode();
        row.put("index", first + i);
        for (Map.Entry<String, float[][]> c : columns.entrySet()) {
          var array = row.putArray(c.getKey());
          for (float f : c.getValue()[i]) {
            array.add(f);
          }
        }
        out.write(JSON.writeValueAsString(row));
      } else {
        StringBuilder line = new StringBuilder().append(first + i);
        for (float[][] c : columns.values()) {
          for (float f : c[i]) {
            line.append(',').append(f);
          }
        }
        out.write(line.toString());
      }
      out.newLine();
      rows++;
    }
  }

  long rows() {
    return rows;
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
