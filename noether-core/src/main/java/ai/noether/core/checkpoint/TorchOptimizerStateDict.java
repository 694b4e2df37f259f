package ai.noether.core.checkpoint;

import ai.noether.api.Nullable;
import ai.noether.api.checkpoint.CheckpointKeys;
import ai.noether.api.checkpoint.CorruptCheckpointException;
import ai.noether.api.tensor.HostTensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts an optimizer state between our in-memory layout (per-parameter state keyed by parameter
 * path, see {@code ai.noether.api.optim.Optimizer}) and PyTorch's optimizer state dict as {@code
 * torch.optim.Optimizer.state_dict()} returns it, plus Noether (Python)'s {@code
 * param_idx_to_name}:
 *
 * <pre>
 * state:             {0: {step: tensor(12.), exp_avg: ..., exp_avg_sq: ...}, 1: {...}}
 * param_groups:      [{lr, betas, eps, weight_decay, amsgrad, maximize, foreach, capturable,
 *                      differentiable, fused, initial_lr, params: [0, 1]}, {..., params: [2, 3]}]
 * param_idx_to_name: {0: "layers.0.weight", 1: "layers.2.weight", 2: "layers.0.bias", ...}
 * optimizer_kind:    "adamw"
 * </pre>
 *
 * <p>Indices are assigned as PyTorch assigns them: group after group, in the order of the
 * parameters inside each group, so {@code torch.optim.AdamW(groups).load_state_dict(file)} maps
 * them onto the same parameters when the groups are built in the same order. {@code step} is a
 * float32 scalar tensor, as torch 1.13 and 2.x keep it (float64 beyond 2^24 updates, where float32
 * would round it). A group's {@code lr} is the rate of the most recent update (the schedule's value
 * times the group's factor), {@code initial_lr} the group's base rate, which torch's schedulers
 * need when they are created to continue at an update other than 0.
 *
 * <p>Reading accepts what torch itself writes: {@code step} as a tensor of any real dtype or a
 * number, {@code momentum_buffer: None}, group keys of newer torch versions or of Noether (Python)
 * ({@code name}, {@code lr_scale}, ...). Indices are matched to parameters through {@code
 * param_idx_to_name} only, never by position.
 */
public final class TorchOptimizerStateDict {
  /** Above this a float32 {@code step} would no longer hold the count exactly. */
  private static final long FLOAT32_EXACT = 1L << 24;

  private TorchOptimizerStateDict() {}

  /**
   * True when {@code state} has what PyTorch's layout needs: a {@code state} map and {@code
   * param_groups} whose {@code params} list parameter paths (every built-in optimizer's state does;
   * a plugin's may not, and is then written in our layout).
   */
  public static boolean convertible(Map<String, Object> state) {
    if (!(state.get(CheckpointKeys.OPTIMIZER_STATE) instanceof Map<?, ?>)
        || !(state.get(CheckpointKeys.PARAM_GROUPS) instanceof List<?> groups)) {
      return false;
    }
    return groups.stream()
        .allMatch(g -> g instanceof Map<?, ?> m && m.get(CheckpointKeys.PARAMS) instanceof List<?>);
  }

  /**
   * PyTorch's layout of {@code state}.
   *
   * @param state the optimizer's {@code state()}: {@code kind}, {@code state} by path, {@code
   *     param_groups} with {@code params} as paths and our hyper-parameter names
   * @param lrScale the schedule's factor in the most recent update (learning rate / base rate)
   * @throws IllegalArgumentException if the state is not in that layout, naming the key
   */
  public static Map<String, Object> fromNoether(Map<String, Object> state, double lrScale) {
    Object kind = state.get(CheckpointKeys.OPTIMIZER_KIND);
    Map<?, ?> perParameter =
        map(state.get(CheckpointKeys.OPTIMIZER_STATE), CheckpointKeys.OPTIMIZER_STATE);
    List<?> groups = list(state.get(CheckpointKeys.PARAM_GROUPS), CheckpointKeys.PARAM_GROUPS);
    Map<String, Long> indexOf = new LinkedHashMap<>();
    Map<Object, Object> idxToName = new LinkedHashMap<>();
    List<Object> torchGroups = new ArrayList<>();
    for (Object g : groups) {
      Map<?, ?> group = map(g, CheckpointKeys.PARAM_GROUPS + "[]");
      Map<String, Object> torch = new LinkedHashMap<>();
      group.forEach(
          (k, v) -> {
            if (!CheckpointKeys.PARAMS.equals(k)) {
              torch.put(String.valueOf(k), v);
            }
          });
      if (group.get(CheckpointKeys.LR) instanceof Number base) {
        torch.put(CheckpointKeys.LR, base.doubleValue() * lrScale);
        torch.put(CheckpointKeys.INITIAL_LR, base.doubleValue());
      }
      torchDefaults(kind).forEach(torch::putIfAbsent);
      List<Object> params = new ArrayList<>();
      for (Object p : list(group.get(CheckpointKeys.PARAMS), CheckpointKeys.PARAMS)) {
        String path = String.valueOf(p);
        long index = indexOf.size();
        if (indexOf.putIfAbsent(path, index) != null) {
          throw new IllegalArgumentException("parameter '" + path + "' is in two parameter groups");
        }
        params.add(index);
        idxToName.put(index, path);
      }
      torch.put(CheckpointKeys.PARAMS, params);
      torchGroups.add(torch);
    }
    Map<Object, Object> torchState = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : perParameter.entrySet()) {
      Long index = indexOf.get(String.valueOf(e.getKey()));
      if (index == null) {
        throw new IllegalArgumentException(
            "the optimizer has state for '" + e.getKey() + "', which no parameter group holds");
      }
      Map<String, Object> entry = new LinkedHashMap<>();
      map(e.getValue(), CheckpointKeys.OPTIMIZER_STATE + "." + e.getKey())
          .forEach(
              (k, v) ->
                  entry.put(
                      String.valueOf(k),
                      CheckpointKeys.STEP.equals(k) && v instanceof Number n
                          ? stepTensor(n.longValue())
                          : v));
      torchState.put(index, entry);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put(CheckpointKeys.OPTIMIZER_STATE, torchState);
    out.put(CheckpointKeys.PARAM_GROUPS, torchGroups);
    out.put(CheckpointKeys.PARAM_IDX_TO_NAME, idxToName);
    if (kind != null) {
      out.put(CheckpointKeys.OPTIMIZER_FILE_KIND, kind);
    }
    return out;
  }

