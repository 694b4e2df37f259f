package ai.noether.core.config;

import ai.noether.api.ConfigException;
import java.util.HashMap;
import java.util.Map;

/**
 * Where each value of a configuration was written: a line of the YAML file or a command-line
 * argument. Every configuration error starts with the place of the value it is about (or of the
 * nearest enclosing block, for a missing key), so that users find what to fix.
 *
 * <p>Filled while the configuration is read and overridden, read-only afterwards.
 */
public final class Origins {
  private final String source;
  private final Map<String, String> places = new HashMap<>();

  /**
   * @param source the file name as the user gave it (e.g. {@code configs/run.yaml}); the place of
   *     the root and of everything not recorded more precisely
   */
  public Origins(String source) {
    this.source = source;
  }

  /** The file name the configuration came from. */
  public String source() {
    return source;
  }

  /** The place of a path, or of its nearest recorded ancestor: {@code run.yaml line 12}. */
  public String where(String path) {
    for (String p = path; ; p = ConfigPath.parent(p)) {
      String place = places.get(p);
      if (place != null) {
        return place;
      }
      if (p.isEmpty()) {
        return source;
      }
    }
  }

  /** A configuration error about {@code path}: {@code "<place>: <problem>"}. */
  public ConfigException error(String path, String problem) {
    return new ConfigException(where(path) + ": " + problem);
  }

  /** Same as {@link #error(String, String)}, keeping the exception that revealed the problem. */
  public ConfigException error(String path, String problem, Throwable cause) {
    return new ConfigException(where(path) + ": " + problem, cause);
  }

  void fileLine(String path, int line) {
    places.put(path, source + " line " + line);
  }

  void argument(String path, String argument) {
    places.put(path, "command-line argument '" + argument + "'");
  }

  /** Renumbers the places below a list after its entry {@code index} was removed. */
  void removeListEntry(String listPath, int index) {
    String removed = ConfigPath.index(listPath, index);
    places.remove(removed);
    forgetBelow(removed);
    Map<String, String> moved = new HashMap<>();
    places
        .entrySet()
        .removeIf(
            e -> {
              String path = e.getKey();
              if (!path.startsWith(listPath + "[")) {
                return false;
              }
              int close = path.indexOf(']', listPath.length());
              int i = Integer.parseInt(path.substring(listPath.length() + 1, close));
              if (i < index) {
                return false;
              }
              moved.put(
                  ConfigPath.index(listPath, i - 1) + path.substring(close + 1), e.getValue());
              return true;
            });
    places.putAll(moved);
  }

  /** Forgets the places of everything below {@code path}, whose value was replaced. */
  void forgetBelow(String path) {
    places.keySet().removeIf(p -> p.startsWith(path + ".") || p.startsWith(path + "["));
  }
}
