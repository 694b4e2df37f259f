package ai.noether.callbacks.testing;

import ai.noether.api.checkpoint.CheckpointFile;
import ai.noether.api.checkpoint.CheckpointFileKind;
import ai.noether.api.checkpoint.CheckpointFileName;
import ai.noether.api.checkpoint.CheckpointNotFoundException;
import ai.noether.api.checkpoint.CheckpointSelector;
import ai.noether.api.checkpoint.CheckpointStore;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.StageBusyException;
import ai.noether.api.checkpoint.StageClaim;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.StageWriter;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.checkpoint.StoredFile;
import ai.noether.api.checkpoint.TrainingIteration;
import ai.noether.core.checkpoint.CheckpointEncoder;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A checkpoint store that keeps the state trees themselves instead of bytes: enough to test what
 * the trainer and the callbacks put into which checkpoint, and to resume from it. The encoder
 * copies each tree as writing and reading a file would ({@link StateTrees#roundTrip}).
 */
public final class InMemoryStore implements CheckpointStore {
  private final Map<StageId, Map<CheckpointTag, Entry>> stages = new LinkedHashMap<>();
  private final java.util.Set<StageId> claimed = new java.util.HashSet<>();

  private record Entry(
      CheckpointTag tag,
      TrainingIteration iteration,
      Map<CheckpointFileName, Map<String, Object>> files) {}

  /** A file holding a copied tree; it is never written anywhere. */
  private record TreeFile(CheckpointFileName name, Map<String, Object> tree)
      implements CheckpointFile {
    @Override
    public long size() {
      return 0;
    }

    @Override
    public void writeTo(WritableByteChannel out) {
      throw new UnsupportedOperationException("an in-memory file");
    }
  }

  /** The encoder that goes with this store. */
  public static CheckpointEncoder encoder() {
    return (name, tree) -> new TreeFile(name, StateTrees.roundTrip(tree));
  }

  @Override
  public synchronized StoredCheckpoint commit(
      StageId stage,
      CheckpointTag tag,
      TrainingIteration iteration,
      List<CheckpointFile> files,
      Set<CheckpointTag> aliases) {
    Map<CheckpointFileName, Map<String, Object>> trees = new LinkedHashMap<>();
    files.forEach(f -> trees.put(f.name(), ((TreeFile) f).tree()));
    Map<CheckpointTag, Entry> tags = stages.computeIfAbsent(stage, s -> new LinkedHashMap<>());
    tags.put(tag, new Entry(tag, iteration, trees));
    for (CheckpointTag alias : aliases) {
      Map<CheckpointFileName, Map<String, Object>> renamed = new LinkedHashMap<>();
      trees.forEach((name, tree) -> renamed.put(name.withTag(alias), tree));
      tags.put(alias, new Entry(alias, iteration, renamed));
    }
    return stored(stage, tags.get(tag));
  }

  @Override
  public synchronized StoredCheckpoint alias(
      StageId stage, CheckpointTag target, Set<CheckpointTag> aliases) {
    Map<CheckpointTag, Entry> tags = stages.getOrDefault(stage, Map.of());
    Entry e = tags.get(target);
    if (e == null) {
      throw new CheckpointNotFoundException("no checkpoint " + target + " in " + stage);
    }
    for (CheckpointTag alias : aliases) {
      Map<CheckpointFileName, Map<String, Object>> renamed = new LinkedHashMap<>();
      e.files().forEach((name, tree) -> renamed.put(name.withTag(alias), tree));
      tags.put(alias, new Entry(alias, e.iteration(), renamed));
    }
    return stored(stage, e);
  }

  private static StoredCheckpoint stored(StageId stage, Entry e) {
    List<StoredFile> files = new ArrayList<>();
    e.files().keySet().forEach(n -> files.add(new StoredFile(n, 0, 0)));
    return new StoredCheckpoint(stage, e.tag(), e.iteration(), files, Instant.EPOCH);
  }

  @Override
  public synchronized List<StoredCheckpoint> list(StageId stage) {
    List<StoredCheckpoint> out = new ArrayList<>();
    stages.getOrDefault(stage, Map.of()).values().forEach(e -> out.add(stored(stage, e)));
    out.sort(Comparator.comparing(StoredCheckpoint::iteration));
    return out;
  }

  /** The tokens of every tag of a stage, sorted. */
  public synchronized Set<String> tokens(StageId stage) {
    Set<String> out = new TreeSet<>();
    stages.getOrDefault(stage, Map.of()).keySet().forEach(t -> out.add(t.token()));
    return out;
  }

  /** The file names of one checkpoint, formatted, sorted. */
  public synchronized Set<String> fileNames(StageId stage, CheckpointTag tag) {
    Set<String> out = new TreeSet<>();
    entry(stage, tag).files().keySet().forEach(n -> out.add(n.format()));
    return out;
  }

  /** The iteration of one checkpoint. */
  public synchronized TrainingIteration iteration(StageId stage, CheckpointTag tag) {
    return entry(stage, tag).iteration();
  }

  /** The tree of one file. */
  public synchronized Map<String, Object> tree(
      StageId stage, CheckpointTag tag, String model, String info, CheckpointFileKind kind) {
    Map<String, Object> tree =
        entry(stage, tag).files().get(new CheckpointFileName(model, info, tag, kind));
    if (tree == null) {
      throw new AssertionError(
          "no file "
              + new CheckpointFileName(model, info, tag, kind)
              + " in "
              + fileNames(stage, tag));
    }
    return StateTrees.roundTrip(tree);
  }

  private Entry entry(StageId stage, CheckpointTag tag) {
    Entry e = stages.getOrDefault(stage, Map.of()).get(tag);
    if (e == null) {
      throw new AssertionError("no checkpoint " + tag + " in " + tokens(stage));
    }
    return e;
  }

  /** The first checkpoint the selector matches (this store's tests need no fallback rules). */
  public synchronized StoredCheckpoint resolve(StageId stage, CheckpointSelector selector) {
    return list(stage).stream()
        .filter(c -> selector.matches(c.tag()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("nothing matches " + selector));
  }

  @Override
  public SeekableByteChannel open(StoredCheckpoint checkpoint, StoredFile file) {
    throw new UnsupportedOperationException("an in-memory store has no files");
  }

  @Override
  public synchronized boolean exists(StageId stage) {
    return stages.containsKey(stage);
  }

  @Override
  public String location() {
    return "memory:";
  }

  @Override
  public void verify(StoredCheckpoint checkpoint) {}

  @Override
  public synchronized void delete(StageId stage, CheckpointTag tag) {
    stages.getOrDefault(stage, new LinkedHashMap<>()).remove(tag);
  }

  /**
   * One claim per stage within this store; it lives in memory only, so no other process shares it.
   */
  @Override
  public synchronized StageClaim claim(StageId stage, StageWriter writer) {
    if (!claimed.add(stage)) {
      throw new StageBusyException("stage " + stage + " is claimed already", stage, null);
    }
    return new StageClaim() {
      @Override
      public StageId stage() {
        return stage;
      }

      @Override
      public void close() {
        synchronized (InMemoryStore.this) {
          claimed.remove(stage);
        }
      }
    };
  }

  @Override
  public synchronized List<String> runs() {
    return stages.keySet().stream().map(StageId::runId).distinct().sorted().toList();
  }

  @Override
  public synchronized List<String> stages(String runId) {
    return stages.keySet().stream()
        .filter(s -> s.runId().equals(runId))
        .map(StageId::stageName)
        .sorted()
        .toList();
  }

  @Override
  public void close() {}
}
