package ai.noether.core.config;

import ai.noether.api.ConfigException;
import ai.noether.api.Nullable;
import ai.noether.core.config.ConfigPath.Index;
import ai.noether.core.config.ConfigPath.Key;
import ai.noether.core.config.ConfigPath.Segment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Applies command-line arguments {@code key.path=value} to a configuration tree, in order.
 *
 * <ul>
 *   <li>The value is read as YAML: {@code 50} is a number, {@code 1e-3} a floating-point number,
 *       {@code true} a boolean, {@code abc} a string, {@code [0.9, 0.99]} a list, {@code "{kind:
 *       ema}"} a mapping. An empty value or {@code null} removes the key (so its default applies
 *       again); on a list entry it removes the entry.
 *   <li>A missing mapping on the way is created; a list index may address an existing entry or the
 *       position just past the end (appending).
 *   <li>Keys that exclude each other ({@code max_epochs}, {@code max_updates}, {@code max_samples};
 *       and each family of {@code ..every_n_epochs}, {@code ..every_n_updates}, {@code
 *       ..every_n_samples}, {@code ..every_n_minutes} in one block): setting one removes the others
 *       of its family from that block, so {@code trainer.max_updates=50} replaces the file's {@code
 *       max_epochs}. Setting two of one family in the same command line is an error.
 * </ul>
 *
 * <p>A key the configuration does not know is added here and rejected when the tree is bound, with
 * the same message as an unknown key in the file, naming the argument.
 */
final class Overrides {
  private static final Pattern EVERY =
      Pattern.compile("(.*every_n_)(epochs|updates|samples|minutes)");
  private static final Pattern MAX = Pattern.compile("(max_)(epochs|updates|samples)");

  private Overrides() {}

  static void apply(Map<String, Object> root, List<String> arguments, Origins origins) {
    Map<String, String[]> families = new HashMap<>();
    for (String argument : arguments) {
      int eq = argument.indexOf('=');
      if (eq <= 0) {
        throw new ConfigException(
            "command-line argument '"
                + argument
                + "' is not key.path=value (for example trainer.max_updates=50 or optimizer.lr=1e-3)");
      }
      List<Segment> segments = ConfigPath.parse(argument.substring(0, eq).strip(), argument);
      String path = pathOf(segments);
      List<String> valuePaths = new ArrayList<>();
      Object value;
      try {
        value = Yaml.read(argument.substring(eq + 1), path, (p, line) -> valuePaths.add(p));
      } catch (Yaml.Problem e) {
        throw new ConfigException(
            "command-line argument '" + argument + "': the value is " + e.getMessage());
      }
      Object container = root;
      String containerPath = "";
      for (int i = 0; i < segments.size() - 1; i++) {
        container =
            step(container, containerPath, segments.get(i), segments.get(i + 1), argument, origins);
        containerPath = append(containerPath, segments.get(i));
      }
      Segment last = segments.get(segments.size() - 1);
      if (last instanceof Key key) {
        checkFamily(families, containerPath, key.name(), argument);
        set(asMap(container, containerPath, argument), key.name(), value);
      } else {
        set(
            asList(container, containerPath, argument),
            ((Index) last).index(),
            value,
            containerPath,
            argument,
            origins);
      }
      if (value != null) {
        origins.forgetBelow(path);
        origins.argument(path, argument);
        valuePaths.forEach(p -> origins.argument(p, argument));
      }
    }
  }

  /** Moves one step down, creating a missing mapping when the step after it is a key. */
  private static Object step(
      Object container,
      String containerPath,
      Segment segment,
      Segment next,
      String argument,
      Origins origins) {
    String childPath = append(containerPath, segment);
    Object child;
    if (segment instanceof Key key) {
      Map<String, Object> map = asMap(container, containerPath, argument);
      child = map.get(key.name());
      if (child == null) {
        if (next instanceof Index) {
          throw new ConfigException(
              "command-line argument '"
                  + argument
                  + "': "
                  + childPath
                  + " is not set, so it has no entries to address");
        }
        child = new LinkedHashMap<String, Object>();
        map.put(key.name(), child);
        origins.argument(childPath, argument);
      }
    } else {
      List<Object> list = asList(container, containerPath, argument);
      int index = ((Index) segment).index();
      if (index >= list.size()) {
        throw outOfRange(argument, containerPath, index, list.size(), false);
      }
      child = list.get(index);
    }
    return child;
  }

