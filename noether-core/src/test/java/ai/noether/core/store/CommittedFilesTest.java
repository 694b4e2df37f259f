package ai.noether.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.noether.api.checkpoint.CheckpointFileKind;
import ai.noether.api.checkpoint.CheckpointFileName;
import ai.noether.api.checkpoint.CheckpointNotFoundException;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.checkpoint.StoredFile;
import ai.noether.api.checkpoint.TrainingIteration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommittedFilesTest {
  private static final StageId STAGE = new StageId("run1", "train");
  private static final TrainingIteration E1 = new TrainingIteration(1, 10, 40);
  private static final CheckpointTag AT_E1 = CheckpointTag.at(E1);

  private static CheckpointManifest manifest(CheckpointTag tag, String blob, long size, long crc) {
    CheckpointFileName name = CheckpointFileName.of("mlp", tag, CheckpointFileKind.MODEL);
    return new CheckpointManifest(
        tag,
        null,
        E1,
        Instant.parse("2026-01-02T03:04:05Z"),
        List.of(new CheckpointManifest.Entry(name, blob, size, crc)));
  }

  @Test
  void theCurrentEntryIsFoundWhileTheManifestListsTheSameBytes() {
    CheckpointManifest current = manifest(AT_E1, "c1.blob", 10, 5);
    StoredCheckpoint resolved = current.toStored(STAGE);

    assertThat(CommittedFiles.currentEntry(current, resolved, resolved.files().get(0)).blob())
        .isEqualTo("c1.blob");
  }

  @Test
  void aTagCommittedAgainAfterItWasResolvedAsksToResolveItAgain() {
    StoredCheckpoint resolved = manifest(AT_E1, "c1.blob", 10, 5).toStored(STAGE);
    CheckpointManifest newer = manifest(AT_E1, "c2.blob", 10, 6);

    assertThatThrownBy(() -> CommittedFiles.currentEntry(newer, resolved, resolved.files().get(0)))
        .isInstanceOf(CheckpointNotFoundException.class)
        .hasMessageContaining("was replaced by a newer commit (" + E1 + " at 2026-01-02T03:04:05Z)")
        .hasMessageEndingWith("after it was resolved; resolve it again");
  }

  @Test
  void aFileOfAnotherCheckpointIsRefused() {
    StoredCheckpoint resolved = manifest(AT_E1, "c1.blob", 10, 5).toStored(STAGE);
    StoredFile other =
        manifest(CheckpointTag.LATEST, "c1.blob", 10, 5).files().get(0).toStoredFile();

    assertThatThrownBy(() -> CommittedFiles.requireMember(resolved, other))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not part of checkpoint");
  }

  @Test
  void sharingListsTheOtherTagsOfTheSameStoredCopyInTheOrderGiven() {
    CheckpointManifest own = manifest(AT_E1, "c1.blob", 10, 5);
    CheckpointManifest last = own.asAlias(CheckpointTag.LAST);
    CheckpointManifest latest = own.asAlias(CheckpointTag.LATEST);
    CheckpointManifest unrelated =
        manifest(CheckpointTag.at(new TrainingIteration(2, 20, 80)), "c2.blob", 1, 1);
    StoredFile file = own.toStored(STAGE).files().get(0);

    assertThat(CommittedFiles.sharing(own, List.of(latest, own, unrelated, last), file))
        .containsExactly(CheckpointTag.LATEST, CheckpointTag.LAST);
    assertThat(CommittedFiles.sharing(null, List.of(latest, own), file)).isEmpty();
  }

  @Test
  void everyStoredCopyAManifestListsIsReferenced() {
    assertThat(
            CommittedFiles.referencedBlobs(
                List.of(
                    manifest(AT_E1, "c1.blob", 1, 1),
                    manifest(CheckpointTag.LAST, "c2.blob", 1, 1))))
        .containsExactlyInAnyOrder("c1.blob", "c2.blob");
  }

  @Test
  void aliasesMovedOntoAnAliasOrAnIterationTagAreRefusedWithTheirMessages() {
    assertThatThrownBy(
            () ->
                CommitRules.requireAliasable(
                    CheckpointTag.LATEST, java.util.Set.of(CheckpointTag.LAST)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "cannot point aliases at the alias latest; give the tag the checkpoint was committed under");
    assertThatThrownBy(() -> CommitRules.requireAliasable(AT_E1, java.util.Set.of(AT_E1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(AT_E1.token() + " is not an alias; aliases are latest and last");
  }

  @Test
  void commitIdsNameTheCommitTimeAndDifferBetweenCommitsOfOneInstant() {
    Instant at = Instant.ofEpochMilli(0x1234);
    String a = CommitRules.newCommitId(at);
    String b = CommitRules.newCommitId(at);

    assertThat(a).startsWith("1234-").matches("[0-9a-f]+-[0-9a-f]+");
    assertThat(a).isNotEqualTo(b);
  }

  @Test
  void anUnknownRunListsTheRunsThere() {
    assertThat(RunNotFound.in("nope", "/out", List.of("a", "b")))
        .hasMessage("run 'nope' does not exist in output_dir /out; runs there: a, b");
    assertThat(RunNotFound.in("nope", "s3://b/p", List.of()))
        .hasMessage("run 'nope' does not exist in output_dir s3://b/p; it has no runs yet");
  }
}
