package ai.noether.core.registry;

import ai.noether.api.Nullable;
import ai.noether.api.checkpoint.StoreLocation;
import ai.noether.api.spi.CheckpointStoreFactory;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which store factory serves which {@code output_dir} scheme: the scheme of the location picks the
 * factory ({@link CheckpointStoreFactory#schemes}), and a {@code store:} block that names a kind
 * must name one that serves it. Unknown schemes are configuration errors that list the schemes the
 * class path serves and, for the stores Noether ships in modules of their own, which module to add.
 */
public final class StoreSchemes {
  /**
   * Stores Noether provides outside noether-core, by scheme: the module to put on the class path.
   */
  public static final Map<String, String> MODULES = Map.of("s3", "noether-store-s3");

  private StoreSchemes() {}

  /** The first registered store factory that serves {@code scheme}. */
  static Optional<Registration> forScheme(List<Registration> stores, String scheme) {
    return stores.stream().filter(r -> schemes(r).contains(scheme)).findFirst();
  }

  /** The schemes a store registration serves; never null. */
  static Set<String> schemes(Registration store) {
    Set<String> schemes = ((CheckpointStoreFactory<?>) store.factory()).schemes();
    return schemes == null ? Set.of() : schemes;
  }

  /** "no store serves s3: ... known schemes ...; s3 is provided by noether-store-s3 ...". */
  static String unknownScheme(
      List<Registration> stores, String scheme, @Nullable StoreLocation location) {
    StringBuilder sb =
        new StringBuilder(
            "no checkpoint store on the class path serves '"
                + scheme
                + ":' locations"
                + (location == null ? "" : " (output_dir " + location + ")")
                + ".");
    String module = MODULES.get(scheme);
    if (module != null) {
      sb.append(" The ")
          .append(scheme)
          .append(" store is provided by the module ")
          .append(module)
          .append(": add its jar (ai.noether:")
          .append(module)
          .append(") to the class path.");
    }
    sb.append(" Known schemes: ").append(describe(stores)).append('.');
    return sb.toString();
  }

  /** {@code file (store 'file', noether-core-x.jar), ...} plus the modules that add more. */
  static String describe(List<Registration> stores) {
    Map<String, String> known = new TreeMap<>();
    for (Registration r : stores) {
      for (String s : schemes(r)) {
        known.putIfAbsent(s, s + ": (store '" + r.kind() + "', " + r.source() + ")");
      }
    }
    MODULES.forEach(
        (s, m) -> known.putIfAbsent(s, s + ": (provided by " + m + ", not on the class path)"));
    return String.join(", ", known.values());
  }
}
