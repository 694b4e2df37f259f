package ai.noether.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.noether.api.checkpoint.StageBusyException;
import ai.noether.api.checkpoint.StageClaim;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.StageWriter;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file store's writer lease ({@link FileCheckpointStore#claim}): one holder per stage across
 * processes (a real second JVM) and within one, the holder named to whoever is refused, and a lease
 * of a process killed with {@code kill -9} that blocks nobody.
 */
class StageLeaseTest {
  private static final StageId STAGE = new StageId("run1", "train");
  private static final StageWriter ME =
      new StageWriter(
          ProcessHandle.current().pid(),
          "this-host",
          Instant.parse("2026-03-15T14:22:33Z"),
          "noether train quickstart.yaml run_id=run1");

  @TempDir Path outputDir;

  @Test
  void aSecondClaimInTheSameProcessIsRefusedNamingTheFirstUntilItIsClosed() throws Exception {
    FileCheckpointStore store = FileCheckpointStore.open(outputDir);
    FileCheckpointStore otherInstance = FileCheckpointStore.open(outputDir);
    try (StageClaim claim = store.claim(STAGE, ME)) {
      assertThat(claim.stage()).isEqualTo(STAGE);
      assertThatThrownBy(() -> otherInstance.claim(STAGE, ME))
          .isInstanceOfSatisfying(
              StageBusyException.class, e -> assertThat(e.holder()).contains(ME))
          .hasMessageStartingWith(
              "stage run1/train is being trained by this process already (pid "
                  + ME.pid()
                  + " on host this-host, started 2026-03-15T14:22:33Z, command: noether train quickstart.yaml run_id=run1)")
          .hasMessageContaining(
              "wait until that one ends (or stop it), or train under another run_id or stage_name");
      // Another thread of this process is refused as well: OS locks alone would not tell them
      // apart.
      CompletableFuture<StageClaim> fromAnotherThread =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return store.claim(STAGE, ME);
                } catch (java.io.IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              });
      assertThatThrownBy(fromAnotherThread::join).hasCauseInstanceOf(StageBusyException.class);
      // Other stages are independent.
      store.claim(new StageId("run1", "finetune"), ME).close();
    }
    store.claim(STAGE, ME).close();
  }

  @Test
  void theLeaseFileNamesItsHolderAndIsApartFromTheStageAndItsCommitLock() throws Exception {
    FileCheckpointStore store = FileCheckpointStore.open(outputDir);
    Path checkpoints = outputDir.resolve("run1/train/checkpoints");
    try (StageClaim claim = store.claim(STAGE, ME)) {
      assertThat(outputDir.resolve("run1")).as("claiming creates no run directory").doesNotExist();
      assertThat(store.runs()).isEmpty();
      Path lease = outputDir.resolve(".noether/leases/run1/train.lease");
      assertThat(StageLease.parse(Files.readString(lease))).isEqualTo(ME);
      // The holder still commits: the per-commit lock is another file.
      store.commit(
          STAGE,
          ai.noether.api.checkpoint.CheckpointTag.at(IT),
          IT,
          java.util.List.copyOf(
              BytesFile.resumable("mlp", ai.noether.api.checkpoint.CheckpointTag.at(IT), 1000, 1)),
          java.util.Set.of(ai.noether.api.checkpoint.CheckpointTag.LATEST));
    }
    assertThat(store.list(STAGE)).hasSize(2);
    assertThat(store.cleanup(STAGE).isClean()).isTrue();
  }

  private static final ai.noether.api.checkpoint.TrainingIteration IT =
      new ai.noether.api.checkpoint.TrainingIteration(1, 10, 320);

  @Test
  void anotherProcessIsRefusedNamingTheHolderAndTheLeaseOfAKilledHolderBlocksNobody()
      throws Exception {
    Process holder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m",
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-cp",
                System.getProperty("java.class.path"),
                LeaseHolderMain.class.getName(),
                outputDir.toString(),
                STAGE.runId(),
                STAGE.stageName())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    try {
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
      assertThat(out.readLine()).isEqualTo("CLAIMED");
      FileCheckpointStore store = FileCheckpointStore.open(outputDir);
      assertThatThrownBy(() -> store.claim(STAGE, ME))
          .isInstanceOfSatisfying(
              StageBusyException.class,
              e -> {
                assertThat(e.holder()).isPresent();
                assertThat(e.holder().get().pid()).isEqualTo(holder.pid());
                assertThat(e.holder().get().command()).startsWith("lease-holder " + outputDir);
              })
          .hasMessageStartingWith(
              "stage run1/train is being trained by another process (pid "
                  + holder.pid()
                  + " on host test-host, started ")
          .hasMessageContaining(
              "The lease is " + outputDir.resolve(".noether/leases/run1/train.lease"));

      holder.destroyForcibly();
      assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
      // The file is still there, naming the dead holder; the kernel dropped its lock.
      assertThat(
              StageLease.parse(
                      Files.readString(outputDir.resolve(".noether/leases/run1/train.lease")))
                  .pid())
          .isEqualTo(holder.pid());
      try (StageClaim claim = store.claim(STAGE, ME)) {
        assertThat(
                StageLease.parse(
                    Files.readString(outputDir.resolve(".noether/leases/run1/train.lease"))))
            .isEqualTo(ME);
      }
    } finally {
      holder.destroyForcibly();
    }
  }

  @Test
  void partialOrForeignLeaseFilesDescribeNoHolder() {
    assertThat(StageLease.parse("")).isNull();
    assertThat(StageLease.parse("pid: 12\nhost: h\n")).isNull();
    assertThat(StageLease.parse("pid: x\nhost: h\nstarted: 2026-03-15T14:22:33Z\ncommand: c\n"))
        .isNull();
    assertThat(StageLease.parse(StageLease.format(ME))).isEqualTo(ME);
  }
}
