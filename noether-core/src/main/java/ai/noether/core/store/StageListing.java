package ai.noether.core.store;

import ai.noether.api.checkpoint.CheckpointFileKind;
import ai.noether.api.checkpoint.CheckpointFileName;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.CorruptCheckpointException;
import ai.noether.api.checkpoint.InvalidNameException;
import ai.noether.api.checkpoint.StageContents;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.checkpoint.StoredFile;
import ai.noether.api.checkpoint.TrainingIteration;
import ai.noether.core.layout.RunDirectories;
import ai.noether.core.resume.CheckpointResolver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One read of a stage's checkpoint directory: the tags committed by a manifest, and the tags found
 * only as Noether file names (written by Noether in Python, which keeps no manifest).
 *
 * <p>A tag that has a manifest is known only through it: its Noether-named files are views that the
 * writer updates after the commit point, so they are never read to decide what exists. Pending and
 * hidden files, directories and names that do not parse are ignored.
 */
final class StageListing {
  private static final Logger LOG = LoggerFactory.getLogger(StageListing.class);
  private static final int SCAN_ATTEMPTS = 5;
  private static final Set<String> REPORTED = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** Listing order: iteration, then periodic, emergency, best, last, latest, then the token. */
  static final Comparator<StoredCheckpoint> ORDER =
      Comparator.comparing(StoredCheckpoint::iteration)
          .thenComparingInt((StoredCheckpoint c) -> rank(c.tag()))
          .thenComparing(c -> c.tag().token());

  /**
   * A checkpoint as listed.
   *
   * @param checkpoint the checkpoint
   * @param fromManifest false for files written without a manifest (no store checksums)
   * @param iterationKnown false if the iteration of a manifest-less non-iteration tag could not be
   *     found; the checkpoint then carries {@link TrainingIteration#ZERO}
   */
  record Listed(StoredCheckpoint checkpoint, boolean fromManifest, boolean iterationKnown) {
    /** {@code E1_U10_S320}, {@code latest @ E1_U10_S320}, {@code latest @ unknown iteration}. */
    String describe() {
      StoredCheckpoint c = checkpoint;
      if (c.tag() instanceof CheckpointTag.AtIteration) {
        return c.tag().token();
      }
      return c.tag().token()
          + " @ "
          + (iterationKnown ? c.iteration().toString() : "unknown iteration");
    }
  }

  private final List<Listed> checkpoints;
  private final Map<CheckpointTag, CheckpointManifest> manifests;
  private final Map<CheckpointTag, CorruptCheckpointException> unreadable;
  private final Map<CheckpointTag, List<CheckpointFileName>> namesByTag;

  private StageListing(
      List<Listed> checkpoints,
      Map<CheckpointTag, CheckpointManifest> manifests,
      Map<CheckpointTag, CorruptCheckpointException> unreadable,
      Map<CheckpointTag, List<CheckpointFileName>> namesByTag) {
    this.checkpoints = checkpoints;
    this.manifests = manifests;
    this.unreadable = unreadable;
    this.namesByTag = namesByTag;
  }

  /** Complete checkpoints, in {@link #ORDER}. */
  List<Listed> checkpoints() {
    return checkpoints;
  }

  /** The complete checkpoints as the store lists them, in {@link #ORDER}. */
  List<StoredCheckpoint> stored() {
    return checkpoints.stream().map(Listed::checkpoint).toList();
  }

  /** The stage as {@link ai.noether.api.checkpoint.CheckpointStore#contents} reports it. */
  StageContents contents(StageId stage) {
    return new StageContents(
        stage,
        stored(),
        checkpoints.stream()
            .filter(l -> !l.iterationKnown())
            .map(l -> l.checkpoint().tag())
            .collect(Collectors.toSet()),
        unreadable);
  }

  /** The readable manifests of the complete checkpoints, in {@link #ORDER}. */
  List<CheckpointManifest> manifestsInOrder() {
    return checkpoints.stream()
        .map(l -> manifests.get(l.checkpoint().tag()))
        .filter(Objects::nonNull)
        .toList();
  }

  /** Readable manifests by tag. */
  Map<CheckpointTag, CheckpointManifest> manifests() {
    return manifests;
  }

  /** Tags whose manifest exists but cannot be trusted, with the reason. */
  Map<CheckpointTag, CorruptCheckpointException> unreadable() {
    return unreadable;
  }

  /** Every Noether-named file in {@code checkpoints/}, by tag. */
  Map<CheckpointTag, List<CheckpointFileName>> namesByTag() {
    return namesByTag;
  }

