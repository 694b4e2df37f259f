package ai.noether.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.core.cli.ResumeCommandTest.Result;
import ai.noether.core.store.FileCheckpointStore;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Trust nothing on disk, as a user of {@code noether resume} and {@code noether verify} meets it:
 * damaged bytes, manifests and names of a real finished run, each found, reported with the absolute
 * path of the file, and resumed past when {@code latest} is damaged, to the same weights as a
 * resume from the checkpoint it falls back to.
 *
 * <p>One run is trained once ({@code trust}: 52 updates, checkpoints at updates 20, 40 and the
 * final 52, which {@code last} and {@code latest} share); every test damages its own copy, made
 * with {@code cp -a} so that the hard links stay hard links.
 */
class TrustedResumeTest {
  /** 13 updates per epoch, 52 in all. */
  static final String CONFIG = ResumeCommandTest.UNINTERRUPTED_CONFIG;

  static final String RUN = "trust";
  static final String LONGER = "trainer.max_epochs=6";

  @TempDir static Path shared;
  static Path trained;

  /**
   * The intact run resumed from U40 to epoch 6: what a fallback from a damaged latest must give.
   */
  static FinalState fromU40;

  /** The intact run resumed from latest to epoch 6. */
  static FinalState fromLatest;

  @TempDir Path dir;

  @BeforeAll
  static void trainOnceAndResumeIntactCopies() throws Exception {
    trained = shared.resolve("trained");
    Path config = shared.resolve("stage.yaml");
    Files.writeString(config, CONFIG);
    Result r =
        ResumeCommandTest.cli(
            shared, "train", config.toString(), "output_dir=" + trained, "run_id=" + RUN);
    assertThat(r.status()).as(r.err()).isEqualTo(NoetherCli.OK);
    assertThat(FileCheckpointStore.open(trained).list(new StageId(RUN, "train")))
        .extracting(StoredCheckpoint::describe)
        .containsExactly(
            "E1_U20_S312",
            "E3_U40_S616",
            "E4_U52_S800",
            "best.loss~valid~total @ E4_U52_S800",
            "last @ E4_U52_S800",
            "latest @ E4_U52_S800");

    Path a = copy(shared.resolve("a"));
    assertThat(resume(a, "--checkpoint", "U40", LONGER).status()).isEqualTo(NoetherCli.OK);
    fromU40 = FinalState.read(a, RUN);
    Path b = copy(shared.resolve("b"));
    assertThat(resume(b, LONGER).status()).isEqualTo(NoetherCli.OK);
    fromLatest = FinalState.read(b, RUN);
  }

  @Test
  void aFlippedDataByteInLatestFallsBackToTheNewestCheckpointThatVerifiesAndEndsLikeAResumeFromIt()
      throws Exception {
    Path runs = copy(dir);
    Path damaged = checkpoints(runs).resolve("net_cp=latest_model.th");
    flipByteInTheMiddle(damaged);

    Result r = resume(runs, LONGER);

    assertThat(r.status()).as(r.err()).isEqualTo(NoetherCli.OK);
    assertThat(r.err())
        .contains(
            "checkpoint latest @ E4_U52_S800 of trust/train failed verification: file "
                + damaged
                + " of checkpoint latest @ E4_U52_S800 is corrupt: its CRC32C is ")
        .contains(
            "The same damaged bytes are also E4_U52_S800, last (one stored copy under several names)")
        .contains("Continuing from E3_U40_S616, the newest checkpoint of the stage that verifies");
    assertThat(FinalState.read(runs, RUN)).isEqualTo(fromU40);
  }

  @Test
  void theResumeKeysOfAConfigurationFileFallBackTooUnlessResumeFallbackIsFalse() throws Exception {
    Path runs = copy(dir);
    flipByteInTheMiddle(checkpoints(runs).resolve("net_cp=latest_model.th"));
    Path config = dir.resolve("stage.yaml");
    Files.writeString(config, CONFIG);
    List<String> train =
        List.of(
            "train",
            config.toString(),
            "output_dir=" + runs,
            "run_id=" + RUN,
            "resume_run_id=" + RUN,
            LONGER);

    Result refused = ResumeCommandTest.cli(dir, concat(train, "resume_fallback=false"));

    assertThat(refused.status()).as(refused.err()).isEqualTo(NoetherCli.FAILURE);
    assertThat(refused.err()).contains("E3_U40_S616 verifies").doesNotContain("\tat ");

    Result r = ResumeCommandTest.cli(dir, concat(train));

    assertThat(r.status()).as(r.err()).isEqualTo(NoetherCli.OK);
    assertThat(FinalState.read(runs, RUN)).isEqualTo(fromU40);
  }

