package ai.noether.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.api.checkpoint.CheckpointFile;
import ai.noether.api.checkpoint.CheckpointFileKind;
import ai.noether.api.checkpoint.CheckpointFileName;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.StoreLocation;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.checkpoint.TrainingIteration;
import ai.noether.core.format.th.ThFormat;
import ai.noether.core.store.FileCheckpointStore;
import ai.noether.core.store.memory.MemoryCheckpointStore;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The read commands go through the store that {@code --output-dir} names, chosen by its URI scheme
 * ({@code mem://} is a store with no files, registered for tests), never a hard-coded file store.
 */
class StoreUriCommandsTest {
  private static final String MEM = "mem://cli-test/runs";
  private static final TrainingIteration IT1 = new TrainingIteration(1, 10, 320);
  private static final TrainingIteration IT2 = new TrainingIteration(2, 20, 640);

  @TempDir Path dir;

  @BeforeEach
  void emptyMemory() {
    MemoryCheckpointStore.clearAll();
  }

  private String[] run(String... args) {
    return NoetherCliTest.runIn(dir, args);
  }

  private static StoredCheckpoint commit(
      ai.noether.api.checkpoint.CheckpointStore store,
      TrainingIteration at,
      Set<CheckpointTag> aliases)
      throws Exception {
    CheckpointTag tag = CheckpointTag.at(at);
    List<CheckpointFile> files =
        List.of(
            ThFormat.encoder()
                .encode(
                    CheckpointFileName.of("mlp", tag, CheckpointFileKind.MODEL),
                    Map.of("update", at.update())));
    return store.commit(new StageId("run-a", "train"), tag, at, files, aliases);
  }

  private static MemoryCheckpointStore memory() {
    return new MemoryCheckpointStore(new StoreLocation(URI.create(MEM)));
  }

  @Test
  void runsListsTheRunsOfTheStoreTheUriNames() throws Exception {
    commit(memory(), IT1, Set.of());
    commit(memory(), IT2, Set.of(CheckpointTag.LATEST));

    String[] all = run("runs", "--output-dir", MEM);
    String[] one = run("runs", "run-a", "--output-dir", MEM);

    assertThat(all[0]).isEqualTo("0");
    assertThat(all[1]).contains("run-a  (stages: train)");
    assertThat(one[0]).isEqualTo("0");
    assertThat(one[1])
        .containsPattern("E1_U10_S320 +E1_U10_S320")
        .containsPattern("latest +E2_U20_S640");
  }

  @Test
  void verifyReadsEveryFileThroughTheStoreAndReportsDamagedBytes() throws Exception {
    StoredCheckpoint c = commit(memory(), IT1, Set.of(CheckpointTag.LATEST));

    String[] clean = run("verify", "run-a", "--output-dir", MEM);
    assertThat(clean[0]).as(clean[2]).isEqualTo("0");
    assertThat(clean[1]).contains("ok         E1_U10_S320").contains("verified: no problems found");

    memory().damage(c, c.files().get(0), 200);
    String[] damaged = run("verify", "run-a", "--output-dir", MEM);
    assertThat(damaged[0]).isEqualTo(Integer.toString(VerifyCommand.PROBLEMS));
    assertThat(damaged[1]).contains("CORRUPT    E1_U10_S320").contains(MEM);
  }

  @Test
  void aFileUriIsTheSameAsItsPlainPath() throws Exception {
    try (FileCheckpointStore store = FileCheckpointStore.open(dir.resolve("runs"))) {
      commit(store, IT1, Set.of(CheckpointTag.LATEST));
    }
    String[] plain = run("runs", "run-a", "--output-dir", "runs");
    String[] uri = run("runs", "run-a", "--output-dir", dir.resolve("runs").toUri().toString());
    String[] shortUri = run("runs", "run-a", "--output-dir", "file:" + dir.resolve("runs"));

    assertThat(plain[0]).isEqualTo("0");
    assertThat(plain[1]).contains("latest");
    assertThat(uri).isEqualTo(plain);
    assertThat(shortUri).isEqualTo(plain);
  }

  @Test
  void anS3UriWithoutTheS3ModuleSaysWhichModuleServesIt() {
    String[] r = run("runs", "--output-dir", "s3://bucket/runs");

    assertThat(r[0]).isNotEqualTo("0");
    assertThat(r[2])
        .contains("no checkpoint store on the class path serves 's3:' locations")
        .contains("noether-store-s3")
        .contains("Known schemes: file:")
        .contains("mem:");
  }

  @Test
  void aUriWithoutABucketIsAnErrorNamingTheOption() {
    String[] r = run("runs", "--output-dir", "s3:runs");

    assertThat(r[0]).isNotEqualTo("0");
    assertThat(r[2]).contains("--output-dir s3:runs").contains("names no bucket");
  }
}
