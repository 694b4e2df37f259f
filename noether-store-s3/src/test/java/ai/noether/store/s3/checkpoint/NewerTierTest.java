package ai.noether.store.s3.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.api.checkpoint.CheckpointFileKind;
import ai.noether.api.checkpoint.CheckpointFileName;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.CorruptCheckpointException;
import ai.noether.api.checkpoint.StageContents;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.checkpoint.StoredFile;
import ai.noether.api.checkpoint.TrainingIteration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NewerTierTest {
  private static final StageId STAGE = new StageId("run1", "train");
  private static final TrainingIteration U10 = new TrainingIteration(1, 10, 40);
  private static final TrainingIteration U20 = new TrainingIteration(2, 20, 80);

  private static StoredCheckpoint checkpoint(CheckpointTag tag, TrainingIteration at, long crc) {
    return new StoredCheckpoint(
        STAGE,
        tag,
        at,
        List.of(
            new StoredFile(CheckpointFileName.of("mlp", tag, CheckpointFileKind.MODEL), 10, crc)),
        Instant.EPOCH);
  }

  private static StageContents contents(StoredCheckpoint... checkpoints) {
    return new StageContents(STAGE, List.of(checkpoints), Set.of(), Map.of());
  }

  @Test
  void eachTagComesFromTheNewerTierAndFromTheCacheOnATie() {
    StoredCheckpoint cachedLatest = checkpoint(CheckpointTag.LATEST, U20, 2);
    StoredCheckpoint bucketLatest = checkpoint(CheckpointTag.LATEST, U10, 1);
    StoredCheckpoint cachedLast = checkpoint(CheckpointTag.LAST, U10, 1);
    StoredCheckpoint bucketLast = checkpoint(CheckpointTag.LAST, U20, 2);
    StoredCheckpoint bothBest = checkpoint(CheckpointTag.at(U10), U10, 1);
    StoredCheckpoint bucketBest = checkpoint(CheckpointTag.at(U10), U10, 1);

    StageContents merged =
        NewerTier.merge(
            STAGE,
            contents(cachedLatest, cachedLast, bothBest),
            contents(bucketLatest, bucketLast, bucketBest),
            Set.of());

    assertThat(merged.checkpoints())
        .containsExactlyInAnyOrder(cachedLatest, bucketLast, bothBest)
        .anySatisfy(c -> assertThat(c).isSameAs(bothBest));
  }

  @Test
  void aTagWithAnUploadQueuedIsTheCachesEvenWhereTheBucketLooksNewer() {
    StoredCheckpoint bucketLatest = checkpoint(CheckpointTag.LATEST, U20, 2);

    StageContents queued =
        NewerTier.merge(STAGE, contents(), contents(bucketLatest), Set.of(CheckpointTag.LATEST));

    assertThat(queued.checkpoints()).isEmpty();
  }

  @Test
  void aTagReadableInOneTierIsNotListedAsUnreadable() {
    StoredCheckpoint cachedLatest = checkpoint(CheckpointTag.LATEST, U20, 2);
    CorruptCheckpointException damaged = new CorruptCheckpointException("damaged");
    StageContents far =
        new StageContents(
            STAGE,
            List.of(),
            Set.of(),
            Map.of(CheckpointTag.LATEST, damaged, CheckpointTag.LAST, damaged));

    StageContents merged = NewerTier.merge(STAGE, contents(cachedLatest), far, Set.of());

    assertThat(merged.unreadable()).containsOnlyKeys(CheckpointTag.LAST);
  }

  @Test
  void sameContentIgnoresTheTagTheFilesAreListedUnder() {
    assertThat(
            NewerTier.sameContent(
                checkpoint(CheckpointTag.LATEST, U10, 1),
                checkpoint(CheckpointTag.at(U10), U10, 1)))
        .isTrue();
    assertThat(
            NewerTier.sameContent(
                checkpoint(CheckpointTag.LATEST, U10, 1), checkpoint(CheckpointTag.LATEST, U10, 2)))
        .isFalse();
  }

  @Test
  void aRepairUploadsCheckpointsTheBucketLacksOrHoldsOlderButNoAliasesAndNothingWithoutChecksums() {
    StoredCheckpoint missing = checkpoint(CheckpointTag.at(U20), U20, 2);
    StoredCheckpoint older = checkpoint(CheckpointTag.at(U10), U20, 3);
    StoredCheckpoint uploaded = checkpoint(CheckpointTag.at(U10), U10, 1);
    StoredCheckpoint alias = checkpoint(CheckpointTag.LATEST, U20, 2);
    StoredCheckpoint python =
        new StoredCheckpoint(
            STAGE,
            CheckpointTag.LAST,
            U20,
            List.of(
                new StoredFile(
                    CheckpointFileName.of("mlp", CheckpointTag.LAST, CheckpointFileKind.MODEL),
                    10,
                    StoredFile.NO_CHECKSUM)),
            Instant.EPOCH);

    assertThat(NewerTier.notUploaded(List.of(missing, alias, python, older), List.of(uploaded)))
        .containsExactly(missing, older);
    assertThat(NewerTier.notUploaded(List.of(uploaded), List.of(uploaded))).isEmpty();
  }

  @Test
  void aRepairMovesAliasesTheBucketHoldsOlderOntoTheCachedCheckpointWithTheirBytes() {
    StoredCheckpoint u20 = checkpoint(CheckpointTag.at(U20), U20, 2);
    StoredCheckpoint latest = checkpoint(CheckpointTag.LATEST, U20, 2);
    StoredCheckpoint last = checkpoint(CheckpointTag.LAST, U10, 1);
    StoredCheckpoint bucketLatest = checkpoint(CheckpointTag.LATEST, U10, 1);

    assertThat(NewerTier.aliasesNotMoved(List.of(u20, latest, last), List.of(bucketLatest)))
        .containsExactly(Map.entry(CheckpointTag.LATEST, CheckpointTag.at(U20)));
    assertThat(NewerTier.aliasesNotMoved(List.of(u20, latest), List.of(latest))).isEmpty();
  }
}
