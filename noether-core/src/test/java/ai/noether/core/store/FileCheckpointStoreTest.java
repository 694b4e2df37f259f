package ai.noether.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.noether.api.checkpoint.CheckpointFile;
import ai.noether.api.checkpoint.CheckpointFileKind;
import ai.noether.api.checkpoint.CheckpointFileName;
import ai.noether.api.checkpoint.CheckpointNotFoundException;
import ai.noether.api.checkpoint.CheckpointSelector;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.CorruptCheckpointException;
import ai.noether.api.checkpoint.InvalidNameException;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.checkpoint.StoredFile;
import ai.noether.api.checkpoint.TrainingIteration;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileCheckpointStoreTest {
  private static final StageId STAGE = new StageId("run1", "train");
  private static final TrainingIteration IT1 = new TrainingIteration(1, 10, 320);
  private static final TrainingIteration IT2 = new TrainingIteration(2, 20, 640);
  private static final TrainingIteration IT3 = new TrainingIteration(3, 30, 960);

  @TempDir Path outputDir;
  private FileCheckpointStore store;
  private Path checkpoints;

  @BeforeEach
  void openStore() {
    store = FileCheckpointStore.open(outputDir);
    checkpoints = outputDir.resolve("run1/train/checkpoints");
  }

  @Test
  void commitWritesNoetherNamesAndLatestAsHardLinksOfTheSameBytes() throws IOException {
    List<BytesFile> files = BytesFile.resumable("mlp", CheckpointTag.at(IT1), 10_000, 1);
    commit(CheckpointTag.at(IT1), files, CheckpointTag.LATEST);

    assertThat(visibleNames())
        .containsExactly(
            "mlp_cp=E1_U10_S320_model.th",
            "mlp_cp=E1_U10_S320_optim.th",
            "mlp_cp=E1_U10_S320_trainer.th",
            "mlp_cp=latest_model.th",
            "mlp_cp=latest_optim.th",
            "mlp_cp=latest_trainer.th");
    for (BytesFile f : files) {
      Path periodic = checkpoints.resolve(f.name().format());
      Path latest = checkpoints.resolve(f.name().withTag(CheckpointTag.LATEST).format());
      assertThat(Files.readAllBytes(latest)).isEqualTo(f.content());
      assertThat(Files.isSameFile(periodic, latest)).isTrue();
      // one stored copy, the periodic name and the latest name: three names, one set of bytes
      assertThat(Files.getAttribute(latest, "unix:nlink")).isEqualTo(3);
    }
    assertThat(storeNames())
        .containsExactlyInAnyOrder("E1_U10_S320.manifest", "latest.manifest", "lock", "data/");
    assertThat(Files.list(checkpoints.resolve(".noether/data")).count()).isEqualTo(3);
  }

  @Test
  void aliasMovesLatestToAnOlderCheckpointWithoutCopyingBytes() throws IOException {
    List<BytesFile> older = BytesFile.resumable("mlp", CheckpointTag.at(IT1), 5_000, 1);
    commit(CheckpointTag.at(IT1), older, CheckpointTag.LATEST);
    commit(
        CheckpointTag.at(IT2),
        BytesFile.resumable("mlp", CheckpointTag.at(IT2), 5_000, 9),
        CheckpointTag.LATEST);

    StoredCheckpoint target =
        store.alias(STAGE, CheckpointTag.at(IT1), Set.of(CheckpointTag.LATEST));

    assertThat(target.tag()).isEqualTo(CheckpointTag.at(IT1));
    StoredCheckpoint latest = store.resolve(STAGE, CheckpointSelector.of(CheckpointTag.LATEST));
    assertThat(latest.iteration()).isEqualTo(IT1);
    store.verify(latest);
    for (BytesFile f : older) {
      Path latestName = checkpoints.resolve(f.name().withTag(CheckpointTag.LATEST).format());
      assertThat(Files.isSameFile(latestName, checkpoints.resolve(f.name().format()))).isTrue();
      assertThat(Files.readAllBytes(latestName)).isEqualTo(f.content());
    }
    assertThat(Files.list(checkpoints.resolve(".noether/data")).count())
        .as("no new stored copies")
        .isEqualTo(6);
  }

  @Test
  void aliasOfATagWithoutACheckpointListsWhatExists() throws IOException {
    commit(
        CheckpointTag.at(IT1),
        BytesFile.resumable("mlp", CheckpointTag.at(IT1), 100, 1),
        CheckpointTag.LATEST);

    assertThatThrownBy(
            () -> store.alias(STAGE, CheckpointTag.at(IT3), Set.of(CheckpointTag.LATEST)))
        .isInstanceOf(CheckpointNotFoundException.class)
        .hasMessage(
            "stage run1/train has no checkpoint committed under E3_U30_S960; checkpoints: [E1_U10_S320,"
                + " latest @ E1_U10_S320]");
    assertThatThrownBy(() -> store.alias(STAGE, CheckpointTag.LATEST, Set.of(CheckpointTag.LAST)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "cannot point aliases at the alias latest; give the tag the checkpoint was committed under");
  }

  @Test
  void committedCheckpointReportsSizesAndChecksumsOfItsFiles() throws IOException {
    List<BytesFile> files = BytesFile.resumable("mlp", CheckpointTag.at(IT1), 4_321, 1);
    StoredCheckpoint stored = commit(CheckpointTag.at(IT1), files);

    assertThat(stored.tag()).isEqualTo(CheckpointTag.at(IT1));
    assertThat(stored.iteration()).isEqualTo(IT1);
    assertThat(stored.size()).isEqualTo(3 * 4_321);
    StoredFile model = stored.file("mlp", null, CheckpointFileKind.MODEL).orElseThrow();
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(files.get(0).content());
    assertThat(model.hasChecksum()).isTrue();
    assertThat(model.crc32c()).isEqualTo(crc.getValue());
    try (FileChannel channel = store.open(stored, model)) {
      assertThat(read(channel)).isEqualTo(files.get(0).content());
    }
  }

  @Test
  void fileWhoseWriterPatchesItsHeaderAfterwardsIsChecksummedAsItEndsUp() throws IOException {
    BytesFile patched =
        new BytesFile(
            CheckpointFileName.of("mlp", CheckpointTag.at(IT1), CheckpointFileKind.MODEL),
            5000,
            1) {
          @Override
          public void writeTo(WritableByteChannel channel) throws IOException {
            FileChannel out =
                (FileChannel) channel; // the file store's fast path, which a writer may take
            out.write(ByteBuffer.allocate(8)); // header placeholder
            super.writeTo(out);
            out.truncate(5000);
            out.write(
                ByteBuffer.wrap(new byte[] {'P', 'K', 3, 4}),
                0); // the header, once the sizes are known
          }
        };
    StoredCheckpoint stored = commit(CheckpointTag.at(IT1), List.of(patched));

    byte[] onDisk = Files.readAllBytes(checkpoints.resolve("mlp_cp=E1_U10_S320_model.th"));
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(onDisk);
    assertThat(stored.files().get(0).crc32c()).isEqualTo(crc.getValue());
    assertThat(onDisk).startsWith('P', 'K', 3, 4);
    store.verify(stored);
  }

  @Test
  void movingLatestKeepsOlderCheckpointsAndDeletesBytesOnlyWhenNoTagUsesThem() throws IOException {
    commit(
        CheckpointTag.at(IT1),
        BytesFile.resumable("mlp", CheckpointTag.at(IT1), 1000, 1),
        CheckpointTag.LATEST);
    List<BytesFile> second = BytesFile.resumable("mlp", CheckpointTag.at(IT2), 1000, 2);
    commit(CheckpointTag.at(IT2), second, CheckpointTag.LATEST);

    StoredCheckpoint latest = store.resolve(STAGE, CheckpointSelector.parse("latest"));
    assertThat(latest.tag()).isEqualTo(CheckpointTag.LATEST);
    assertThat(latest.iteration()).isEqualTo(IT2);
    assertThat(Files.readAllBytes(checkpoints.resolve("mlp_cp=latest_model.th")))
        .isEqualTo(second.get(0).content());
    assertThat(blobCount()).isEqualTo(6);

    store.delete(STAGE, CheckpointTag.at(IT1));
    assertThat(blobCount()).isEqualTo(3);
    assertThat(describe(store.list(STAGE))).containsExactly("E2_U20_S640", "latest @ E2_U20_S640");
  }

  @Test
  void listOrdersCheckpointsByIterationWithTheirTags() throws IOException {
    commit(
        CheckpointTag.at(IT2),
        BytesFile.resumable("mlp", CheckpointTag.at(IT2), 100, 2),
        CheckpointTag.LATEST);
    commit(CheckpointTag.at(IT1), BytesFile.resumable("mlp", CheckpointTag.at(IT1), 100, 1));
    CheckpointTag best = CheckpointTag.best("loss/valid/total");
    store.commit(
        STAGE,
        best,
        IT1,
        List.of(BytesFile.of("mlp", best, CheckpointFileKind.MODEL, 100, 9)),
        Set.of());
    CheckpointTag emergency = CheckpointTag.emergency(IT3, "signal");
    commit(emergency, BytesFile.resumable("mlp", emergency, 100, 3), CheckpointTag.LAST);

    assertThat(describe(store.list(STAGE)))
        .containsExactly(
            "E1_U10_S320",
            "best.loss~valid~total @ E1_U10_S320",
            "E2_U20_S640",
            "latest @ E2_U20_S640",
            "E3_U30_S960.signal",
            "last @ E3_U30_S960");
  }

  @Test
  void resolveFindsEveryTagAndSelectorForm() throws IOException {
    commit(CheckpointTag.at(IT1), BytesFile.resumable("mlp", CheckpointTag.at(IT1), 100, 1));
    commit(
        CheckpointTag.at(IT2),
        BytesFile.resumable("mlp", CheckpointTag.at(IT2), 100, 2),
        CheckpointTag.LATEST);
    CheckpointTag best = CheckpointTag.best("loss/valid/total");
    store.commit(
        STAGE,
        best,
        IT1,
        List.of(BytesFile.of("mlp", best, CheckpointFileKind.MODEL, 100, 9)),
        Set.of());
    CheckpointTag emergency = CheckpointTag.emergency(IT3, "signal");
    commit(emergency, BytesFile.resumable("mlp", emergency, 100, 3), CheckpointTag.LAST);

    assertThat(resolve("latest")).isEqualTo("latest @ E2_U20_S640");
    assertThat(resolve("last")).isEqualTo("last @ E3_U30_S960");
    assertThat(resolve("best.loss/valid/total")).isEqualTo("best.loss~valid~total @ E1_U10_S320");
    assertThat(resolve("best.loss~valid~total")).isEqualTo("best.loss~valid~total @ E1_U10_S320");
    assertThat(resolve("E2")).isEqualTo("E2_U20_S640");
    assertThat(resolve("U10")).isEqualTo("E1_U10_S320");
    assertThat(resolve("S640")).isEqualTo("E2_U20_S640");
    assertThat(resolve("E1_U10_S320")).isEqualTo("E1_U10_S320");
    assertThat(resolve("E3_U30_S960.signal")).isEqualTo("E3_U30_S960.signal");
    assertThat(resolve("U30")).isEqualTo("E3_U30_S960.signal");
    // the full form also finds the emergency checkpoint taken at that iteration
    assertThat(resolve("E3_U30_S960")).isEqualTo("E3_U30_S960.signal");
  }

  @Test
  void latestWithoutALatestTagIsTheNewestIterationCheckpoint() throws IOException {
    commit(CheckpointTag.at(IT2), BytesFile.resumable("mlp", CheckpointTag.at(IT2), 100, 2));
    commit(CheckpointTag.at(IT1), BytesFile.resumable("mlp", CheckpointTag.at(IT1), 100, 1));

    assertThat(resolve("latest")).isEqualTo("E2_U20_S640");
    assertThat(resolve(null)).isEqualTo("E2_U20_S640");
  }

  @Test
  void partialSelectorMatchingSeveralIterationsListsThem() throws IOException {
    TrainingIteration midEpoch = new TrainingIteration(1, 15, 480);
    commit(CheckpointTag.at(IT1), BytesFile.resumable("mlp", CheckpointTag.at(IT1), 100, 1));
    commit(
        CheckpointTag.at(midEpoch), BytesFile.resumable("mlp", CheckpointTag.at(midEpoch), 100, 2));

    assertThatThrownBy(() -> store.resolve(STAGE, CheckpointSelector.parse("E1")))
        .isInstanceOf(CheckpointNotFoundException.class)
        .hasMessage(
            "'E1' matches checkpoints at 2 different iterations in run 'run1' stage 'train' ("
                + checkpoints
                + "): E1_U10_S320, E1_U15_S480. Select one by its update (U...) or sample (S...) count, or by its full tag.");
  }

  @Test
  void unknownTagListsTheCheckpointsThatExistWithTheirIterations() throws IOException {
    commit(CheckpointTag.at(IT1), BytesFile.resumable("mlp", CheckpointTag.at(IT1), 100, 1));
    commit(
        CheckpointTag.at(IT2),
        BytesFile.resumable("mlp", CheckpointTag.at(IT2), 100, 2),
        CheckpointTag.LATEST);

    assertThatThrownBy(() -> store.resolve(STAGE, CheckpointSelector.parse("best.accuracy")))
        .isInstanceOf(CheckpointNotFoundException.class)
        .hasMessage(
            "no checkpoint 'best.accuracy' in run 'run1' stage 'train' ("
                + checkpoints
                + "). "
                + "Its checkpoints: E1_U10_S320, E2_U20_S640, latest @ E2_U20_S640.");
    assertThatThrownBy(() -> store.resolve(STAGE, CheckpointSelector.parse("U15")))
        .hasMessageStartingWith("no checkpoint matches 'U15' in run 'run1' stage 'train'")
        .hasMessageEndingWith("Its checkpoints: E1_U10_S320, E2_U20_S640, latest @ E2_U20_S640.");
    assertThatThrownBy(() -> store.resolve(STAGE, CheckpointSelector.parse("last")))
        .hasMessageStartingWith("no checkpoint 'last' in run 'run1' stage 'train'");
  }

  @Test
  void stageWithoutCheckpointsSaysSo() throws IOException {
    Files.createDirectories(outputDir.resolve("run1/train"));

    assertThatThrownBy(() -> store.resolve(STAGE, CheckpointSelector.parse("latest")))
        .isInstanceOf(CheckpointNotFoundException.class)
        .hasMessage(
            "no checkpoint 'latest' in run 'run1' stage 'train' ("
                + checkpoints
                + "). It has no checkpoints yet.");
    assertThat(store.list(STAGE)).isEmpty();
  }

  @Test
  void unknownRunListsTheRunsInOutputDir() throws IOException {
    commit(CheckpointTag.at(IT1), BytesFile.resumable("mlp", CheckpointTag.at(IT1), 100, 1));
    store.commit(
        new StageId("run2", "train"),
        CheckpointTag.at(IT1),
        IT1,
        List.copyOf(BytesFile.resumable("mlp", CheckpointTag.at(IT1), 100, 1)),
        Set.of());
    Files.createDirectories(outputDir.resolve(".hidden"));
    Files.writeString(outputDir.resolve("notes.txt"), "not a run");

    assertThat(store.runs()).containsExactly("run1", "run2");
    assertThatThrownBy(
            () -> store.resolve(new StageId("run3", "train"), CheckpointSelector.parse("latest")))
        .isInstanceOf(CheckpointNotFoundException.class)
        .hasMessage(
            "run 'run3' does not exist in output_dir " + outputDir + "; runs there: run1, run2");
    assertThatThrownBy(() -> store.stages("run3"))
        .isInstanceOf(CheckpointNotFoundException.class)
        .hasMessage(
            "run 'run3' does not exist in output_dir " + outputDir + "; runs there: run1, run2");
  }

  @Test
  void unknownRunInAMissingOutputDirSaysTheDirectoryIsMissing() {
    FileCheckpointStore nowhere = FileCheckpointStore.open(outputDir.resolve("missing"));

    assertThatThrownBy(() -> nowhere.resolve(STAGE, CheckpointSelector.parse("latest")))
        .isInstanceOf(CheckpointNotFoundException.class)
        .hasMessage(
            "run 'run1' does not exist: output_dir "
                + outputDir.resolve("missing")
                + " does not exist");
  }

  @Test
  void unknownStageListsTheStagesOfTheRun() throws IOException {
    commit(CheckpointTag.at(IT1), BytesFile.resumable("mlp", CheckpointTag.at(IT1), 100, 1));
    store.commit(
        new StageId("run1", "finetune"),
        CheckpointTag.at(IT1),
        IT1,
        List.copyOf(BytesFile.resumable("mlp", CheckpointTag.at(IT1), 100, 1)),
        Set.of());

    assertThat(store.stages("run1")).containsExactly("finetune", "train");
    assertThatThrownBy(
            () -> store.resolve(new StageId("run1", "pretrain"), CheckpointSelector.parse("E1")))
        .isInstanceOf(CheckpointNotFoundException.class)
        .hasMessage(
            "run 'run1' has no stage 'pretrain'; its stages: finetune, train (in "
                + outputDir.resolve("run1")
                + ")");
  }

  @Test
  void namesThatWouldEscapeOutputDirAreRejected() {
    assertThatThrownBy(() -> store.stages(".."))
        .isInstanceOf(InvalidNameException.class)
        .hasMessageContaining("run id '..' starts with '.'");
    assertThatThrownBy(() -> store.stages("a/b"))
        .isInstanceOf(InvalidNameException.class)
        .hasMessageContaining("a path separator '/'");
    assertThatThrownBy(() -> new StageId("run1", "../../etc"))
        .isInstanceOf(InvalidNameException.class);
    assertThatThrownBy(
            () -> CheckpointFileName.of("../mlp", CheckpointTag.LATEST, CheckpointFileKind.MODEL))
        .isInstanceOf(InvalidNameException.class);
  }

  @Test
  void manifestPointingOutsideTheStoreIsRefusedNamingTheFile() throws IOException {
    commit(
        CheckpointTag.at(IT1),
        BytesFile.resumable("mlp", CheckpointTag.at(IT1), 100, 1),
        CheckpointTag.LATEST);
    Path manifest = checkpoints.resolve(".noether/latest.manifest");
    String json = Files.readString(manifest);
    Files.writeString(
        manifest,
        json.replaceFirst("\"blob\" : \"[^\"]+\"", "\"blob\" : \"../../../../secret.blob\""));

    assertThat(describe(store.list(STAGE))).containsExactly("E1_U10_S320");
    assertThatThrownBy(() -> store.resolve(STAGE, CheckpointSelector.parse("latest")))
        .isInstanceOf(CorruptCheckpointException.class)
        .hasMessageContaining(manifest.toString())
        .hasMessageContaining(
            "stored file '../../../../secret.blob' of 'mlp_cp=latest_model.th' is not a plain name");
  }

  @Test
  void bestIsReplacedOnRecommitAndItsOldBytesAreDeleted() throws IOException {
    CheckpointTag best = CheckpointTag.best("loss/valid/total");
    store.commit(
        STAGE,
        best,
        IT1,
        List.of(BytesFile.of("mlp", best, CheckpointFileKind.MODEL, 500, 1)),
        Set.of());
    BytesFile better = BytesFile.of("mlp", best, CheckpointFileKind.MODEL, 700, 2);
    store.commit(STAGE, best, IT2, List.of(better), Set.of());

    assertThat(resolve("best.loss/valid/total")).isEqualTo("best.loss~valid~total @ E2_U20_S640");
    assertThat(visibleNames()).containsExactly("mlp_cp=best.loss~valid~total_model.th");
    assertThat(Files.readAllBytes(checkpoints.resolve("mlp_cp=best.loss~valid~total_model.th")))
        .isEqualTo(better.content());
    assertThat(blobCount()).isEqualTo(1);
  }

  @Test
  void replacingATagNeverDeletesFilesAnotherTagStillUses() throws IOException {
    CheckpointTag best = CheckpointTag.best("loss");
    List<BytesFile> first = BytesFile.resumable("mlp", CheckpointTag.at(IT1), 300, 1);
    commit(CheckpointTag.at(IT1), first, CheckpointTag.LATEST, best);
    commit(
        CheckpointTag.at(IT2),
        BytesFile.resumable("mlp", CheckpointTag.at(IT2), 300, 2),
        CheckpointTag.LATEST);
    store.commit(
        STAGE,
        best,
        IT2,
        List.of(BytesFile.of("mlp", best, CheckpointFileKind.MODEL, 300, 5)),
        Set.of());

    for (StoredCheckpoint c : store.list(STAGE)) {
      store.verify(c);
    }
    assertThat(describe(store.list(STAGE)))
        .containsExactly(
            "E1_U10_S320", "E2_U20_S640", "best.loss @ E2_U20_S640", "latest @ E2_U20_S640");
    assertThat(Files.readAllBytes(checkpoints.resolve("mlp_cp=E1_U10_S320_model.th")))
        .isEqualTo(first.get(0).content());
  }

  @Test
  void movingLatestToACheckpointWithFewerFilesRemovesItsOldNames() throws IOException {
    commit(
        CheckpointTag.at(IT1),
        BytesFile.resumable("mlp", CheckpointTag.at(IT1), 100, 1),
        CheckpointTag.LATEST);
    commit(
        CheckpointTag.at(IT2),
        List.of(BytesFile.of("mlp", CheckpointTag.at(IT2), CheckpointFileKind.MODEL, 100, 2)),
        CheckpointTag.LATEST);

    assertThat(visibleNames())
        .filteredOn(n -> n.contains("latest"))
        .containsExactly("mlp_cp=latest_model.th");
  }

  @Test
  void deletingAnIterationKeepsLatestThatPointsAtIt() throws IOException {
    List<BytesFile> files = BytesFile.resumable("mlp", CheckpointTag.at(IT1), 2000, 1);
    commit(CheckpointTag.at(IT1), files, CheckpointTag.LATEST);

    store.delete(STAGE, CheckpointTag.at(IT1));

    assertThat(visibleNames())
        .containsExactly(
            "mlp_cp=latest_model.th", "mlp_cp=latest_optim.th", "mlp_cp=latest_trainer.th");
    StoredCheckpoint latest = store.resolve(STAGE, CheckpointSelector.parse("latest"));
    store.verify(latest);
    assertThat(describe(store.list(STAGE))).containsExactly("latest @ E1_U10_S320");
    assertThat(Files.readAllBytes(checkpoints.resolve("mlp_cp=latest_trainer.th")))
        .isEqualTo(files.get(2).content());
  }

  @Test
  void deletingLatestKeepsTheIterationCheckpointAndDeletingAnAbsentTagDoesNothing()
      throws IOException {
    commit(
        CheckpointTag.at(IT1),
        BytesFile.resumable("mlp", CheckpointTag.at(IT1), 100, 1),
        CheckpointTag.LATEST);

    store.delete(STAGE, CheckpointTag.LATEST);
    store.delete(STAGE, CheckpointTag.best("loss"));
    store.delete(new StageId("nope", "nothing"), CheckpointTag.LATEST);

    assertThat(describe(store.list(STAGE))).containsExactly("E1_U10_S320");
    assertThat(visibleNames()).allMatch(n -> n.startsWith("mlp_cp=E1_U10_S320_"));
    store.verify(store.resolve(STAGE, CheckpointSelector.parse("E1")));
    assertThat(outputDir.resolve("nope")).doesNotExist();
  }

  @Test
  void verifyNamesAFileWhoseBytesChanged() throws IOException {
    commit(
        CheckpointTag.at(IT1),
        BytesFile.resumable("mlp", CheckpointTag.at(IT1), 5000, 1),
        CheckpointTag.LATEST);
    try (RandomAccessFile file =
        new RandomAccessFile(checkpoints.resolve("mlp_cp=E1_U10_S320_optim.th").toFile(), "rw")) {
      file.seek(1234);
      int b = file.read();
      file.seek(1234);
      file.write(b ^ 0x01);
    }

    StoredCheckpoint latest = store.resolve(STAGE, CheckpointSelector.parse("latest"));
    assertThatThrownBy(() -> store.verify(latest))
        .isInstanceOf(CorruptCheckpointException.class)
        .hasMessageStartingWith(
            "file "
                + checkpoints.resolve("mlp_cp=latest_optim.th")
                + " of checkpoint latest @ E1_U10_S320 is corrupt: its CRC32C is ")
        .hasMessageEndingWith("was recorded when it was committed");
  }

  @Test
  void verifyNamesATruncatedFile() throws IOException {
    commit(CheckpointTag.at(IT1), BytesFile.resumable("mlp", CheckpointTag.at(IT1), 5000, 1));
    try (FileChannel channel =
        FileChannel.open(
            checkpoints.resolve("mlp_cp=E1_U10_S320_trainer.th"), StandardOpenOption.WRITE)) {
      channel.truncate(4096);
    }

    assertThatThrownBy(() -> store.verify(store.resolve(STAGE, CheckpointSelector.parse("E1"))))
        .isInstanceOf(CorruptCheckpointException.class)
        .hasMessage(
            "file "
                + checkpoints.resolve("mlp_cp=E1_U10_S320_trainer.th")
                + " of checkpoint E1_U10_S320 is truncated: it has 4096 bytes, 5000 were committed");
  }

  @Test
  void checkpointsWrittenByNoetherWithoutManifestAreListedFromTheirNames() throws IOException {
    Files.createDirectories(checkpoints);
    for (TrainingIteration it : List.of(IT1, IT2)) {
      for (String kind : List.of("model", "optim", "trainer")) {
        Files.write(
            checkpoints.resolve("ab_upt_cp=" + it + "_" + kind + ".th"),
            bytes(100 + (int) it.epoch(), (int) it.epoch()));
      }
    }
    // Noether writes latest with a second torch.save: a copy, so its iteration cannot be seen from
    // outside
    Files.write(checkpoints.resolve("ab_upt_cp=latest_model.th"), bytes(102, 2));
    Files.write(checkpoints.resolve("ab_upt_ema_cp=E2_U20_S640_model.th"), bytes(50, 7));

    assertThat(describe(store.list(STAGE)))
        .containsExactly("latest @ E0_U0_S0", "E1_U10_S320", "E2_U20_S640");
    StoredCheckpoint e2 = store.resolve(STAGE, CheckpointSelector.parse("E2"));
    assertThat(e2.files())
        .extracting(f -> f.name().format())
        .containsExactly(
            "ab_upt_cp=E2_U20_S640_model.th",
            "ab_upt_cp=E2_U20_S640_optim.th",
            "ab_upt_cp=E2_U20_S640_trainer.th",
            "ab_upt_ema_cp=E2_U20_S640_model.th");
    assertThat(e2.files()).allMatch(f -> !f.hasChecksum());
    store.verify(e2);
    try (FileChannel channel = store.open(e2, e2.files().get(1))) {
      assertThat(read(channel)).isEqualTo(bytes(102, 2));
    }
    assertThatThrownBy(() -> store.resolve(STAGE, CheckpointSelector.parse("best.loss")))
        .hasMessageEndingWith(
            "Its checkpoints: latest @ unknown iteration, E1_U10_S320, E2_U20_S640.");

    try (FileChannel channel =
        FileChannel.open(
            checkpoints.resolve("ab_upt_cp=E2_U20_S640_optim.th"), StandardOpenOption.WRITE)) {
      channel.truncate(10);
    }
    assertThatThrownBy(() -> store.verify(e2))
        .isInstanceOf(CorruptCheckpointException.class)
        .hasMessageContaining("ab_upt_cp=E2_U20_S640_optim.th")
        .hasMessageEndingWith("is truncated: it has 10 bytes, 102 were listed");

    store.delete(STAGE, CheckpointTag.at(IT1));
    assertThat(describe(store.list(STAGE))).containsExactly("latest @ E0_U0_S0", "E2_U20_S640");
    assertThat(visibleNames()).noneMatch(n -> n.contains("E1_U10_S320"));
  }

  @Test
  void manifestLessLatestThatIsAHardLinkHasTheIterationOfItsTwin() throws IOException {
    Files.createDirectories(checkpoints);
    Path model = Files.write(checkpoints.resolve("mlp_cp=E2_U20_S640_model.th"), bytes(10, 1));
    Files.createLink(checkpoints.resolve("mlp_cp=latest_model.th"), model);
    Files.write(checkpoints.resolve("mlp_cp=best.loss_model.th"), bytes(10, 3));
    FileCheckpointStore probing =
        FileCheckpointStore.builder()
            .setOutputDir(outputDir)
            .optIterationProbe(file -> java.util.Optional.of(IT1))
            .build();

    assertThat(describe(probing.list(STAGE)))
        .containsExactly("best.loss @ E1_U10_S320", "E2_U20_S640", "latest @ E2_U20_S640");
  }

  @Test
  void storeCheckpointsAndNoetherCheckpointsShareAStage() throws IOException {
    Files.createDirectories(checkpoints);
    Files.write(checkpoints.resolve("mlp_cp=E1_U10_S320_model.th"), bytes(10, 1));
    Files.write(checkpoints.resolve("mlp_cp=latest_model.th"), bytes(10, 1));
    commit(
        CheckpointTag.at(IT2),
        BytesFile.resumable("mlp", CheckpointTag.at(IT2), 100, 2),
        CheckpointTag.LATEST);

    assertThat(describe(store.list(STAGE)))
        .containsExactly("E1_U10_S320", "E2_U20_S640", "latest @ E2_U20_S640");
    assertThat(store.list(STAGE).get(0).files()).allMatch(f -> !f.hasChecksum());
    assertThat(store.list(STAGE).get(2).files()).allMatch(StoredFile::hasChecksum);
  }

  @Test
  void pendingAndStrayFilesAreIgnoredByListing() throws IOException {
    commit(
        CheckpointTag.at(IT1),
        BytesFile.resumable("mlp", CheckpointTag.at(IT1), 100, 1),
        CheckpointTag.LATEST);
    Files.write(checkpoints.resolve(".mlp_cp=E9_U90_S900_model.th.1a2b.tmp"), bytes(10, 1));
    Files.write(checkpoints.resolve(".noether/.E9_U90_S900.manifest.1a2b.tmp"), bytes(10, 1));
    Files.write(
        checkpoints.resolve(".noether/data/deadbeef-1.mlp_cp=E9_U90_S900_model.th.blob"),
        bytes(10, 1));
    Files.writeString(checkpoints.resolve("README.txt"), "notes");
    Files.writeString(checkpoints.resolve("mlp_cp=sometime_model.th"), "not a tag");
    Files.createDirectories(checkpoints.resolve("mlp_cp=E5_U50_S1600_model.th"));

    assertThat(describe(store.list(STAGE))).containsExactly("E1_U10_S320", "latest @ E1_U10_S320");
  }

  @Test
  void cleanupRepairsWhatAnInterruptedWriterLeft() throws IOException {
    commit(
        CheckpointTag.at(IT1),
        BytesFile.resumable("mlp", CheckpointTag.at(IT1), 100, 1),
        CheckpointTag.LATEST);
    Set<String> committed = allFiles();
    Files.write(checkpoints.resolve(".mlp_cp=latest_model.th.77.tmp"), bytes(10, 1));
    Files.write(checkpoints.resolve(".noether/.E2_U20_S640.manifest.77.tmp"), bytes(10, 1));
    Files.write(
        checkpoints.resolve(".noether/data/deadbeef-1.mlp_cp=E2_U20_S640_model.th.blob"),
        bytes(10, 1));
    Files.delete(checkpoints.resolve("mlp_cp=latest_optim.th"));
    Files.write(checkpoints.resolve("mlp_ema=0.9_cp=latest_model.th"), bytes(10, 1));

    CleanupReport report = store.cleanup(STAGE);

    assertThat(report).isEqualTo(new CleanupReport(2, 1, 2));
    assertThat(allFiles()).isEqualTo(committed);
    assertThat(store.cleanup(STAGE).isClean()).isTrue();
    for (StoredCheckpoint c : store.list(STAGE)) {
      store.verify(c);
    }
  }

  @Test
  void failureInTheMiddleOfACommitLeavesThePreviousLatestAndNoPendingFiles() throws IOException {
    commit(
        CheckpointTag.at(IT1),
        BytesFile.resumable("mlp", CheckpointTag.at(IT1), 300_000, 1),
        CheckpointTag.LATEST);
    Set<String> before = allFiles();
    IOException injected = new IOException("injected: the encoder failed");
    List<CheckpointFile> files =
        new ArrayList<>(BytesFile.resumable("mlp", CheckpointTag.at(IT2), 300_000, 2));
    files.set(1, new FailingFile(files.get(1), 200_000, injected));

    assertThatThrownBy(
            () ->
                store.commit(
                    STAGE, CheckpointTag.at(IT2), IT2, files, Set.of(CheckpointTag.LATEST)))
        .isSameAs(injected);

    assertThat(allFiles()).isEqualTo(before);
    StoredCheckpoint latest = store.resolve(STAGE, CheckpointSelector.parse("latest"));
    assertThat(latest.iteration()).isEqualTo(IT1);
    store.verify(latest);
    assertThat(describe(store.list(STAGE))).containsExactly("E1_U10_S320", "latest @ E1_U10_S320");
  }

  @Test
  void aFileThatWritesOtherThanItsDeclaredSizeFailsTheCommitAndLeavesNothing() throws IOException {
    commit(
        CheckpointTag.at(IT1),
        BytesFile.resumable("mlp", CheckpointTag.at(IT1), 100, 1),
        CheckpointTag.LATEST);
    Set<String> before = allFiles();
    BytesFile liar =
        new BytesFile(
            CheckpointFileName.of("mlp", CheckpointTag.at(IT2), CheckpointFileKind.MODEL), 100, 2) {
          @Override
          public long size() {
            return 99;
          }
        };

    assertThatThrownBy(
            () ->
                store.commit(
                    STAGE, CheckpointTag.at(IT2), IT2, List.of(liar), Set.of(CheckpointTag.LATEST)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith(
            "checkpoint file mlp_cp=E2_U20_S640_model.th wrote 100 bytes but declared 99");
    assertThat(allFiles()).isEqualTo(before);
  }

  @Test
  void commitRejectsFilesNamedForAnotherTag() {
    List<CheckpointFile> files =
        List.copyOf(BytesFile.resumable("mlp", CheckpointTag.at(IT1), 100, 1));

    assertThatThrownBy(() -> store.commit(STAGE, CheckpointTag.at(IT2), IT2, files, Set.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "file mlp_cp=E1_U10_S320_model.th is named for tag E1_U10_S320 but is committed as part of "
                + "checkpoint E2_U20_S640");
    assertThatThrownBy(() -> store.commit(STAGE, CheckpointTag.at(IT1), IT2, files, Set.of()))
        .hasMessage("checkpoint tag E1_U10_S320 does not match its iteration E2_U20_S640");
    assertThatThrownBy(
            () ->
                store.commit(
                    STAGE, CheckpointTag.at(IT1), IT1, files, Set.of(CheckpointTag.at(IT1))))
        .hasMessage("checkpoint E1_U10_S320 lists its own tag as an alias");
    assertThat(outputDir.resolve("run1")).doesNotExist();
  }

  @Test
  void readersOnlyEverSeeCompleteCheckpointsWhileAWriterMovesLatest() throws Exception {
    commit(
        CheckpointTag.at(IT1),
        BytesFile.resumable("mlp", CheckpointTag.at(IT1), 50_000, 1),
        CheckpointTag.LATEST);
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicReference<Throwable> readerFailure = new AtomicReference<>();
    AtomicInteger verified = new AtomicInteger();
    Thread reader =
        new Thread(
            () -> {
              long newest = 0;
              while (writing.get() || verified.get() == 0) {
                try {
                  StoredCheckpoint latest =
                      store.resolve(STAGE, CheckpointSelector.parse("latest"));
                  if (latest.iteration().update() < newest) {
                    throw new AssertionError(
                        "latest went back from U" + newest + " to " + latest.iteration());
                  }
                  newest = latest.iteration().update();
                  store.verify(latest);
                  verified.incrementAndGet();
                } catch (CheckpointNotFoundException moved) {
                  // latest moved between resolve and verify: the reader resolves again
                } catch (Throwable t) {
                  readerFailure.set(t);
                  return;
                }
              }
            });
    reader.start();
    for (int i = 2; i <= 40; i++) {
      TrainingIteration it = new TrainingIteration(i, 10L * i, 320L * i);
      commit(
          CheckpointTag.at(it),
          BytesFile.resumable("mlp", CheckpointTag.at(it), 50_000, i),
          CheckpointTag.LATEST);
      if (i > 3) {
        TrainingIteration old = new TrainingIteration(i - 2, 10L * (i - 2), 320L * (i - 2));
        store.delete(STAGE, CheckpointTag.at(old));
      }
    }
    writing.set(false);
    reader.join();

    assertThat(readerFailure.get()).isNull();
    assertThat(verified.get()).isPositive();
    assertThat(describe(store.list(STAGE)))
        .containsExactly(
            "E1_U10_S320", "E39_U390_S12480", "E40_U400_S12800", "latest @ E40_U400_S12800");
  }

  // ---------------------------------------------------------------------------------------------

  private StoredCheckpoint commit(
      CheckpointTag tag, List<? extends CheckpointFile> files, CheckpointTag... aliases)
      throws IOException {
    TrainingIteration it = tag instanceof CheckpointTag.AtIteration at ? at.iteration() : IT1;
    return store.commit(STAGE, tag, it, List.copyOf(files), Set.of(aliases));
  }

  private String resolve(String selector) throws IOException {
    return store.resolve(STAGE, CheckpointSelector.parse(selector)).describe();
  }

  private static List<String> describe(List<StoredCheckpoint> checkpoints) {
    return checkpoints.stream().map(StoredCheckpoint::describe).toList();
  }

  private List<String> visibleNames() throws IOException {
    try (Stream<Path> files = Files.list(checkpoints)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> !n.startsWith("."))
          .sorted()
          .toList();
    }
  }

  private List<String> storeNames() throws IOException {
    try (Stream<Path> files = Files.list(checkpoints.resolve(".noether"))) {
      return files.map(p -> p.getFileName() + (Files.isDirectory(p) ? "/" : "")).toList();
    }
  }

  private long blobCount() throws IOException {
    try (Stream<Path> files = Files.list(checkpoints.resolve(".noether/data"))) {
      return files.count();
    }
  }

  /** Every file below the stage's checkpoint directory, relative, with its size. */
  private Set<String> allFiles() throws IOException {
    try (Stream<Path> files = Files.walk(checkpoints)) {
      return files
          .filter(Files::isRegularFile)
          .map(p -> checkpoints.relativize(p) + " " + p.toFile().length())
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }

  private static byte[] bytes(int n, int seed) {
    byte[] out = new byte[n];
    for (int i = 0; i < n; i++) {
      out[i] = (byte) (i * 31 + seed);
    }
    return out;
  }

  private static byte[] read(FileChannel channel) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(Math.toIntExact(channel.size()));
    while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
      // keep reading
    }
    return buffer.array();
  }

  /**
   * Writes the first {@code failAfter} bytes of another file, then fails the way an encoder would.
   */
  static final class FailingFile implements CheckpointFile {
    private final CheckpointFile delegate;
    private final int failAfter;
    private final IOException failure;

    FailingFile(CheckpointFile delegate, int failAfter, IOException failure) {
      this.delegate = delegate;
      this.failAfter = failAfter;
      this.failure = failure;
    }

    @Override
    public CheckpointFileName name() {
      return delegate.name();
    }

    @Override
    public long size() {
      return delegate.size();
    }

    @Override
    public void writeTo(WritableByteChannel out) throws IOException {
      out.write(ByteBuffer.wrap(new byte[failAfter]));
      throw failure;
    }
  }
}
