package ai.noether.core.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;

/**
 * A directory of derived binary files that data sources memory-map instead of holding data on the
 * Java heap: a text table parsed into its numbers, an array extracted from a {@code .npz} archive.
 *
 * <p>A cached file is named after its source file and a hash of the source's absolute path, size
 * and modification time and of how it was derived, so that an edited source (or other parse
 * settings) gets a new file and a resumed run reuses the old one without parsing again. Files are
 * written under a temporary name and renamed into place, so that a crash, or two processes deriving
 * the same file at once, never leave a partial file under the final name. Nothing deletes old
 * files: the directory may be removed whenever no run is reading from it.
 */
public final class DataCache {
  /** Bumped when the layout of a derived file changes, so that old files are not misread. */
  static final int LAYOUT_VERSION = 1;

  private final Path dir;

  /** A cache in {@code dir}, created when first written. */
  public DataCache(Path dir) {
    this.dir = dir.toAbsolutePath();
  }

  /** The default cache: {@code noether-data-cache} in the system's temporary directory. */
  public static DataCache inTempDir() {
    return new DataCache(Path.of(System.getProperty("java.io.tmpdir"), "noether-data-cache"));
  }

  public Path dir() {
    return dir;
  }

  /** Writes a derived file to the given (temporary) path. */
  @FunctionalInterface
  public interface Derivation {
    void writeTo(Path target) throws IOException;
  }

  /**
   * The derived file of {@code source} for {@code variant}, written by {@code derivation} when the
   * cache does not hold it yet.
   *
   * @param variant how the file is derived (the parse settings, an archive entry); part of the key
   * @param suffix the derived file's extension, e.g. {@code .f64}
   */
  public Path derived(Path source, String variant, String suffix, Derivation derivation)
      throws IOException {
    BasicFileAttributes attributes = Files.readAttributes(source, BasicFileAttributes.class);
    String key =
        source.toAbsolutePath().normalize()
            + "\0"
            + attributes.size()
            + "\0"
            + attributes.lastModifiedTime().toMillis()
            + "\0"
            + variant
            + "\0"
            + LAYOUT_VERSION;
    String name = source.getFileName() + "-" + hash(key) + suffix;
    Path target = dir.resolve(name);
    if (Files.isRegularFile(target)) {
      return target;
    }
    Files.createDirectories(dir);
    Path pending = dir.resolve(name + ".pending-" + UUID.randomUUID());
    try {
      derivation.writeTo(pending);
      try {
        Files.move(
            pending, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(pending, target, StandardCopyOption.REPLACE_EXISTING);
      }
      return target;
    } catch (IOException | RuntimeException | Error e) {
      try {
        Files.deleteIfExists(pending);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  private static String hash(String key) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 10);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