  private static void set(Map<String, Object> map, String key, @Nullable Object value) {
    String family = family(key);
    if (family != null) {
      map.keySet().removeIf(k -> !k.equals(key) && family.equals(family(k)));
    }
    if (value == null) {
      map.remove(key);
    } else {
      map.put(key, value);
    }
  }

  private static void set(
      List<Object> list,
      int index,
      @Nullable Object value,
      String listPath,
      String argument,
      Origins origins) {
    if (index > list.size() || (index == list.size() && value == null)) {
      throw outOfRange(argument, listPath, index, list.size(), value != null);
    }
    if (value == null) {
      list.remove(index);
      origins.removeListEntry(listPath, index);
    } else if (index == list.size()) {
      list.add(value);
    } else {
      list.set(index, value);
    }
  }

  /** Rejects two arguments that set different keys of one exclusive family in one block. */
  private static void checkFamily(
      Map<String, String[]> families, String containerPath, String key, String argument) {
    String family = family(key);
    if (family == null) {
      return;
    }
    String[] earlier =
        families.put(containerPath + "\u0000" + family, new String[] {key, argument});
    if (earlier != null && !earlier[0].equals(key)) {
      throw new ConfigException(
          "command-line arguments '"
              + earlier[1]
              + "' and '"
              + argument
              + "' set "
              + ConfigPath.key(containerPath, earlier[0])
              + " and "
              + ConfigPath.key(containerPath, key)
              + ", which exclude each other; keep one");
    }
  }

  /**
   * The exclusive family of a key ({@code max_}, {@code every_n_}, {@code eval_every_n_}...), or
   * null.
   */
  static @Nullable String family(String key) {
    Matcher every = EVERY.matcher(key);
    if (every.matches()) {
      return every.group(1);
    }
    Matcher max = MAX.matcher(key);
    return max.matches() ? max.group(1) : null;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(Object container, String path, String argument) {
    if (container instanceof Map<?, ?> map) {
      return (Map<String, Object>) map;
    }
    throw new ConfigException(
        "command-line argument '"
            + argument
            + "': "
            + path
            + " is "
            + PlainTrees.describe(container)
            + ", not a mapping, so it has no keys to set");
  }

  @SuppressWarnings("unchecked")
  private static List<Object> asList(Object container, String path, String argument) {
    if (container instanceof List<?> list) {
      return (List<Object>) list;
    }
    throw new ConfigException(
        "command-line argument '"
            + argument
            + "': "
            + path
            + " is "
            + PlainTrees.describe(container)
            + ", not a list, so it has no entries to address");
  }

  private static ConfigException outOfRange(
      String argument, String listPath, int index, int size, boolean canAppend) {
    String valid = size == 0 ? "" : "valid indices are 0 to " + (size - 1);
    if (canAppend) {
      valid += (valid.isEmpty() ? "" : ", or ") + "[" + size + "] to append";
    }
    return new ConfigException(
        "command-line argument '"
            + argument
            + "': "
            + listPath
            + " has "
            + size
            + (size == 1 ? " entry" : " entries")
            + ", so ["
            + index
            + "] does not exist"
            + (valid.isEmpty() ? "" : " (" + valid + ")"));
  }

  private static String append(String path, Segment segment) {
    return segment instanceof Key key
        ? ConfigPath.key(path, key.name())
        : ConfigPath.index(path, ((Index) segment).index());
  }

  private static String pathOf(List<Segment> segments) {
    String path = "";
    for (Segment s : segments) {
      path = append(path, s);
    }
    return path;
  }
}
