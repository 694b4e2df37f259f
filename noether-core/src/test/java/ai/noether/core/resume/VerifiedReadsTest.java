package ai.noether.core.resume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.noether.api.checkpoint.CheckpointFileKind;
import ai.noether.api.checkpoint.CheckpointFileName;
import ai.noether.api.checkpoint.CheckpointKeys;
import ai.noether.api.checkpoint.CheckpointSelector;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.checkpoint.StoredFile;
import ai.noether.api.checkpoint.TrainingIteration;
import ai.noether.api.tensor.HostTensor;
import ai.noether.core.checkpoint.CheckpointContents;
import ai.noether.core.format.th.ThFormat;
import ai.noether.core.store.FileCheckpointStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code noether resume} reads the checkpoint once: choosing it (and falling back from a damaged
 * one) reads and verifies every file, and the resume that follows takes those reads over instead of
 * a second pass. Proven by damaging a file between the two steps: a second pass would refuse it.
 */
class VerifiedReadsTest {
  private static final StageId STAGE = new StageId("run1", "train");
  private static final TrainingIteration IT = new TrainingIteration(1, 10, 320);
  private static final CheckpointTag TAG = CheckpointTag.at(IT);

  @TempDir Path outputDir;
  private FileCheckpointStore store;
  private StoredCheckpoint checkpoint;
  private Path modelPath;
  private HostTensor weight;

  @BeforeEach
  void commit() throws IOException {
    store = FileCheckpointStore.builder().setOutputDir(outputDir).optFsync(false).build();
    float[] v = new float[1 << 16];
    for (int i = 0; i < v.length; i++) {
      v[i] = i * 0.25f;
    }
    weight = HostTensor.ofFloats(new long[] {v.length}, v);
    Map<String, Object> model = new LinkedHashMap<>();
    model.put(CheckpointKeys.STATE_DICT, Map.of("w", weight));
    model.put(CheckpointKeys.FORMAT_VERSION, (long) CheckpointContents.FORMAT_VERSION);
    model.put(CheckpointKeys.TRAINING_ITERATION, IT.toString());
    Map<String, Object> trainer = new LinkedHashMap<>();
    trainer.put(CheckpointKeys.FORMAT_VERSION, (long) CheckpointContents.FORMAT_VERSION);
    trainer.put(CheckpointKeys.TRAINING_ITERATION, IT.toString());
    trainer.put(CheckpointKeys.CONFIG, Map.of("seed", 5L));
    store.commit(
        STAGE,
        TAG,
        IT,
        List.of(
            ThFormat.encoder()
                .encode(CheckpointFileName.of("net", TAG, CheckpointFileKind.MODEL), model),
            ThFormat.encoder()
                .encode(CheckpointFileName.of("net", TAG, CheckpointFileKind.TRAINER), trainer)),
        Set.of(CheckpointTag.LATEST));
    checkpoint = latest();
    StoredFile modelFile = checkpoint.file("net", null, CheckpointFileKind.MODEL).orElseThrow();
    modelPath = Path.of(store.location(checkpoint, modelFile));
  }

  @Test
  void theResumeTakesOverTheVerifiedReadsAndReadsNoFileAgain() throws IOException {
    try (VerifiedReads reads = VerifiedReads.open()) {
      Map<String, Object> trainer = CheckpointReader.readForResume(store, checkpoint);
      assertThat(trainer.get(CheckpointKeys.CONFIG)).isEqualTo(Map.of("seed", 5L));
      assertThat(reads.size()).as("the model and trainer files are kept").isEqualTo(2);
      flipByteInTheMiddle(modelPath); // a second pass over the bytes would refuse the file now

      // Resolved again, as the resume's own store does.
      LoadedCheckpoint loaded = CheckpointReader.forResume(store, latest(), "net");

      assertThat(loaded.stateDict().get("w").contentEquals(weight)).isTrue();
      assertThat(loaded.trainer()).isSameAs(trainer);
      assertThat(reads.size()).as("each read is handed on once").isZero();
      assertThatThrownBy(() -> CheckpointReader.forResume(store, latest(), "net"))
          .as("taken once: a further read goes to the store")
          .isInstanceOf(CorruptFileException.class);
    }
  }

  @Test
  void outsideAScopeNothingIsKeptAndAfterItNothingIsHandedOn() throws IOException {
    CheckpointReader.readForResume(store, checkpoint);
    try (VerifiedReads reads = VerifiedReads.open()) {
      CheckpointReader.readForResume(store, checkpoint);
    }
    flipByteInTheMiddle(modelPath);

    assertThatThrownBy(() -> CheckpointReader.forResume(store, latest(), "net"))
        .isInstanceOf(CorruptFileException.class)
        .hasMessageContaining(modelPath.toString());
  }

  @Test
  void whatTheLoadDidNotTakeIsDroppedOnceTheStageIsAssembled() throws IOException {
    try (VerifiedReads reads = VerifiedReads.open()) {
      CheckpointReader.readForResume(store, checkpoint);
      VerifiedReads.dropUntaken();
      flipByteInTheMiddle(modelPath);

      assertThat(reads.size()).isZero();
      assertThatThrownBy(() -> CheckpointReader.forResume(store, latest(), "net"))
          .isInstanceOf(CorruptFileException.class);
    }
  }

  @Test
  void aDamagedFileFailsTheChoiceNamingItAndKeepsNothingOfThatCheckpoint() throws IOException {
    flipByteInTheMiddle(modelPath);
    try (VerifiedReads reads = VerifiedReads.open()) {
      assertThatThrownBy(() -> CheckpointReader.readForResume(store, checkpoint))
          .isInstanceOf(CorruptFileException.class)
          .hasMessageStartingWith(
              "file " + modelPath + " of checkpoint latest @ " + TAG.token() + " is corrupt");
      assertThat(reads.size()).isZero();
    }
  }

  private StoredCheckpoint latest() throws IOException {
    return store.resolve(STAGE, CheckpointSelector.parse("latest"));
  }

  /**
   * Replaces the file (its view and its stored copy, which share one inode) by a copy with one byte
   * flipped: new inodes, so the pages a kept read maps keep the bytes as they were verified.
   */
  private void flipByteInTheMiddle(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length / 2] ^= 0x10;
    List<Path> same;
    try (Stream<Path> all = Files.walk(outputDir)) {
      same = all.filter(Files::isRegularFile).filter(p -> isSameFile(p, file)).toList();
    }
    assertThat(same).contains(file);
    for (Path p : same) {
      Path damaged = p.resolveSibling(p.getFileName() + ".damaged");
      Files.write(damaged, bytes);
      Files.move(damaged, p, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
  }

  private static boolean isSameFile(Path a, Path b) {
    try {
      return Files.isSameFile(a, b);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
