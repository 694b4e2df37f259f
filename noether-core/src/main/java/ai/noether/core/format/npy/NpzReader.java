package ai.noether.core.format.npy;

import ai.noether.api.tensor.HostTensor;
import ai.noether.core.data.DataCache;
import ai.noether.core.data.DataFileException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads one array of a NumPy {@code .npz} archive ({@code numpy.savez} or {@code
 * numpy.savez_compressed}). The archive member is extracted once into a {@link DataCache}
 * (streamed, compressed or not) and memory-mapped from there, so that an array larger than the heap
 * costs no heap; later reads of the same archive reuse the extracted file.
 */
public final class NpzReader {
  private NpzReader() {}

  /** The names of the arrays in {@code path}, in archive order. */
  public static List<String> names(Path path, String shownAs) {
    try (ZipFile zip = open(path, shownAs)) {
      List<String> names = new ArrayList<>();
      for (ZipEntry e : Collections.list(zip.entries())) {
        if (e.getName().endsWith(".npy")) {
          names.add(e.getName().substring(0, e.getName().length() - 4));
        }
      }
      return names;
    } catch (IOException e) {
      throw new DataFileException(shownAs + ": cannot be read: " + e.getMessage(), e);
    }
  }

  /**
   * Reads array {@code name} of {@code path}.
   *
   * @throws DataFileException if the archive is missing, not a zip archive, or has no such array
   *     (naming the arrays it has)
   */
  public static HostTensor read(Path path, String shownAs, String name, DataCache cache) {
    String entryName = name + ".npy";
    Path extracted;
    try (ZipFile zip = open(path, shownAs)) {
      ZipEntry entry = zip.getEntry(entryName);
      if (entry == null) {
        throw new DataFileException(
            shownAs
                + " has no array '"
                + name
                + "'; its arrays are "
                + String.join(", ", names(path, shownAs)));
      }
      // The member's name goes into the cache file's name: keep it to characters every file system
      // takes.
      String suffix = "." + name.replaceAll("[^A-Za-z0-9._-]", "_") + ".npy";
      extracted =
          cache.derived(
              path,
              "npz:" + entryName,
              suffix,
              target -> {
                try (InputStream in = zip.getInputStream(entry)) {
                  Files.copy(in, target);
                }
              });
    } catch (ZipException e) {
      throw new DataFileException(
          shownAs
              + ": array '"
              + name
              + "' cannot be extracted ("
              + e.getMessage()
              + "); the archive is damaged",
          e);
    } catch (IOException e) {
      throw new DataFileException(shownAs + ": cannot be read: " + e.getMessage(), e);
    }
    return NpyReader.read(extracted, shownAs + "#" + name);
  }

  private static ZipFile open(Path path, String shownAs) throws IOException {
    if (!Files.exists(path)) {
      throw new DataFileException(shownAs + ": no such file");
    }
    try {
      return new ZipFile(path.toFile());
    } catch (ZipException e) {
      throw new DataFileException(
          shownAs
              + ": is not a .npz archive ("
              + e.getMessage()
              + "); write it with"
              + " numpy.savez or numpy.savez_compressed",
          e);
    } catch (NoSuchFileException e) {
      throw new DataFileException(shownAs + ": no such file", e);
    }
  }
}