  @Test
  void withoutFallbackADamagedLatestIsAnErrorNamingTheFileTheTagsSharingItAndWhatWouldWork()
      throws Exception {
    Path runs = copy(dir);
    Path damaged = checkpoints(runs).resolve("net_cp=latest_model.th");
    flipByteInTheMiddle(damaged);
    List<StoredCheckpoint> before = FileCheckpointStore.open(runs).list(new StageId(RUN, "train"));

    for (List<String> noFallback :
        List.of(List.of("--no-fallback"), List.of("resume_fallback=false"))) {
      Result r = resume(runs, noFallback.toArray(String[]::new));

      assertThat(r.status()).as(r.err()).isEqualTo(NoetherCli.FAILURE);
      assertThat(r.err())
          .startsWith(
              "checkpoint latest @ E4_U52_S800 of trust/train failed verification: file "
                  + damaged
                  + " of checkpoint latest @ E4_U52_S800 is corrupt")
          .contains("The same damaged bytes are also E4_U52_S800, last")
          .contains("E3_U40_S616 verifies: resume from it with --checkpoint E3_U40_S616")
          .doesNotContain("\tat ")
          .doesNotContain("unexpected failure");
    }
    assertThat(FileCheckpointStore.open(runs).list(new StageId(RUN, "train")))
        .as("nothing was trained")
        .isEqualTo(before);
  }

  @Test
  void anExplicitlyChosenCheckpointThatFailsIsAnErrorNamingTheFile() throws Exception {
    Path runs = copy(dir);
    flipByteInTheMiddle(checkpoints(runs).resolve("net_cp=latest_model.th"));

    Result r = resume(runs, "--checkpoint", "E4_U52_S800");

    assertThat(r.status()).as(r.err()).isEqualTo(NoetherCli.FAILURE);
    assertThat(r.err())
        .startsWith(
            "checkpoint E4_U52_S800 of trust/train failed verification: file "
                + checkpoints(runs).resolve("net_cp=E4_U52_S800_model.th")
                + " of checkpoint E4_U52_S800 is corrupt")
        .contains("The same damaged bytes are also last, latest")
        .contains("E3_U40_S616 verifies")
        .doesNotContain("\tat ");
  }

  /** Today's code resumes at update 56 with exit 0 and ends with other weights. */
  @Test
  void aFlippedCounterInTheLatestManifestIsFoundAndTheResumeEndsLikeOneFromTheIntactCheckpoint()
      throws Exception {
    Path runs = copy(dir);
    Path manifest = checkpoints(runs).resolve(".noether/latest.manifest");
    flipBit(manifest, "\"update\" : 52", 0x04);
    assertThat(Files.readString(manifest)).contains("\"update\" : 56");

    Result r = resume(runs, LONGER);

    assertThat(r.status()).as(r.err()).isEqualTo(NoetherCli.OK);
    assertThat(r.err())
        .contains(
            "checkpoint manifest "
                + manifest
                + " cannot be trusted: its content does not match"
                + " its own checksum")
        .contains("Continuing from E4_U52_S800");
    assertThat(FinalState.read(runs, RUN)).isEqualTo(fromLatest);
  }

  @Test
  void aManifestWithoutItsOwnChecksumWhoseCountersChangedIsCaughtByTheIterationInsideTheFiles()
      throws Exception {
    Path runs = copy(dir);
    Path manifest = checkpoints(runs).resolve(".noether/latest.manifest");
    Files.writeString(
        manifest,
        asVersion1(Files.readString(manifest)).replace("\"update\" : 52", "\"update\" : 56"));

    Result r = resume(runs, "--no-fallback");

    assertThat(r.status()).as(r.err()).isEqualTo(NoetherCli.FAILURE);
    assertThat(r.err())
        .startsWith(
            "checkpoint latest @ E4_U56_S800 of trust/train failed verification: file "
                + checkpoints(runs).resolve("net_cp=latest_trainer.th")
                + " records training_iteration E4_U52_S800, but"
                + " checkpoint latest of trust/train is recorded by its store at E4_U56_S800")
        .contains("E4_U52_S800 verifies");
  }

