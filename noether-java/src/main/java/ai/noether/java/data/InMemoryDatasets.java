package ai.noether.java.data;

import ai.noether.api.ConfigException;
import ai.noether.api.data.DataSource;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The data sources registered in this JVM for the {@code in-memory} dataset kind, by name. A name
 * is bound to one source for the life of the JVM unless registered again; the same name and source
 * let a run trained from Java be resumed from Java, bit for bit, as any other dataset kind.
 */
public final class InMemoryDatasets {
  private static final Map<String, DataSource> SOURCES = new ConcurrentHashMap<>();

  private InMemoryDatasets() {}

  /** Binds {@code name} to {@code source}, replacing an earlier binding. */
  public static void register(String name, DataSource source) {
    SOURCES.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(source, "source"));
  }

  /**
   * The source bound to {@code name}.
   *
   * @throws ConfigException naming the registered names when there is none
   */
  static DataSource require(String name) {
    DataSource source = SOURCES.get(name);
    if (source == null) {
      throw new ConfigException(
          "dataset.name: no in-memory dataset named '"
              + name
              + "' in this process"
              + (SOURCES.isEmpty()
                  ? ""
                  : " (registered: " + String.join(", ", new TreeSet<>(SOURCES.keySet())) + ")")
              + "; register it with NoetherConfig.dataset(name, source). In-memory data exist only in the Java process"
              + " that built them: the noether command line cannot train or resume such a run.");
    }
    return source;
  }
}
