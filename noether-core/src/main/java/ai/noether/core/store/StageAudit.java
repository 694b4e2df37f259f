package ai.noether.core.store;

import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.CorruptCheckpointException;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.TrainingIteration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@link FileCheckpointStore#audit} found in one stage without reading file contents.
 *
 * @param stage the stage
 * @param checkpoints the stage's {@code checkpoints/} directory, absolute
 * @param unreadable manifests that cannot be trusted, by tag, with the reason (naming the file)
 * @param names Noether names that do not hold the bytes their tag's manifest lists, in tag order
 */
public record StageAudit(
    StageId stage,
    Path checkpoints,
    Map<CheckpointTag, String> unreadable,
    List<NameProblem> names) {

  public StageAudit {
    unreadable = Map.copyOf(unreadable);
    names = List.copyOf(names);
  }

  /**
   * A Noether name that disagrees with its manifest.
   *
   * @param tag the tag the name belongs to
   * @param iteration the iteration the tag's manifest records
   * @param file the name, absolute
   * @param problem what is wrong, in words ({@code is missing}, {@code holds the bytes of
   *     E1_U10_S320})
   * @param holds the iteration whose committed bytes the name holds, if the store knows them; empty
   *     when the name is missing or holds bytes no manifest lists
   */
  public record NameProblem(
      CheckpointTag tag,
      TrainingIteration iteration,
      Path file,
      String problem,
      Optional<TrainingIteration> holds) {}

  /** True if every manifest can be trusted and every name holds its tag's bytes. */
  public boolean isClean() {
    return unreadable.isEmpty() && names.isEmpty();
  }

  static StageAudit of(StageDirectory dir) throws IOException {
    StageListing listing = StageListing.scan(dir, IterationProbe.NONE);
    Map<CheckpointTag, String> unreadable = new LinkedHashMap<>();
    for (Map.Entry<CheckpointTag, CorruptCheckpointException> e : listing.unreadable().entrySet()) {
      unreadable.put(e.getKey(), e.getValue().getMessage());
    }
    // Which commit each stored copy belongs to, by file identity: a name linked to another tag's
    // copy is found by its inode, without reading it.
    Map<Object, CheckpointManifest> byFileKey = new HashMap<>();
    for (CheckpointManifest m : listing.manifests().values()) {
      for (CheckpointManifest.Entry entry : m.files()) {
        fileKey(dir.blob(entry.blob())).ifPresent(k -> byFileKey.putIfAbsent(k, m));
      }
    }
    List<NameProblem> problems = new ArrayList<>();
    for (CheckpointManifest m : listing.manifests().values()) {
      for (CheckpointManifest.Entry entry : m.files()) {
        Path name = dir.view(entry.name());
        Path blob = dir.blob(entry.blob());
        Optional<Object> blobKey = fileKey(blob);
        if (blobKey.isEmpty()) {
          problems.add(
              new NameProblem(
                  m.tag(),
                  m.iteration(),
                  name,
                  "cannot be checked: its stored copy "
                      + blob
                      + " listed in "
                      + dir.manifest(m.tag())
                      + " does not exist",
                  Optional.empty()));
          continue;
        }
        if (!Files.exists(name, LinkOption.NOFOLLOW_LINKS)) {
          problems.add(
              new NameProblem(m.tag(), m.iteration(), name, "is missing", Optional.empty()));
          continue;
        }
        Optional<Object> nameKey = fileKey(name);
        if (nameKey.equals(blobKey)) {
          continue;
        }
        CheckpointManifest other = nameKey.map(byFileKey::get).orElse(null);
        if (other != null) {
          problems.add(
              new NameProblem(
                  m.tag(),
                  m.iteration(),
                  name,
                  "holds the bytes of " + describe(other) + " instead of those of " + describe(m),
                  Optional.of(other.iteration())));
        } else {
          problems.add(
              new NameProblem(
                  m.tag(),
                  m.iteration(),
                  name,
                  "holds bytes that no manifest lists instead of" + " those of " + describe(m),
                  Optional.empty()));
        }
      }
    }
    return new StageAudit(dir.stage(), dir.checkpoints(), unreadable, problems);
  }

  private static String describe(CheckpointManifest m) {
    CheckpointTag committed = m.aliasOf() != null ? m.aliasOf() : m.tag();
    return committed instanceof CheckpointTag.AtIteration
        ? committed.token()
        : committed.token() + " @ " + m.iteration();
  }

  private static Optional<Object> fileKey(Path p) {
    try {
      return Optional.ofNullable(
          Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey());
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