  /** Today's code: "keeps changing while it is opened", and NoSuchFileException from cleanup. */
  @Test
  void aManifestNamingAMissingStoredCopyIsAClearErrorAndResumeFallsBackPastIt() throws Exception {
    Path runs = copy(dir);
    Path manifest = checkpoints(runs).resolve(".noether/latest.manifest");
    String json = asVersion1(Files.readString(manifest));
    Matcher blob = Pattern.compile("\"blob\" : \"([^\"]+)\"").matcher(json);
    assertThat(blob.find()).isTrue();
    Files.writeString(manifest, json.replace(blob.group(1), "0-0.gone.blob"));

    Result refused = resume(runs, "--no-fallback");

    assertThat(refused.status()).as(refused.err()).isEqualTo(NoetherCli.FAILURE);
    assertThat(refused.err())
        .contains(
            "its manifest "
                + manifest
                + " lists the stored copy "
                + checkpoints(runs).resolve(".noether/data/0-0.gone.blob")
                + ", which does not exist")
        .doesNotContain("keeps changing")
        .doesNotContain("\tat ")
        .doesNotContain("unexpected failure");

    Result resumed = resume(runs, "trainer.max_epochs=5");

    assertThat(resumed.status()).as(resumed.err()).isEqualTo(NoetherCli.OK);
    assertThat(resumed.err())
        .contains("Continuing from E4_U52_S800")
        .doesNotContain("unexpected failure");
    assertThat(verify(runs).status()).isEqualTo(VerifyCommand.OK);
  }

  @Test
  void verifyOfAnIntactRunReportsEveryCheckpointAndExitsZero() throws Exception {
    Path runs = copy(dir);

    Result r = verify(runs);

    assertThat(r.status()).as(r.out() + r.err()).isEqualTo(VerifyCommand.OK);
    assertThat(r.out())
        .contains(
            "trust/train ("
                + checkpoints(runs)
                + "): 6 checkpoint(s)\n"
                + "  ok         E1_U20_S312\n  ok         E3_U40_S616\n")
        .contains("  ok         latest @ E4_U52_S800\n")
        .contains(
            "  ok         config.yaml matches the configuration saved in latest @ E4_U52_S800")
        .endsWith("verified: no problems found\n");
  }

  @Test
  void verifyReportsEveryCheckpointThatSharesDamagedBytesAndExitsFive() throws Exception {
    Path runs = copy(dir);
    flipByteInTheMiddle(checkpoints(runs).resolve("net_cp=latest_optim.th"));

    Result r = verify(runs);

    assertThat(r.status()).isEqualTo(VerifyCommand.PROBLEMS);
    for (String tag : List.of("E4_U52_S800", "last", "latest")) {
      assertThat(r.out())
          .contains(
              "  CORRUPT    "
                  + (tag.startsWith("E") ? tag : tag + " @ E4_U52_S800")
                  + ": file "
                  + checkpoints(runs).resolve("net_cp=" + tag + "_optim.th")
                  + " of checkpoint ");
    }
    assertThat(r.out()).contains("  ok         E3_U40_S616").endsWith("3 problem(s) found\n");
    assertThat(verify(runs, "--stage", "nope").status()).isEqualTo(NoetherCli.USAGE);
    assertThat(
            ResumeCommandTest.cli(dir, "verify", "nope", "--output-dir", runs.toString()).status())
        .isEqualTo(NoetherCli.USAGE);
  }

  @Test
  void anEditedConfigYamlIsReportedByVerifyAndDoesNotChangeTheResumedRun() throws Exception {
    Path runs = copy(dir);
    Path sideFile = runs.resolve(RUN + "/train/config.yaml");
    String edited = Files.readString(sideFile).replace("seed: 5", "seed: 6");
    Files.writeString(sideFile, edited);

    Result v = verify(runs);

    assertThat(v.status()).isEqualTo(VerifyCommand.PROBLEMS);
    assertThat(v.out())
        .contains(
            "  CONFIG     "
                + sideFile
                + " differs from the configuration saved in latest @"
                + " E4_U52_S800 (a resume uses the saved one):")
        .contains("seed: 5 -> 6");
    Result r = resume(runs, LONGER);
    assertThat(r.status()).as(r.err()).isEqualTo(NoetherCli.OK);
    assertThat(FinalState.read(runs, RUN)).isEqualTo(fromLatest);
  }

