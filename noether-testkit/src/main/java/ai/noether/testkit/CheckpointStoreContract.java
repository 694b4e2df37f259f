package ai.noether.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.noether.api.Nullable;
import ai.noether.api.checkpoint.CheckpointFile;
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
import ai.noether.core.resume.CheckpointResolver;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link CheckpointStore} promises, as one JUnit 5 suite that any store runs by
 * extending it and saying how to make a fresh, empty store: {@code class
 * S3CheckpointStoreContractTest extends CheckpointStoreContract { protected CheckpointStore
 * newStore() { ... } }}. Noether's file store, its in-memory test store, the S3 store and the S3
 * store behind its cache all run it; a store plugin's tests depend on noether-testkit (test scope)
 * and do the same.
 *
 * <p>Files are written only through {@link WritableByteChannel}s, strictly in order, and read back
 * only through the contract's channels; selectors are resolved by {@link CheckpointResolver} over
 * the store's listing, so a store passes the selector rules by listing correctly.
 */
public abstract class CheckpointStoreContract {
  protected static final StageId STAGE = new StageId("run1", "train");
  protected static final TrainingIteration IT1 = new TrainingIteration(1, 10, 320);
  protected static final TrainingIteration IT2 = new TrainingIteration(2, 20, 640);
  protected static final TrainingIteration IT3 = new TrainingIteration(3, 30, 960);

  /** The store under test. */
  protected CheckpointStore store;

  /** A new store over empty storage; called before each test, closed after it. */
  protected abstract CheckpointStore newStore() throws Exception;

  @BeforeEach
  protected void openStore() throws Exception {
    store = newStore();
  }

  @AfterEach
  protected void closeStore() throws IOException {
    if (store != null) {
      store.close();
    }
  }

  // --- writing and reading bytes ---------------------------------------------------------------

  @Test
  void committedFilesReadBackByteForByteThroughSeekableChannels() throws IOException {
    StoredCheckpoint c =
        commit(STAGE, CheckpointTag.at(IT1), IT1, Set.of(CheckpointTag.LATEST), 200_000);
    assertThat(c.files()).hasSize(3);
    for (StoredFile f : c.files()) {
      byte[] expected = ContractFiles.bytes(f.name(), (int) f.size());
      try (SeekableByteChannel in = store.open(c, f)) {
        assertThat(in.size()).isEqualTo(expected.length);
        assertThat(in.position()).isZero();
        assertThat(readAll(in)).isEqualTo(expected);
        in.position(expected.length / 2);
        ByteBuffer one = ByteBuffer.allocate(1);
        assertThat(in.read(one)).isEqualTo(1);
        assertThat(one.get(0)).isEqualTo(expected[expected.length / 2]);
      }
    }
  }

  @Test
  void aRangeReadReturnsExactlyThoseBytesAndARangePastTheEndFails() throws IOException {
    StoredCheckpoint c = commit(STAGE, CheckpointTag.at(IT1), IT1, Set.of(), 50_000);
    StoredFile f = c.files().get(0);
    byte[] expected = ContractFiles.bytes(f.name(), (int) f.size());
    ByteBuffer range = store.read(c, f, 12_345, 1000);
    assertThat(range.remaining()).isEqualTo(1000);
    byte[] got = new byte[1000];
    range.get(got);
    assertThat(got).isEqualTo(java.util.Arrays.copyOfRange(expected, 12_345, 13_345));
    assertThatThrownBy(() -> store.read(c, f, f.size() - 10, 11)).isInstanceOf(EOFException.class);
  }

  @Test
  void readChannelsAreReadOnly() throws IOException {
    StoredCheckpoint c = commit(STAGE, CheckpointTag.at(IT1), IT1, Set.of(), 1000);
    try (SeekableByteChannel in = store.open(c, c.files().get(0))) {
      assertThatThrownBy(() -> in.write(ByteBuffer.wrap(new byte[] {1})))
          .isInstanceOf(NonWritableChannelException.class);
    }
  }

  @Test
  void storedFilesCarryTheSizesTheWritersDeclared() throws IOException {
    StoredCheckpoint c = commit(STAGE, CheckpointTag.at(IT1), IT1, Set.of(), 777);
    assertThat(c.files()).allSatisfy(f -> assertThat(f.size()).isEqualTo(777));
    assertThat(c.size()).isEqualTo(3 * 777);
    store.verify(c);
  }

