package ai.noether.core.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What a file-store commit or delete leaves behind while it is under way, seen from outside: a
 * hidden pending file ({@code .*.tmp}) or a stored copy under {@code .noether/data} that no
 * manifest names. In a live stage this means a write is in flight; in the stage of a killed process
 * it means the kill cut a write short.
 */
final class StoreDebris {
  private StoreDebris() {}

  /** The first leftover found in a stage's {@code checkpoints} directory, if any. */
  static Optional<String> find(Path checkpoints) {
    try {
      Path store = checkpoints.resolve(".noether");
      Path data = store.resolve("data");
      for (Path dir : List.of(checkpoints, store, data)) {
        for (String name : names(dir)) {
          if (name.startsWith(".") && name.endsWith(".tmp")) {
            return Optional.of("pending " + name);
          }
        }
      }
      StringBuilder manifests = new StringBuilder();
      for (String name : names(store)) {
        if (name.endsWith(".manifest")) {
          manifests.append(Files.readString(store.resolve(name), StandardCharsets.UTF_8));
        }
      }
      for (String blob : names(data)) {
        if (manifests.indexOf(blob) < 0) {
          return Optional.of("unreferenced " + blob);
        }
      }
      return Optional.empty();
    } catch (NoSuchFileException e) {
      // A manifest was replaced between listing and reading: a commit is under way.
      return Optional.of("manifest being replaced: " + e.getFile());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static List<String> names(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> children = Files.list(dir)) {
      return children.map(p -> p.getFileName().toString()).toList();
    }
  }
}