  /**
   * What a writer killed while publishing names leaves: latest's model is the new one, optim and
   * trainer old.
   */
  @Test
  void namesThatMixTwoSavesAreReportedByVerifyAndRepairedWhenTheStageStartsAgain()
      throws Exception {
    Path runs = copy(dir);
    Path checkpoints = checkpoints(runs);
    for (String kind : List.of("optim", "trainer")) {
      Path name = checkpoints.resolve("net_cp=latest_" + kind + ".th");
      Files.delete(name);
      Files.createLink(name, checkpoints.resolve("net_cp=E3_U40_S616_" + kind + ".th"));
    }

    Result v = verify(runs);

    assertThat(v.status()).isEqualTo(VerifyCommand.PROBLEMS);
    assertThat(v.out())
        .contains(
            "  NAME       net_cp=latest_optim.th holds the bytes of E3_U40_S616 instead of those of"
                + " E4_U52_S800 (its training_iteration is E3_U40_S616)")
        .contains("  NAME       net_cp=latest_trainer.th holds the bytes of E3_U40_S616");

    // A start that fails right after building the store still repairs the names first. (The stage
    // finished: without a longer run the resume would be refused before any store is built.)
    Result r = resume(runs, "model.hidden_sizes=[24, 32]", "trainer.max_epochs=8");

    assertThat(r.status()).as(r.err()).isEqualTo(NoetherCli.USAGE);
    for (String kind : List.of("model", "optim", "trainer")) {
      assertThat(
              Files.isSameFile(
                  checkpoints.resolve("net_cp=latest_" + kind + ".th"),
                  checkpoints.resolve("net_cp=E4_U52_S800_" + kind + ".th")))
          .isTrue();
    }
    assertThat(verify(runs).status()).isEqualTo(VerifyCommand.OK);
  }

  private static Path copy(Path target) throws IOException, InterruptedException {
    Files.createDirectories(target);
    Path runs = target.resolve("runs");
    Process p =
        new ProcessBuilder("cp", "-a", trained.toString(), runs.toString()).inheritIO().start();
    assertThat(p.waitFor()).isZero();
    return runs;
  }

  private static String[] concat(List<String> args, String... more) {
    List<String> all = new java.util.ArrayList<>(args);
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }

  private static Path checkpoints(Path runs) {
    return runs.resolve(RUN + "/train/checkpoints");
  }

  private static Result resume(Path runs, String... args) {
    String[] all = new String[args.length + 4];
    all[0] = "resume";
    all[1] = RUN;
    all[2] = "--output-dir";
    all[3] = runs.toString();
    System.arraycopy(args, 0, all, 4, args.length);
    return ResumeCommandTest.cli(runs.getParent(), all);
  }

  private static Result verify(Path runs, String... args) {
    String[] all = new String[args.length + 4];
    all[0] = "verify";
    all[1] = RUN;
    all[2] = "--output-dir";
    all[3] = runs.toString();
    System.arraycopy(args, 0, all, 4, args.length);
    return ResumeCommandTest.cli(runs.getParent(), all);
  }

  private static void flipByteInTheMiddle(Path file) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      long position = f.length() / 2;
      f.seek(position);
      int b = f.read();
      f.seek(position);
      f.write(b ^ 0x01);
    }
  }

  private static void flipBit(Path file, String regex, int bit) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    Matcher m = Pattern.compile(regex).matcher(new String(bytes, StandardCharsets.ISO_8859_1));
    assertThat(m.find()).as(regex + " in " + file).isTrue();
    bytes[m.end() - 1] ^= (byte) bit;
    Files.write(file, bytes);
  }

  private static String asVersion1(String json) {
    return json.replace("\"noether_store_manifest\" : 2", "\"noether_store_manifest\" : 1")
        .replaceAll(",\\s*\"manifest_crc32c\" : \\d+", "");
  }
}