  @Test
  void aWriterThatFailsMidFileLeavesThePreviousStateAndNothingElse() throws IOException {
    commit(STAGE, CheckpointTag.at(IT1), IT1, Set.of(CheckpointTag.LATEST), 5000);
    List<CheckpointFile> files = new ArrayList<>(files(CheckpointTag.at(IT2), 5000));
    files.set(1, ContractFiles.failingHalfway(files.get(1)));
    assertThatThrownBy(
            () ->
                store.commit(
                    STAGE, CheckpointTag.at(IT2), IT2, files, Set.of(CheckpointTag.LATEST)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("encoder failed");

    assertThat(tokens(STAGE)).containsExactly("E1_U10_S320", "latest");
    assertThat(resolve("latest").iteration()).isEqualTo(IT1);
  }

  @Test
  void aWriterThatWritesFewerBytesThanItDeclaredIsRefusedAndNothingIsListed() throws IOException {
    List<CheckpointFile> files = new ArrayList<>(files(CheckpointTag.at(IT1), 5000));
    files.set(0, ContractFiles.oneByteShort(files.get(0)));
    assertThatThrownBy(() -> store.commit(STAGE, CheckpointTag.at(IT1), IT1, files, Set.of()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("declared");
    assertThat(store.list(STAGE)).isEmpty();
  }

  @Test
  void aFileNamedForAnotherTagIsRefused() {
    List<CheckpointFile> files = files(CheckpointTag.at(IT2), 10);
    assertThatThrownBy(() -> store.commit(STAGE, CheckpointTag.at(IT1), IT1, files, Set.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(CheckpointTag.at(IT2).token());
  }

  // --- tags, aliases, deletion -----------------------------------------------------------------

  @Test
  void aliasesPointAtTheCommittedCheckpointAndMoveWithoutANewCommit() throws IOException {
    commit(STAGE, CheckpointTag.at(IT1), IT1, Set.of(CheckpointTag.LATEST), 100);
    commit(
        STAGE, CheckpointTag.at(IT2), IT2, Set.of(CheckpointTag.LATEST, CheckpointTag.LAST), 100);
    assertThat(resolve("latest").iteration()).isEqualTo(IT2);

    store.alias(STAGE, CheckpointTag.at(IT1), Set.of(CheckpointTag.LATEST));

    StoredCheckpoint latest = resolve("latest");
    assertThat(latest.tag()).isEqualTo(CheckpointTag.LATEST);
    assertThat(latest.iteration()).isEqualTo(IT1);
    assertThat(latest.files()).extracting(f -> f.name().tag()).containsOnly(CheckpointTag.LATEST);
    assertThat(readAll(latest, latest.files().get(0)))
        .isEqualTo(
            ContractFiles.bytes(latest.files().get(0).name().withTag(CheckpointTag.at(IT1)), 100));
    assertThat(resolve("last").iteration()).isEqualTo(IT2);
  }

  @Test
  void aliasingATagThatWasNeverCommittedListsWhatExists() throws IOException {
    commit(STAGE, CheckpointTag.at(IT1), IT1, Set.of(), 10);
    assertThatThrownBy(
            () -> store.alias(STAGE, CheckpointTag.at(IT3), Set.of(CheckpointTag.LATEST)))
        .isInstanceOf(CheckpointNotFoundException.class)
        .hasMessageContaining(CheckpointTag.at(IT3).token());
  }

  @Test
  void committingABestTagAgainReplacesIt() throws IOException {
    CheckpointTag best = CheckpointTag.best("loss/valid");
    commit(STAGE, best, IT1, Set.of(), 100);
    commit(STAGE, best, IT2, Set.of(), 120);
    List<StoredCheckpoint> bests =
        store.list(STAGE).stream().filter(c -> c.tag().equals(best)).toList();
    assertThat(bests).singleElement().satisfies(c -> assertThat(c.iteration()).isEqualTo(IT2));
    assertThat(readAll(bests.get(0), bests.get(0).files().get(0))).hasSize(120);
  }

  @Test
  void deletingOneTagKeepsTheBytesItsAliasesStillNeed() throws IOException {
    commit(STAGE, CheckpointTag.at(IT1), IT1, Set.of(CheckpointTag.LATEST), 3000);
    store.delete(STAGE, CheckpointTag.at(IT1));
    store.delete(STAGE, CheckpointTag.at(IT3)); // absent: nothing happens

    assertThat(tokens(STAGE)).containsExactly("latest");
    StoredCheckpoint latest = resolve("latest");
    store.verify(latest);
    assertThat(readAll(latest, latest.files().get(0)))
        .isEqualTo(
            ContractFiles.bytes(latest.files().get(0).name().withTag(CheckpointTag.at(IT1)), 3000));
  }

  @Test
  void listingIsOrderedByIterationAndKeepsStagesAndRunsApart() throws IOException {
    StageId other = new StageId("run2", "finetune");
    commit(STAGE, CheckpointTag.at(IT2), IT2, Set.of(CheckpointTag.LATEST), 10);
    commit(STAGE, CheckpointTag.at(IT1), IT1, Set.of(), 10);
    commit(other, CheckpointTag.at(IT3), IT3, Set.of(), 10);

    assertThat(store.list(STAGE))
        .extracting(StoredCheckpoint::iteration)
        .containsExactly(IT1, IT2, IT2);
    assertThat(tokens(other)).containsExactly("E3_U30_S960");
    assertThat(store.runs()).containsExactly("run1", "run2");
    assertThat(store.stages("run1")).containsExactly("train");
    assertThat(store.exists(STAGE)).isTrue();
    assertThat(store.exists(new StageId("run1", "other"))).isFalse();
    assertThat(store.exists(new StageId("run9", "train"))).isFalse();
    assertThatThrownBy(() -> store.stages("run9"))
        .isInstanceOf(CheckpointNotFoundException.class)
        .hasMessageContaining("run9")
        .hasMessageContaining("run1");
  }

  @Test
  void anEmptyStoreHasNoRunsAndRepairingAStageThatDoesNotExistDoesNothing() throws IOException {
    assertThat(store.runs()).isEmpty();
    assertThat(store.list(STAGE)).isEmpty();
    store.repair(STAGE);
    assertThat(store.runs()).isEmpty();
  }

  @Test
  void contentsListTheSameCheckpointsAsList() throws IOException {
    commit(STAGE, CheckpointTag.at(IT1), IT1, Set.of(CheckpointTag.LATEST), 10);
    assertThat(store.contents(STAGE).checkpoints()).isEqualTo(store.list(STAGE));
    assertThat(store.contents(STAGE).unreadable()).isEmpty();
    assertThat(store.location()).isNotBlank();
    assertThat(store.location(STAGE)).isNotBlank();
  }

  // --- one writer per stage ------------------------------------------------------------------

  @Test
  void aClaimedStageIsRefusedToASecondClaimUntilTheFirstIsClosed() throws IOException {
    StageWriter first =
        new StageWriter(
            4242, "node17", Instant.parse("2026-03-15T14:22:33Z"), "noether train a.yaml");
    StageWriter second =
        new StageWriter(
            4343, "node18", Instant.parse("2026-03-15T15:00:00Z"), "noether train a.yaml");
    StageClaim claim = store.claim(STAGE, first);
    try {
      assertThat(claim.stage()).isEqualTo(STAGE);
      assertThatThrownBy(() -> store.claim(STAGE, second))
          .isInstanceOf(StageBusyException.class)
          .satisfies(e -> assertThat(((StageBusyException) e).stage()).isEqualTo(STAGE));
      try (StageClaim other = store.claim(new StageId("run1", "finetune"), second)) {
        assertThat(other.stage()).isEqualTo(new StageId("run1", "finetune"));
      }
      assertThat(store.runs()).as("a claim alone makes no run appear").isEmpty();
    } finally {
      claim.close();
    }
    claim.close(); // closing again does nothing
    try (StageClaim again = store.claim(STAGE, second)) {
      assertThat(again.stage()).isEqualTo(STAGE);
    }
  }

  // --- selectors: the same answers from every store --------------------------------------------

  @Test
  void selectorsResolveTheSameWayInEveryStore() throws IOException {
    commit(STAGE, CheckpointTag.at(IT1), IT1, Set.of(), 10);
    commit(STAGE, CheckpointTag.at(IT2), IT2, Set.of(), 10);
    commit(STAGE, CheckpointTag.emergency(IT3, "signal"), IT3, Set.of(CheckpointTag.LATEST), 10);
    commit(STAGE, CheckpointTag.best("loss"), IT1, Set.of(), 10);
    store.alias(STAGE, CheckpointTag.at(IT2), Set.of(CheckpointTag.LAST));

    assertThat(resolve("latest").iteration()).isEqualTo(IT3);
    assertThat(resolve(null).iteration()).isEqualTo(IT3);
    assertThat(resolve("last").iteration()).isEqualTo(IT2);
    assertThat(resolve("best.loss").iteration()).isEqualTo(IT1);
    assertThat(resolve("E2").tag()).isEqualTo(CheckpointTag.at(IT2));
    assertThat(resolve("U10").tag()).isEqualTo(CheckpointTag.at(IT1));
    assertThat(resolve("S640").tag()).isEqualTo(CheckpointTag.at(IT2));
    assertThat(resolve("E3").tag()).isEqualTo(CheckpointTag.emergency(IT3, "signal"));
    assertThat(resolve("E3_U30_S960").tag()).isEqualTo(CheckpointTag.emergency(IT3, "signal"));
    assertThat(resolve("E3_U30_S960.signal").tag())
        .isEqualTo(CheckpointTag.emergency(IT3, "signal"));
    assertThat(resolve("E1_U10_S320").tag()).isEqualTo(CheckpointTag.at(IT1));
  }

  @Test
  void withoutALatestTagLatestIsTheNewestIterationAndPeriodicWinsOverEmergency()
      throws IOException {
    commit(STAGE, CheckpointTag.at(IT1), IT1, Set.of(), 10);
    commit(STAGE, CheckpointTag.emergency(IT2, "signal"), IT2, Set.of(), 10);
    commit(STAGE, CheckpointTag.at(IT2), IT2, Set.of(), 10);
    assertThat(resolve("latest").tag()).isEqualTo(CheckpointTag.at(IT2));
    assertThat(resolve("E2").tag()).isEqualTo(CheckpointTag.at(IT2));
  }

  @Test
  void aPartialSelectorMatchingSeveralIterationsListsThem() throws IOException {
    TrainingIteration a = new TrainingIteration(1, 10, 320);
    TrainingIteration b = new TrainingIteration(1, 15, 480);
    commit(STAGE, CheckpointTag.at(a), a, Set.of(), 10);
    commit(STAGE, CheckpointTag.at(b), b, Set.of(), 10);
    assertThatThrownBy(() -> resolve("E1"))
        .isInstanceOf(CheckpointNotFoundException.class)
        .hasMessageContaining("matches checkpoints at 2 different iterations")
        .hasMessageContaining("E1_U10_S320")
        .hasMessageContaining("E1_U15_S480");
  }

  @Test
  void whatDoesNotExistIsReportedWithWhatDoes() throws IOException {
    commit(STAGE, CheckpointTag.at(IT1), IT1, Set.of(), 10);
    assertThatThrownBy(() -> resolve("E7"))
        .isInstanceOf(CheckpointNotFoundException.class)
        .hasMessageContaining("no checkpoint matches 'E7'")
        .hasMessageContaining("Its checkpoints: E1_U10_S320.");
    assertThatThrownBy(() -> resolve("best.accuracy"))
        .isInstanceOf(CheckpointNotFoundException.class)
        .hasMessageContaining("no checkpoint 'best.accuracy'");
    assertThatThrownBy(
            () ->
                CheckpointResolver.of(store)
                    .resolve(new StageId("run1", "other"), CheckpointSelector.parse("latest")))
        .isInstanceOf(CheckpointNotFoundException.class)
        .hasMessageStartingWith("run 'run1' has no stage 'other'; its stages: train");
    assertThatThrownBy(
            () ->
                CheckpointResolver.of(store)
                    .resolve(new StageId("nope", "train"), CheckpointSelector.parse("latest")))
        .isInstanceOf(CheckpointNotFoundException.class)
        .hasMessageContaining("run 'nope' does not exist");
  }

  // --- helpers ---------------------------------------------------------------------------------

  protected StoredCheckpoint commit(
      StageId stage, CheckpointTag tag, TrainingIteration it, Set<CheckpointTag> aliases, int size)
      throws IOException {
    return store.commit(stage, tag, it, files(tag, size), aliases);
  }

  protected StoredCheckpoint resolve(@Nullable String selector) throws IOException {
    return CheckpointResolver.of(store)
        .resolve(STAGE, CheckpointSelector.parse(selector == null ? "" : selector)); // none: latest
  }

  private List<String> tokens(StageId stage) throws IOException {
    return store.list(stage).stream().map(c -> c.tag().token()).sorted().toList();
  }

  private byte[] readAll(StoredCheckpoint c, StoredFile f) throws IOException {
    try (SeekableByteChannel in = store.open(c, f)) {
      return readAll(in);
    }
  }

  private static byte[] readAll(SeekableByteChannel in) throws IOException {
    ByteBuffer b = ByteBuffer.allocate((int) in.size());
    while (b.hasRemaining() && in.read(b) >= 0) {
      // keep reading: a channel may return fewer bytes than asked
    }
    return b.array();
  }

  /** A model, optimizer and trainer file of {@code size} bytes each, named for {@code tag}. */
  protected static List<CheckpointFile> files(CheckpointTag tag, int size) {
    return ContractFiles.of(tag, size);
  }
}
