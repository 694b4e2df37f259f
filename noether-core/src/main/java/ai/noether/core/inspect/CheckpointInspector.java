package ai.noether.core.inspect;

import ai.noether.api.ConfigException;
import ai.noether.api.Nullable;
import ai.noether.api.checkpoint.CheckpointKeys;
import ai.noether.api.checkpoint.CorruptCheckpointException;
import ai.noether.api.tensor.HostTensor;
import ai.noether.core.checkpoint.TrainerStateFile;
import ai.noether.core.config.RunConfig;
import ai.noether.core.format.safetensors.SafetensorsContents;
import ai.noether.core.format.safetensors.SafetensorsReader;
import ai.noether.core.format.th.ThReader;
import ai.noether.core.store.ByteSizes;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads one checkpoint file ({@code _model.th}, {@code _optim.th}, {@code _trainer.th}, a PyTorch
 * state dict, a {@code .safetensors} file) and describes it the way a PyTorch user would look at
 * {@code torch.load(path)}: what the file is, its tag and iteration, then every key in file order,
 * tensors as {@code dtype [shape]}, numbers and strings as they are, the saved configuration as
 * YAML. Long lists (a trainer file's history) are shortened unless {@code full} is asked for.
 *
 * <p>A file that is not a checkpoint fails with a {@link NotACheckpointException} that says what it
 * is instead (text, a zip without a pickle, TorchScript, PyTorch's pre-1.6 format); a damaged
 * checkpoint fails with the reader's {@link CorruptCheckpointException} naming the record.
 */
public final class CheckpointInspector {
  /** Lists longer than this are shortened to their first and last entries. */
  static final int LIST_PREVIEW = 3;

  private static final Set<String> HEADER_KEYS =
      Set.of(
          CheckpointKeys.CHECKPOINT_TAG,
          CheckpointKeys.TRAINING_ITERATION,
          CheckpointKeys.RUN_ID,
          CheckpointKeys.STAGE_NAME,
          CheckpointKeys.FORMAT_VERSION);

  private final Path file;
  private final long size;
  private final Map<String, Object> tree;
  private final String format;

  private CheckpointInspector(Path file, long size, Map<String, Object> tree, String format) {
    this.file = file;
    this.size = size;
    this.tree = tree;
    this.format = format;
  }

  /**
   * Reads {@code file} with the restricted reader.
   *
   * @throws ConfigException if the file does not exist or is a directory
   * @throws NotACheckpointException if the file is not a checkpoint at all
   * @throws CorruptCheckpointException if it is one but damaged (truncated, a record's CRC-32
   *     wrong)
   */
  public static CheckpointInspector read(Path file) throws IOException {
    if (!Files.exists(file)) {
      throw new ConfigException(file + " does not exist");
    }
    if (Files.isDirectory(file)) {
      throw new ConfigException(
          file
              + " is a directory; give a checkpoint file such as"
              + " <run>/<stage>/checkpoints/mlp_cp=latest_model.th");
    }
    long size = Files.size(file);
    if (file.getFileName().toString().endsWith(".safetensors")) {
      SafetensorsContents st = SafetensorsReader.read(file);
      Map<String, Object> tree = new LinkedHashMap<>();
      if (!st.metadata().isEmpty()) {
        tree.put("__metadata__", new LinkedHashMap<String, Object>(st.metadata()));
      }
      tree.put(CheckpointKeys.STATE_DICT, new LinkedHashMap<String, Object>(st.tensors()));
      return new CheckpointInspector(file, size, tree, "safetensors");
    }
    byte[] head = head(file);
    if (size == 0) {
      throw new NotACheckpointException(file + " is not a checkpoint: the file is empty", null);
    }
    if (!(head.length >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4)) {
      throw new NotACheckpointException(
          file
              + " is not a checkpoint: "
              + whatItIs(head)
              + "; a .th checkpoint is the zip archive that torch.save (PyTorch 1.6 and later) and Noether write",
          null);
    }
    try {
      return new CheckpointInspector(file, size, ThReader.read(file), "th");
    } catch (CorruptCheckpointException e) {
      String m = String.valueOf(e.getMessage());
      if (m.contains("TorchScript") || m.contains("has no record <name>/data.pkl")) {
        throw new NotACheckpointException(
            file + " is not a checkpoint: " + m.substring(m.indexOf(": ") + 2), e);
      }
      throw e;
    }
  }

  private static byte[] head(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return in.readNBytes(64);
    }
  }

  private static String whatItIs(byte[] head) {
    if (head.length >= 2 && (head[0] & 0xff) == 0x80 && head[1] >= 2 && head[1] <= 5) {
      return "it is a pickle without a zip around it, PyTorch's format before 1.6"
          + " (_use_new_zipfile_serialization=False); load it in Python and save it again with torch.save";
    }
    boolean text = true;
    for (byte b : head) {
      if (b < 0x09 || (b > 0x0d && b < 0x20)) {
        text = false;
        break;
      }
    }
    if (text) {
      String start =
          new String(head, StandardCharsets.UTF_8).lines().findFirst().orElse("").strip();
      return "it holds text" + (start.isEmpty() ? "" : " (it starts with \"" + start + "\")");
    }
    StringBuilder hex = new StringBuilder();
    for (int i = 0; i < Math.min(4, head.length); i++) {
      hex.append(String.format("%02x", head[i] & 0xff));
    }
    return "it is not a zip archive (it starts with the bytes " + hex + ")";
  }

  /** The file's root dict as read (tensors as {@link HostTensor}s mapped from the file). */
  public Map<String, Object> tree() {
    return tree;
  }

  /**
   * What the file is, judged by its keys: {@code model}, {@code optimizer}, {@code trainer}, {@code
   * state dict}.
   */
  public String role() {
    if (format.equals("safetensors")) {
      return "safetensors weights";
    }
    if (tree.containsKey(CheckpointKeys.STATE_DICT)) {
      return "model";
    }
    if (tree.containsKey(CheckpointKeys.OPTIMIZER)
        || (tree.containsKey(CheckpointKeys.OPTIMIZER_STATE)
            && tree.containsKey(CheckpointKeys.PARAM_GROUPS))) {
      return "optimizer";
    }
    if (TrainerStateFile.looksLikeOne(tree)) {
      return "trainer";
    }
    if (!tree.isEmpty() && tree.values().stream().allMatch(v -> v instanceof HostTensor)) {
      return "state dict";
    }
    return "unrecognised";
  }

  /**
   * Prints the description.
   *
   * @param full print every entry of long lists instead of the first and last ones
   */
  public void print(PrintWriter out, boolean full) {
    out.println(file.toAbsolutePath() + "  (" + ByteSizes.human(size) + ")");
    out.printf("%-24s %s%n", "file:", describeRole());
    for (String key :
        List.of(
            CheckpointKeys.CHECKPOINT_TAG,
            CheckpointKeys.TRAINING_ITERATION,
            CheckpointKeys.RUN_ID,
            CheckpointKeys.STAGE_NAME,
            CheckpointKeys.FORMAT_VERSION)) {
      if (tree.containsKey(key)) {
        out.printf(
            "%-24s %s%n",
            key + ":",
            key.equals(CheckpointKeys.TRAINING_ITERATION)
                ? iteration(tree.get(key))
                : scalar(tree.get(key)));
      }
    }
    for (Map.Entry<String, Object> e : tree.entrySet()) {
      if (HEADER_KEYS.contains(e.getKey())) {
        continue;
      }
      if (TrainerStateFile.isConfigKey(e.getKey()) && e.getValue() instanceof Map<?, ?> config) {
        out.println(e.getKey() + ":");
        @SuppressWarnings("unchecked")
        Map<String, Object> c = (Map<String, Object>) config;
        RunConfig.toYaml(c).lines().forEach(line -> out.println("  " + line));
        continue;
      }
      render(out, "", e.getKey(), e.getValue(), full);
    }
  }

  private String describeRole() {
    return switch (role()) {
      case "model" -> "model weights (" + tensorCount(tree.get(CheckpointKeys.STATE_DICT)) + ")";
      case "optimizer" ->
          "optimizer state"
              + (tree.get(CheckpointKeys.OPTIMIZER_FILE_KIND) instanceof String k
                  ? " (" + k + ")"
                  : "");
      case "trainer" -> "trainer state (counters, callbacks, metrics, configuration)";
      case "state dict" -> "a bare PyTorch state dict (" + tensorCount(tree) + ")";
      case "safetensors weights" ->
          "safetensors weights (" + tensorCount(tree.get(CheckpointKeys.STATE_DICT)) + ")";
      default -> "a .th file of no known checkpoint layout";
    };
  }

  private static String tensorCount(@Nullable Object value) {
    if (!(value instanceof Map<?, ?> map)) {
      return "no tensors";
    }
    long elements = 0;
    long bytes = 0;
    int n = 0;
    for (Object v : map.values()) {
      if (v instanceof HostTensor t) {
        n++;
        elements += t.elementCount();
        bytes += t.byteSize();
      }
    }
    return n
        + " tensors, "
        + String.format(Locale.ROOT, "%,d", elements)
        + " values, "
        + ByteSizes.human(bytes);
  }

  private void render(PrintWriter out, String indent, String key, Object value, boolean full) {
    if (value instanceof HostTensor t) {
      out.printf("%s%-24s %s%n", indent, key + ":", tensor(t));
    } else if (value instanceof Map<?, ?> map) {
      if (map.isEmpty()) {
        out.println(indent + key + ": {}");
        return;
      }
      boolean tensors = map.values().stream().allMatch(v -> v instanceof HostTensor);
      out.println(indent + key + ":" + (tensors ? "  " + tensorCount(map) : ""));
      int width =
          map.keySet().stream().mapToInt(k -> String.valueOf(k).length()).max().orElse(0) + 1;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (e.getValue() instanceof HostTensor t) {
          out.printf(
              "%s  %-" + Math.max(width, 24) + "s %s%n", indent, e.getKey() + ":", tensor(t));
        } else {
          render(out, indent + "  ", String.valueOf(e.getKey()), e.getValue(), full);
        }
      }
    } else if (value instanceof List<?> list) {
      if (list.stream()
              .noneMatch(
                  v -> v instanceof Map<?, ?> || v instanceof List<?> || v instanceof HostTensor)
          && (full || list.size() <= 8)) {
        out.printf(
            "%s%-24s %s%n",
            indent, key + ":", list.stream().map(CheckpointInspector::scalar).toList());
        return;
      }
      out.println(indent + key + ": list of " + list.size());
      for (int i = 0; i < list.size(); i++) {
        if (!full && list.size() > 2 * LIST_PREVIEW && i == LIST_PREVIEW) {
          out.println(
              indent + "  ... " + (list.size() - 2 * LIST_PREVIEW) + " more (--full shows them)");
          i = list.size() - LIST_PREVIEW;
        }
        render(out, indent + "  ", "[" + i + "]", list.get(i), full);
      }
    } else {
      out.printf("%s%-24s %s%n", indent, key + ":", scalar(value));
    }
  }

  private static String tensor(HostTensor t) {
    return t.dtype().name().toLowerCase(Locale.ROOT) + " " + Arrays.toString(t.shape());
  }

  private static String iteration(Object value) {
    if (value instanceof Map<?, ?> it && it.get(CheckpointKeys.EPOCH) != null) {
      return "E"
          + it.get(CheckpointKeys.EPOCH)
          + "_U"
          + it.get(CheckpointKeys.UPDATE)
          + "_S"
          + it.get(CheckpointKeys.SAMPLE);
    }
    return scalar(value);
  }

  private static String scalar(Object value) {
    if (value == null) {
      return "None";
    }
    if (value instanceof Boolean b) {
      return b ? "True" : "False";
    }
    return String.valueOf(value);
  }
}
