package ai.noether.api.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CheckpointFileNameTest {
  private static final String NAME_CHARS =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-";
  private static final String INFO_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789.,+-";

  @Test
  void formatsNoethersNamesWithAndWithoutModelInfo() {
    TrainingIteration it = new TrainingIteration(10, 100, 200);

    assertThat(
            CheckpointFileName.of("mlp", CheckpointTag.at(it), CheckpointFileKind.MODEL).format())
        .isEqualTo("mlp_cp=E10_U100_S200_model.th");
    assertThat(
            new CheckpointFileName(
                    "mlp", "ema=0.9999", CheckpointTag.LATEST, CheckpointFileKind.MODEL)
                .format())
        .isEqualTo("mlp_ema=0.9999_cp=latest_model.th");
    assertThat(
            CheckpointFileName.of(
                    "ab-upt", CheckpointTag.best("loss/valid/total"), CheckpointFileKind.MODEL)
                .format())
        .isEqualTo("ab-upt_cp=best.loss~valid~total_model.th");
    assertThat(
            CheckpointFileName.of(
                    "my_model", CheckpointTag.emergency(it, "signal"), CheckpointFileKind.TRAINER)
                .format())
        .isEqualTo("my_model_cp=E10_U100_S200.signal_trainer.th");
  }

  @Test
  void parsesWhatItFormats() {
    CheckpointFileName name =
        CheckpointFileName.parse("my_model_ema=0.999_cp=best.accuracy~valid_optim.th");

    assertThat(name.modelName()).isEqualTo("my_model");
    assertThat(name.modelInfo()).isEqualTo("ema=0.999");
    assertThat(name.tag()).isEqualTo(CheckpointTag.best("accuracy/valid"));
    assertThat(name.kind()).isEqualTo(CheckpointFileKind.OPTIM);
  }

  /** Property: every valid combination of parts survives format and parse unchanged. */
  @Test
  void randomValidNamesRoundTrip() {
    SplittableRandom random = new SplittableRandom(42);
    for (int i = 0; i < 5000; i++) {
      String model = randomName(random);
      String info = random.nextInt(3) == 0 ? null : randomInfo(random);
      CheckpointTag tag = randomTag(random);
      CheckpointFileKind kind = CheckpointFileKind.values()[random.nextInt(3)];
      CheckpointFileName name = new CheckpointFileName(model, info, tag, kind);

      assertThat(CheckpointFileName.parse(name.format())).as(name.format()).isEqualTo(name);
    }
  }

  @Test
  void refusesNamesThatWouldEscapeTheOutputDirectoryNamingTheCharacter() {
    assertThatThrownBy(
            () -> CheckpointFileName.of("../evil", CheckpointTag.LATEST, CheckpointFileKind.MODEL))
        .isInstanceOf(InvalidNameException.class)
        .hasMessage("model name '../evil' starts with '.'; it must start with a letter or digit");
    assertThatThrownBy(
            () -> CheckpointFileName.of("a/b", CheckpointTag.LATEST, CheckpointFileKind.MODEL))
        .hasMessage(
            "model name 'a/b' contains a path separator '/' at position 1; allowed are letters, digits, '.',"
                + " '_' and '-'");
    assertThatThrownBy(() -> new StageId("run", ".."))
        .hasMessage("stage name '..' starts with '.'; it must start with a letter or digit");
    assertThatThrownBy(() -> new StageId("run 1", "train"))
        .hasMessage(
            "run id 'run 1' contains whitespace at position 3; allowed are letters, digits, '.', '_' and '-'");
  }

  @Test
  void refusesNamesThatWouldBeAmbiguous() {
    assertThatThrownBy(
            () -> CheckpointFileName.of("mlp=1", CheckpointTag.LATEST, CheckpointFileKind.MODEL))
        .hasMessageContaining("model name 'mlp=1' contains '=' at position 3");
    assertThatThrownBy(
            () ->
                new CheckpointFileName(
                    "mlp", "ema_factor=0.9", CheckpointTag.LATEST, CheckpointFileKind.MODEL))
        .hasMessageContaining("'_' separates model name and model info, write '-' instead");
    assertThatThrownBy(
            () ->
                new CheckpointFileName(
                    "mlp", "ema", CheckpointTag.LATEST, CheckpointFileKind.MODEL))
        .hasMessage("model info 'ema' must have the form key=value (for example ema=0.9999)");
  }

  @Test
  void refusesFilesThatAreNotCheckpointsSayingWhichPartIsWrong() {
    assertThatThrownBy(() -> CheckpointFileName.parse("mlp_cp=latest_model.pt"))
        .hasMessage("'mlp_cp=latest_model.pt' is not a checkpoint file: it must end in .th");
    assertThatThrownBy(() -> CheckpointFileName.parse("mlp_cp=latest_weights.th"))
        .hasMessage(
            "'mlp_cp=latest_weights.th' is not a checkpoint file: it must end in _model.th, _optim.th or"
                + " _trainer.th");
    assertThatThrownBy(() -> CheckpointFileName.parse("mlp_latest_model.th"))
        .hasMessage(
            "'mlp_latest_model.th' is not a checkpoint file: the '_cp={checkpoint}' part is missing");
    assertThatThrownBy(() -> CheckpointFileName.parse("mlp_cp=E1_U2_model.th"))
        .hasMessageStartingWith("'E1_U2' is not a checkpoint tag");
  }

  private static String randomName(SplittableRandom random) {
    StringBuilder sb = new StringBuilder();
    sb.append(NAME_CHARS.charAt(random.nextInt(62)));
    int n = random.nextInt(12);
    for (int i = 0; i < n; i++) {
      sb.append(NAME_CHARS.charAt(random.nextInt(NAME_CHARS.length())));
    }
    return sb.toString();
  }

  private static String randomInfo(SplittableRandom random) {
    StringBuilder sb = new StringBuilder();
    int n = 1 + random.nextInt(6);
    for (int i = 0; i < n; i++) {
      sb.append(INFO_CHARS.charAt(random.nextInt(INFO_CHARS.length())));
    }
    sb.insert(random.nextInt(sb.length() + 1), '=');
    return sb.toString();
  }

  static CheckpointTag randomTag(SplittableRandom random) {
    TrainingIteration it =
        new TrainingIteration(
            random.nextLong(1000), random.nextLong(1L << 40), random.nextLong(Long.MAX_VALUE));
    return switch (random.nextInt(6)) {
      case 0 -> CheckpointTag.LATEST;
      case 1 -> CheckpointTag.LAST;
      case 2 -> CheckpointTag.at(it);
      case 3 -> CheckpointTag.emergency(it, random.nextBoolean() ? "signal" : "error");
      case 4 ->
          new CheckpointTag.BestModel(
              randomString(random, BEST_MODEL_CHARS, 1 + random.nextInt(30)));
      default -> CheckpointTag.best(MetricKeysTest.randomMetricKey(random));
    };
  }

  private static final String BEST_MODEL_CHARS = NAME_CHARS + "_+=,@~%";

  private static String randomString(SplittableRandom random, String chars, int length) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < length; i++) {
      b.append(chars.charAt(random.nextInt(chars.length())));
    }
    return b.toString();
  }

  @Test
  void parsesTheBestModelFilesNoetherInPythonWrites() {
    CheckpointFileName best =
        CheckpointFileName.parse("ab_upt_cp=best_model.loss.online.x_velocity_model.th");
    CheckpointFileName tolerance =
        CheckpointFileName.parse("ab_upt_cp=best_model.loss.test.total.tolerance=5_model.th");
    CheckpointFileName older =
        CheckpointFileName.parse("ab_upt_cp=best_model.loss.test.total.tolerance5_model.th");

    assertThat(best.modelName()).isEqualTo("ab_upt");
    assertThat(best.tag()).isEqualTo(CheckpointTag.bestModel("loss/online/x_velocity"));
    assertThat(best.kind()).isEqualTo(CheckpointFileKind.MODEL);
    assertThat(tolerance.tag())
        .isEqualTo(CheckpointTag.bestModel("loss/test/total").withTolerance(5));
    assertThat(
            ((CheckpointTag.BestModel) older.tag())
                .sameCheckpointAs((CheckpointTag.BestModel) tolerance.tag()))
        .isTrue();
    assertThat(older.format())
        .isEqualTo("ab_upt_cp=best_model.loss.test.total.tolerance5_model.th");
  }

  @Test
  void emaModelInfoHasBothSpellingsTheGivenOneFirst() {
    assertThat(CheckpointFileName.modelInfoSpellings("ema=0.9999"))
        .containsExactly("ema=0.9999", "ema_factor=0.9999");
    assertThat(CheckpointFileName.modelInfoSpellings("ema_factor=0.99"))
        .containsExactly("ema_factor=0.99", "ema=0.99");
    assertThat(CheckpointFileName.modelInfoSpellings("lr=0.1")).containsExactly("lr=0.1");
    assertThat(CheckpointFileName.modelInfoSpellings(null)).containsExactly((String) null);
  }
}
