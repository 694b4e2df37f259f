package ai.noether.api.checkpoint;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where a store keeps its runs: the value of {@code output_dir} (or {@code --output-dir}) as a URI
 * whose scheme selects the store. A plain path ({@code runs}, {@code /data/runs}) and a {@code
 * file:} URI ({@code file:/data/runs}, {@code file:///data/runs}) are local directories; any other
 * scheme ({@code s3://bucket/prefix}) names a store served by the factory that declares it ({@link
 * ai.noether.api.spi.CheckpointStoreFactory#schemes}).
 *
 * @param uri absolute; for {@code file} a normalised absolute path
 */
public record StoreLocation(URI uri) {
  /** The scheme of local directories. */
  public static final String FILE = "file";

  /**
   * A URI scheme: a letter, then letters, digits, {@code + - .}; two characters at least, so {@code
   * C:} is a path.
   */
  private static final Pattern SCHEME =
      Pattern.compile("([A-Za-z][A-Za-z0-9+.-]+):.*", Pattern.DOTALL);

  public StoreLocation {
    Objects.requireNonNull(uri, "uri");
    if (!uri.isAbsolute()) {
      throw new IllegalArgumentException("a store location needs a scheme: " + uri);
    }
  }

  /**
   * Parses {@code output_dir}: a relative path is resolved against {@code workingDir}.
   *
   * @throws InvalidNameException saying what is wrong and what would be valid
   */
  public static StoreLocation parse(String text, Path workingDir) {
    Objects.requireNonNull(text, "text");
    String t = text.strip();
    if (t.isEmpty()) {
      throw new InvalidNameException(
          "output_dir is empty; give a directory (runs, /data/runs) or a store URI "
              + "(file:/data/runs, s3://bucket/prefix)");
    }
    var m = SCHEME.matcher(t);
    if (!m.matches()) {
      return of(path(workingDir, t));
    }
    String scheme = m.group(1).toLowerCase(Locale.ROOT);
    URI uri;
    try {
      uri = new URI(t);
    } catch (URISyntaxException e) {
      throw new InvalidNameException(
          "'"
              + text
              + "' is not a valid store URI: "
              + e.getReason()
              + "; write it as scheme://bucket/prefix, e.g. s3://my-bucket/runs");
    }
    if (scheme.equals(FILE)) {
      String path = uri.getPath();
      if (path == null
          || path.isEmpty()
          || uri.getAuthority() != null
              && !uri.getAuthority().isEmpty()
              && !uri.getAuthority().equals("localhost")) {
        throw new InvalidNameException(
            "'"
                + text
                + "' is not a local directory; write file:/abs/path or "
                + "file:///abs/path (or a plain path)");
      }
      return of(path(workingDir, path));
    }
    if (uri.getAuthority() == null || uri.getAuthority().isEmpty()) {
      throw new InvalidNameException(
          "'" + text + "' names no bucket; write it as " + scheme + "://bucket/prefix");
    }
    return new StoreLocation(URI.create(scheme + t.substring(scheme.length())));
  }

  /** The location of a local directory. */
  public static StoreLocation of(Path directory) {
    return new StoreLocation(directory.toAbsolutePath().normalize().toUri());
  }

  /** The scheme in lower case: {@code file}, {@code s3}, ... */
  public String scheme() {
    return uri.getScheme().toLowerCase(Locale.ROOT);
  }

  /** True for a local directory ({@code file:}). */
  public boolean isLocal() {
    return scheme().equals(FILE);
  }

  /** The local directory of a {@code file:} location; empty for any other scheme. */
  public Optional<Path> localPath() {
    return isLocal() ? Optional.of(Path.of(uri)) : Optional.empty();
  }

  /**
   * A local directory for what a run keeps next to its checkpoints but regenerates or only needs on
   * this machine (plots, logs): the directory itself for {@code file:}, else {@code
   * <workingDir>/.noether-work/<scheme>/<authority>/<path>}.
   */
  public Path workDir(Path workingDir) {
    if (isLocal()) {
      return localPath().orElseThrow();
    }
    Path dir =
        workingDir
            .toAbsolutePath()
            .resolve(".noether-work")
            .resolve(scheme())
            .resolve(uri.getAuthority());
    for (String part : uri.getPath().split("/")) {
      if (!part.isEmpty() && !part.equals(".") && !part.equals("..")) {
        dir = dir.resolve(part);
      }
    }
    return dir.normalize();
  }

  /** What users wrote: the path for a local directory, the URI otherwise. */
  @Override
  public String toString() {
    return localPath().map(Path::toString).orElse(uri.toString());
  }

  private static Path path(Path workingDir, String text) {
    try {
      return workingDir.resolve(text).toAbsolutePath().normalize();
    } catch (InvalidPathException e) {
      throw new InvalidNameException("'" + text + "' is not a valid path: " + e.getReason());
    }
  }
}
