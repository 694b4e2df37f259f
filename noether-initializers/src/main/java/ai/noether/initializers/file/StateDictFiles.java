package ai.noether.initializers.file;

import ai.noether.api.ConfigException;
import ai.noether.api.Nullable;
import ai.noether.api.checkpoint.CheckpointKeys;
import ai.noether.api.checkpoint.CorruptCheckpointException;
import ai.noether.api.checkpoint.TensorFileReader;
import ai.noether.api.tensor.HostTensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the state dict of a weights file, whatever wrote it. The format is told by the content,
 * never by the file name:
 *
 * <ul>
 *   <li>a zip archive ({@code PK\3\4}): PyTorch's serialization, read by {@link
 *       TensorFileReader#readTorch}. That is a Noether {@code _model.th} file (weights under {@code
 *       state_dict}), a state dict saved with {@code torch.save(model.state_dict(), path)} (the
 *       root is the state dict), or a training checkpoint dict that holds one under some key
 *       ({@code model_state_dict}, {@code state_dict});
 *   <li>an 8-byte little-endian length followed by a JSON header: safetensors, read by {@link
 *       TensorFileReader#readSafetensors}.
 * </ul>
 *
 * <p>Tensors are memory mappings of the file; nothing runs code from the file.
 */
public final class StateDictFiles {
  private static final int PICKLE_PROTO = 0x80;

  private StateDictFiles() {}

  /** The formats this class reads. */
  public enum Format {
    /** PyTorch's zip serialization ({@code torch.save}, Noether's {@code .th}). */
    TORCH,
    /** Hugging Face safetensors. */
    SAFETENSORS
  }

  /**
   * Tells the format of an existing file from its first bytes.
   *
   * @throws CorruptCheckpointException if it is neither format, saying what it looks like
   */
  public static Format detect(Path path) throws IOException {
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      long size = ch.size();
      ByteBuffer head =
          ByteBuffer.allocate((int) Math.min(16, size)).order(ByteOrder.LITTLE_ENDIAN);
      while (head.hasRemaining() && ch.read(head, head.position()) > 0) {
        // read until the first bytes are in
      }
      head.flip();
      if (size == 0) {
        throw new CorruptCheckpointException(path + " is empty");
      }
      if (size >= 4 && head.getInt(0) == 0x04034b50) {
        return Format.TORCH;
      }
      if (size >= 10 && head.get(8) == '{') {
        long headerLength = head.getLong(0);
        if (headerLength >= 2 && headerLength <= size - 8) {
          return Format.SAFETENSORS;
        }
      }
      if ((head.get(0) & 0xff) == PICKLE_PROTO) {
        throw new CorruptCheckpointException(
            path
                + " was written by torch.save in the legacy format (torch before 1.6,"
                + " or _use_new_zipfile_serialization=False), which is not supported; load it in Python and save it"
                + " again with torch.save(obj, path) from torch 1.6 or later");
      }
      throw new CorruptCheckpointException(
          path
              + " is neither a PyTorch/Noether file (a zip archive) nor a safetensors"
              + " file (an 8-byte header length followed by a JSON header); its first bytes are "
              + hex(head));
    }
  }

  /**
   * Reads the state dict of a file.
   *
   * @param stateDictKey the top-level key holding the state dict in a PyTorch file; null to take
   *     {@code state_dict} if present, else the root when it holds only tensors
   * @return parameter path to tensor, in file order; never null
   * @throws ConfigException if {@code stateDictKey} is absent or names no state dict, or is set for
   *     a safetensors file, or the root is no state dict and no key was given; listing the keys
   *     there are
   * @throws CorruptCheckpointException if the file is damaged or neither format
   */
  public static Map<String, HostTensor> read(
      TensorFileReader reader, Path path, @Nullable String stateDictKey) throws IOException {
    Format format = detect(path);
    if (format == Format.SAFETENSORS) {
      if (stateDictKey != null) {
        throw new ConfigException(
            "state_dict_key '"
                + stateDictKey
                + "' is set, but "
                + path
                + " is a safetensors file,"
                + " whose tensors are the state dict; leave state_dict_key out");
      }
      return reader.readSafetensors(path);
    }
    Object root = reader.readTorch(path);
    if (!(root instanceof Map<?, ?> map)) {
      throw new ConfigException(
          path + " holds " + describe(root) + ", not a state dict (a dict of tensors)");
    }
    if (stateDictKey != null) {
      if (!map.containsKey(stateDictKey)) {
        throw new ConfigException(
            "state_dict_key '"
                + stateDictKey
                + "' is not in "
                + path
                + "; its top-level keys: "
                + contents(map));
      }
      return tensors(map.get(stateDictKey), path, "under state_dict_key '" + stateDictKey + "'");
    }
    if (map.get(CheckpointKeys.STATE_DICT) instanceof Map<?, ?> nested) {
      return tensors(nested, path, "under '" + CheckpointKeys.STATE_DICT + "'");
    }
    if (map.values().stream().allMatch(v -> v instanceof HostTensor)) {
      return tensors(map, path, "at its root");
    }
    String candidate =
        map.entrySet().stream()
            .filter(
                e ->
                    e.getValue() instanceof Map<?, ?> m
                        && !m.isEmpty()
                        && m.values().stream().allMatch(v -> v instanceof HostTensor))
            .map(e -> String.valueOf(e.getKey()))
            .findFirst()
            .orElse("<key>");
    throw new ConfigException(
        path
            + " is not a plain state dict: its top-level keys are "
            + contents(map)
            + "; name the one that holds the weights with state_dict_key, e.g. state_dict_key: "
            + candidate);
  }

  private static Map<String, HostTensor> tensors(Object value, Path path, String where) {
    if (!(value instanceof Map<?, ?> map)) {
      throw new ConfigException(
          path
              + " holds "
              + describe(value)
              + " "
              + where
              + ", not a state dict (a dict of tensors)");
    }
    Map<String, HostTensor> out = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      if (!(e.getKey() instanceof String key) || !(e.getValue() instanceof HostTensor tensor)) {
        throw new ConfigException(
            path
                + ": the dict "
                + where
                + " is not a state dict: its entry "
                + (e.getKey() instanceof String k ? "'" + k + "'" : describeKey(e.getKey()))
                + " is "
                + describe(e.getValue())
                + ", not a tensor; a state dict maps parameter"
                + " names to tensors");
      }
      out.put(key, tensor);
    }
    return out;
  }

  /** {@code model_state_dict (dict of 4 tensors), epoch (int)}. */
  private static String contents(Map<?, ?> map) {
    if (map.isEmpty()) {
      return "none (the dict is empty)";
    }
    List<String> parts = new ArrayList<>();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      parts.add(describeKey(e.getKey()) + " (" + describe(e.getValue()) + ")");
    }
    return String.join(", ", parts);
  }

  private static String describeKey(Object key) {
    return key instanceof String s
        ? s
        : String.valueOf(key) + " (" + (key == null ? "None" : withArticle(pythonType(key))) + ")";
  }

  private static String describe(Object value) {
    if (value instanceof HostTensor t) {
      return "a tensor "
          + t.dtype().name().toLowerCase(java.util.Locale.ROOT)
          + java.util.Arrays.toString(t.shape());
    }
    if (value instanceof Map<?, ?> m) {
      long tensors = m.values().stream().filter(v -> v instanceof HostTensor).count();
      return "a dict of "
          + m.size()
          + (m.size() == 1 ? " entry" : " entries")
          + (tensors == m.size() && tensors > 0
              ? ", all tensors"
              : tensors > 0 ? ", " + tensors + " of them tensors" : "");
    }
    return value == null ? "None" : withArticle(pythonType(value));
  }

  private static String withArticle(String type) {
    return ("aeiou".indexOf(type.charAt(0)) >= 0 ? "an " : "a ") + type;
  }

  private static String pythonType(Object value) {
    if (value instanceof Long || value instanceof Integer) {
      return "int";
    }
    if (value instanceof Double || value instanceof Float) {
      return "float";
    }
    if (value instanceof Boolean) {
      return "bool";
    }
    if (value instanceof String) {
      return "str";
    }
    if (value instanceof List<?>) {
      return "list";
    }
    return value.getClass().getSimpleName();
  }

  private static String hex(ByteBuffer head) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < Math.min(8, head.limit()); i++) {
      sb.append(String.format("%02x ", head.get(i) & 0xff));
    }
    return sb.toString().strip();
  }
}