  /**
   * Our layout of a PyTorch optimizer state dict with {@code param_idx_to_name} (a format-2 file of
   * ours or a Noether (Python) file): state and groups keyed by parameter path, {@code step} as a
   * {@code Long}, {@code None} buffers dropped, and {@code kind} when the file names it.
   *
   * @param file the file's name, for messages
   * @throws CorruptCheckpointException naming the file and key when the layout is broken or an
   *     index has no name
   */
  public static Map<String, Object> toNoether(Map<String, Object> tree, String file) {
    Object names = tree.get(CheckpointKeys.PARAM_IDX_TO_NAME);
    if (names == null) {
      throw new CorruptCheckpointException(
          file
              + " holds a PyTorch optimizer state without '"
              + CheckpointKeys.PARAM_IDX_TO_NAME
              + "', so its parameter indices cannot be matched to parameters."
              + " Add {index: parameter name} under '"
              + CheckpointKeys.PARAM_IDX_TO_NAME
              + "' (Noether (Python) writes it; the names are the model's state_dict keys)");
    }
    Map<Long, String> nameOf = new HashMap<>();
    Map<String, Long> seen = new HashMap<>();
    for (Map.Entry<?, ?> e :
        corruptUnless(
                names instanceof Map<?, ?> m ? m : null,
                file,
                CheckpointKeys.PARAM_IDX_TO_NAME,
                "a dict")
            .entrySet()) {
      long index = index(e.getKey(), file, CheckpointKeys.PARAM_IDX_TO_NAME);
      if (!(e.getValue() instanceof String name)) {
        throw corrupt(
            file, CheckpointKeys.PARAM_IDX_TO_NAME + "[" + index + "]", "a parameter name");
      }
      Long other = seen.putIfAbsent(name, index);
      if (other != null) {
        throw new CorruptCheckpointException(
            file
                + ": "
                + CheckpointKeys.PARAM_IDX_TO_NAME
                + " names '"
                + name
                + "' for both index "
                + other
                + " and "
                + index);
      }
      nameOf.put(index, name);
    }
    List<Object> groups = new ArrayList<>();
    Object savedGroups = tree.get(CheckpointKeys.PARAM_GROUPS);
    int g = 0;
    for (Object group :
        corruptUnless(
            savedGroups instanceof List<?> l ? l : null,
            file,
            CheckpointKeys.PARAM_GROUPS,
            "a list")) {
      String where = CheckpointKeys.PARAM_GROUPS + "[" + g++ + "]";
      Map<?, ?> saved =
          corruptUnless(group instanceof Map<?, ?> m ? m : null, file, where, "a dict");
      Map<String, Object> ours = new LinkedHashMap<>();
      List<Object> params = new ArrayList<>();
      Object savedParams = saved.get(CheckpointKeys.PARAMS);
      for (Object p :
          corruptUnless(
              savedParams instanceof List<?> l ? l : null, file, where + ".params", "a list")) {
        params.add(name(nameOf, index(p, file, where + ".params"), file));
      }
      ours.put(CheckpointKeys.PARAMS, params);
      saved.forEach(
          (k, v) -> {
            if (!CheckpointKeys.PARAMS.equals(k)) {
              ours.put(String.valueOf(k), v);
            }
          });
      groups.add(ours);
    }
    Map<String, Object> state = new LinkedHashMap<>();
    Object savedState = tree.get(CheckpointKeys.OPTIMIZER_STATE);
    for (Map.Entry<?, ?> e :
        corruptUnless(
                savedState instanceof Map<?, ?> m ? m : null,
                file,
                CheckpointKeys.OPTIMIZER_STATE,
                "a dict")
            .entrySet()) {
      long index = index(e.getKey(), file, CheckpointKeys.OPTIMIZER_STATE);
      String where = CheckpointKeys.OPTIMIZER_STATE + "[" + index + "]";
      Map<String, Object> entry = new LinkedHashMap<>();
      for (Map.Entry<?, ?> b :
          corruptUnless(e.getValue() instanceof Map<?, ?> m ? m : null, file, where, "a dict")
              .entrySet()) {
        String key = String.valueOf(b.getKey());
        if (b.getValue() == null) {
          continue; // torch's SGD keeps momentum_buffer: None for momentum 0
        }
        entry.put(
            key, CheckpointKeys.STEP.equals(key) ? step(b.getValue(), file, where) : b.getValue());
      }
      state.put(name(nameOf, index, file), entry);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    if (tree.get(CheckpointKeys.OPTIMIZER_FILE_KIND) instanceof String kind) {
      out.put(CheckpointKeys.OPTIMIZER_KIND, kind);
    }
    out.put(CheckpointKeys.OPTIMIZER_STATE, state);
    out.put(CheckpointKeys.PARAM_GROUPS, groups);
    return out;
  }

  /** The group keys torch 1.13 and 2.x write for this kind that our optimizers leave implicit. */
  private static Map<String, Object> torchDefaults(@Nullable Object kind) {
    Map<String, Object> d = new LinkedHashMap<>();
    if ("adam".equals(kind) || "adamw".equals(kind)) {
      d.put(CheckpointKeys.AMSGRAD, false);
      d.put(CheckpointKeys.MAXIMIZE, false);
      d.put(CheckpointKeys.FOREACH, null);
      d.put(CheckpointKeys.CAPTURABLE, false);
      d.put(CheckpointKeys.DIFFERENTIABLE, false);
      d.put(CheckpointKeys.FUSED, null);
    } else if ("sgd".equals(kind)) {
      d.put(CheckpointKeys.MAXIMIZE, false);
      d.put(CheckpointKeys.FOREACH, null);
      d.put(CheckpointKeys.DIFFERENTIABLE, false);
    }
    return d;
  }

  private static HostTensor stepTensor(long step) {
    return step <= FLOAT32_EXACT
        ? HostTensor.ofFloats(new long[0], (float) step)
        : HostTensor.ofDoubles(new long[0], (double) step);
  }

  private static Long step(Object value, String file, String where) {
    double v;
    if (value instanceof Number n) {
      v = n.doubleValue();
    } else if (value instanceof HostTensor t && t.elementCount() == 1) {
      v =
          switch (t.dtype()) {
            case FLOAT32 -> t.toFloatArray()[0];
            case FLOAT64 -> t.toDoubleArray()[0];
            case INT64 -> t.toLongArray()[0];
            default -> Double.NaN;
          };
    } else {
      throw corrupt(
          file, where + ".step", "a number or a one-element float32, float64 or int64 tensor");
    }
    if (!(v >= 0 && v == Math.rint(v) && v <= Long.MAX_VALUE)) {
      throw new CorruptCheckpointException(
          file + ": " + where + ".step is " + v + "; a step count is a whole number >= 0");
    }
    return (long) v;
  }

  private static String name(Map<Long, String> nameOf, long index, String file) {
    String name = nameOf.get(index);
    if (name == null) {
      throw new CorruptCheckpointException(
          file
              + ": parameter index "
              + index
              + " has no name in "
              + CheckpointKeys.PARAM_IDX_TO_NAME
              + " (it names indices "
              + new java.util.TreeSet<>(nameOf.keySet())
              + ")");
    }
    return name;
  }

  private static long index(Object key, String file, String where) {
    if (key instanceof Long || key instanceof Integer) {
      return ((Number) key).longValue();
    }
    throw corrupt(
        file, where, "integer parameter indices, not " + (key == null ? "None" : "'" + key + "'"));
  }

  private static <T> T corruptUnless(@Nullable T value, String file, String key, String expected) {
    if (value == null) {
      throw corrupt(file, key, expected);
    }
    return value;
  }

  private static CorruptCheckpointException corrupt(String file, String key, String expected) {
    return new CorruptCheckpointException(file + ": '" + key + "' should hold " + expected);
  }

  private static Map<?, ?> map(@Nullable Object value, String key) {
    if (value instanceof Map<?, ?> m) {
      return m;
    }
    throw new IllegalArgumentException(
        "optimizer state: '"
            + key
            + "' should be a map but is "
            + (value == null ? "missing" : value.getClass().getSimpleName()));
  }

  private static List<?> list(@Nullable Object value, String key) {
    if (value instanceof List<?> l) {
      return l;
    }
    throw new IllegalArgumentException(
        "optimizer state: '"
            + key
            + "' should be a list but is "
            + (value == null ? "missing" : value.getClass().getSimpleName()));
  }
}
