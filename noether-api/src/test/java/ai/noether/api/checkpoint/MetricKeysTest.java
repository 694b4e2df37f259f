package ai.noether.api.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MetricKeysTest {
  private static final String METRIC_CHARS = "abcxyz09/_.-+@ %~é∑";

  @Test
  void slashesBecomeTildesAndOtherCharactersAreEscaped() {
    assertThat(MetricKeys.encode("loss/valid/total")).isEqualTo("loss~valid~total");
    assertThat(MetricKeys.encode("acc@1 top_5")).isEqualTo("acc@1%20top_5");
    assertThat(MetricKeys.encode("nasa_score/valid")).isEqualTo("nasa_score~valid");
    assertThat(MetricKeys.encode("a~b%c")).isEqualTo("a%7Eb%25c");
    assertThat(MetricKeys.decode("loss~valid~total")).isEqualTo("loss/valid/total");
  }

  /** Property: any metric key, Unicode included, survives encode and decode. */
  @Test
  void randomKeysRoundTripAndEncodeToFileNameSafeText() {
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 5000; i++) {
      String key = randomMetricKey(random);
      String encoded = MetricKeys.encode(key);

      assertThat(encoded).as(key).matches("[A-Za-z0-9._+@~%-]+");
      assertThat(MetricKeys.decode(encoded)).isEqualTo(key);
    }
  }

  @Test
  void theUnderscoreEscapeOlderVersionsWroteStillDecodes() {
    assertThat(MetricKeys.decode("nasa%5Fscore~valid")).isEqualTo("nasa_score/valid");
    assertThat(CheckpointTag.parse("best.nasa%5Fscore~valid"))
        .isInstanceOfSatisfying(
            CheckpointTag.Best.class,
            b -> {
              assertThat(b.metricKey()).isEqualTo("nasa_score/valid");
              assertThat(b.token())
                  .as("the name on disk is kept")
                  .isEqualTo("best.nasa%5Fscore~valid");
              assertThat(b.sameCheckpointAs(CheckpointTag.best("nasa_score/valid"))).isTrue();
            });
    assertThat(CheckpointTag.parse("best.nasa_score~valid"))
        .isEqualTo(CheckpointTag.best("nasa_score/valid"));
  }

  @Test
  void malformedEscapesAreRefusedWithThePosition() {
    assertThatThrownBy(() -> MetricKeys.decode("loss%2"))
        .isInstanceOf(InvalidNameException.class)
        .hasMessage("metric 'loss%2' ends inside a %XX escape");
    assertThatThrownBy(() -> MetricKeys.decode("loss%zz1"))
        .hasMessage("metric 'loss%zz1' has a malformed escape at position 4; expected %XX");
    assertThatThrownBy(() -> MetricKeys.decode("a/b"))
        .hasMessage(
            "metric 'a/b' contains a path separator '/' at position 1; write '/' as '~' and other characters"
                + " as %XX");
  }

  static String randomMetricKey(SplittableRandom random) {
    StringBuilder sb = new StringBuilder();
    int n = 1 + random.nextInt(15);
    for (int i = 0; i < n; i++) {
      sb.append(METRIC_CHARS.charAt(random.nextInt(METRIC_CHARS.length())));
    }
    return sb.toString();
  }
}