  /**
   * The checkpoint with this tag. Failing an exact match, a best checkpoint is also found under the
   * other spelling of its metric ({@code best.nasa%5Fscore} as older versions wrote {@code
   * best.nasa_score}, and the reverse), and under Noether (Python)'s spelling: {@code
   * best.loss/valid} finds {@code best_model.loss.valid}, and {@code best_model.m.tolerance=5}
   * finds {@code best_model.m.tolerance5} and the reverse.
   */
  Optional<Listed> find(CheckpointTag tag) {
    return CheckpointResolver.find(checkpoints, l -> l.checkpoint().tag(), tag);
  }

  /**
   * Reads the stage; a missing directory is an empty stage.
   *
   * <p>Writers create a tag's names only after its manifest, and delete them before it. So the
   * manifests are listed before and after the names: a name whose tag had a manifest in either
   * listing is a view, never a manifest-less checkpoint (a half-linked or half-deleted one would
   * otherwise look like one). If the two listings differ, a tag may have come and gone in between,
   * and the scan repeats.
   */
  static StageListing scan(StageDirectory dir, IterationProbe probe) throws IOException {
    Set<CheckpointTag> before = manifestTags(dir);
    Map<CheckpointTag, List<Path>> names = names(dir);
    Set<CheckpointTag> after = manifestTags(dir);
    for (int attempt = 1; !after.equals(before) && attempt < SCAN_ATTEMPTS; attempt++) {
      before = after;
      names = names(dir);
      after = manifestTags(dir);
    }
    Set<CheckpointTag> managed = new HashSet<>(before);
    managed.addAll(after);

    Map<CheckpointTag, CheckpointManifest> manifests = new LinkedHashMap<>();
    Map<CheckpointTag, CorruptCheckpointException> unreadable = new LinkedHashMap<>();
    for (CheckpointTag tag : after) {
      try {
        manifests.put(tag, CheckpointManifest.read(dir.manifest(tag), tag));
      } catch (NoSuchFileException e) {
        // deleted by a writer since the directory was read
      } catch (CorruptCheckpointException e) {
        // Every listing meets it again; say it once per process and damage.
        if (REPORTED.add(e.getMessage())) {
          LOG.warn("ignoring checkpoint {} of {}: {}", tag.token(), dir.stage(), e.getMessage());
        }
        unreadable.put(tag, e);
      }
    }

    Map<CheckpointTag, List<CheckpointFileName>> namesByTag = new LinkedHashMap<>();
    Map<CheckpointTag, List<Path>> legacy =
        new TreeMap<>(Comparator.comparing(CheckpointTag::token));
    for (Map.Entry<CheckpointTag, List<Path>> e : names.entrySet()) {
      namesByTag.put(
          e.getKey(),
          e.getValue().stream()
              .map(p -> CheckpointFileName.parse(p.getFileName().toString()))
              .toList());
      if (!managed.contains(e.getKey())) {
        legacy.put(e.getKey(), new ArrayList<>(e.getValue()));
      }
    }

    List<Listed> listed = new ArrayList<>();
    for (CheckpointManifest m : manifests.values()) {
      listed.add(new Listed(m.toStored(dir.stage()), true, true));
    }
    Map<Object, TrainingIteration> iterationsByFileKey = null;
    for (Map.Entry<CheckpointTag, List<Path>> e : legacy.entrySet()) {
      CheckpointTag tag = e.getKey();
      List<Path> files = e.getValue();
      files.sort(Comparator.comparing(p -> p.getFileName().toString()));
      List<StoredFile> stored = new ArrayList<>();
      Instant newest = Instant.EPOCH;
      try {
        for (Path f : files) {
          BasicFileAttributes attributes =
              Files.readAttributes(f, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
          stored.add(
              new StoredFile(
                  CheckpointFileName.parse(f.getFileName().toString()),
                  attributes.size(),
                  StoredFile.NO_CHECKSUM));
          Instant modified = attributes.lastModifiedTime().toInstant();
          newest = modified.isAfter(newest) ? modified : newest;
        }
      } catch (NoSuchFileException gone) {
        continue; // deleted while listing
      }
      TrainingIteration iteration = null;
      if (tag instanceof CheckpointTag.AtIteration at) {
        iteration = at.iteration();
      } else {
        if (iterationsByFileKey == null) {
          iterationsByFileKey = iterationsByFileKey(dir, manifests, legacy);
        }
        iteration =
            byHardLink(files, iterationsByFileKey).or(() -> probe(probe, files)).orElse(null);
      }
      listed.add(
          new Listed(
              new StoredCheckpoint(
                  dir.stage(),
                  tag,
                  iteration == null ? TrainingIteration.ZERO : iteration,
                  stored,
                  newest),
              false,
              iteration != null));
    }
    listed.sort(Comparator.comparing(Listed::checkpoint, ORDER));
    return new StageListing(List.copyOf(listed), manifests, unreadable, namesByTag);
  }

  /**
   * The iterations of iteration-tagged files by file identity: a Noether-named {@code latest} that
   * is a hard link of an iteration file (as this store writes them) has that iteration.
   */
  private static Map<Object, TrainingIteration> iterationsByFileKey(
      StageDirectory dir,
      Map<CheckpointTag, CheckpointManifest> manifests,
      Map<CheckpointTag, List<Path>> legacy) {
    Map<Object, TrainingIteration> keys = new HashMap<>();
    for (CheckpointManifest m : manifests.values()) {
      if (m.tag() instanceof CheckpointTag.AtIteration) {
        for (CheckpointManifest.Entry entry : m.files()) {
          fileKey(dir.blob(entry.blob())).ifPresent(k -> keys.put(k, m.iteration()));
        }
      }
    }
    for (Map.Entry<CheckpointTag, List<Path>> e : legacy.entrySet()) {
      if (e.getKey() instanceof CheckpointTag.AtIteration at) {
        for (Path p : e.getValue()) {
          fileKey(p).ifPresent(k -> keys.put(k, at.iteration()));
        }
      }
    }
    return keys;
  }

  private static Optional<TrainingIteration> byHardLink(
      List<Path> files, Map<Object, TrainingIteration> keys) {
    for (Path f : files) {
      Optional<TrainingIteration> it = fileKey(f).map(keys::get);
      if (it.isPresent()) {
        return it;
      }
    }
    return Optional.empty();
  }

  /**
   * Asks the probe about the tag's files until one answers: first the trained model's own weights
   * (no model info), then the trainer file, then the rest. Noether in Python may write a tag's EMA
   * weights at another interval than the model's, so the model's own file decides.
   */
  private static Optional<TrainingIteration> probe(IterationProbe probe, List<Path> files) {
    List<Path> ordered = new ArrayList<>(files);
    ordered.sort(Comparator.comparingInt(StageListing::probeRank));
    for (Path file : ordered) {
      try {
        Optional<TrainingIteration> found = probe.iterationOf(file);
        if (found.isPresent()) {
          return found;
        }
      } catch (IOException | RuntimeException e) {
        LOG.debug("cannot read the iteration of {}: {}", file, e.toString());
      }
    }
    return Optional.empty();
  }

  private static int probeRank(Path file) {
    CheckpointFileName name = CheckpointFileName.parse(file.getFileName().toString());
    if (name.kind() == CheckpointFileKind.MODEL) {
      return name.modelInfo() == null ? 0 : 2;
    }
    return name.kind() == CheckpointFileKind.TRAINER ? 1 : 3;
  }

  private static Optional<Object> fileKey(Path p) {
    try {
      return Optional.ofNullable(Files.readAttributes(p, BasicFileAttributes.class).fileKey());
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static Set<CheckpointTag> manifestTags(StageDirectory dir) throws IOException {
    Set<CheckpointTag> tags = new HashSet<>();
    for (Path file : RunDirectories.entries(dir.store())) {
      StageDirectory.manifestTag(file.getFileName().toString()).ifPresent(tags::add);
    }
    return tags;
  }

  /** The Noether-named regular files in {@code checkpoints/}, by tag. */
  private static Map<CheckpointTag, List<Path>> names(StageDirectory dir) throws IOException {
    Map<CheckpointTag, List<Path>> byTag = new LinkedHashMap<>();
    for (Path file : RunDirectories.entries(dir.checkpoints())) {
      String fileName = file.getFileName().toString();
      if (fileName.startsWith(".") || !CheckpointFileName.looksLikeCheckpointFile(fileName)) {
        continue;
      }
      CheckpointFileName name;
      try {
        name = CheckpointFileName.parse(fileName);
      } catch (InvalidNameException e) {
        continue;
      }
      if (name.format().equals(fileName) && Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
        byTag.computeIfAbsent(name.tag(), t -> new ArrayList<>()).add(file);
      }
    }
    return byTag;
  }

  private static int rank(CheckpointTag tag) {
    if (tag instanceof CheckpointTag.AtIteration at) {
      return at.isEmergency() ? 1 : 0;
    }
    if (tag instanceof CheckpointTag.Best || tag instanceof CheckpointTag.BestModel) {
      return 2;
    }
    return tag instanceof CheckpointTag.Last ? 3 : 4;
  }
}
