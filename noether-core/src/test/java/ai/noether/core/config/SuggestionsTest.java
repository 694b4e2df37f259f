package ai.noether.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SuggestionsTest {
  static final List<String> KEYS =
      List.of("max_epochs", "max_updates", "batch_size", "metric_key", "ema");

  @Test
  void suggestsTheKeyWithTheFewestEdits() {
    assertThat(Suggestions.nearest("max_update", KEYS)).hasValue("max_updates");
    assertThat(Suggestions.nearest("batch_sise", KEYS)).hasValue("batch_size");
    assertThat(Suggestions.nearest("emma", KEYS)).hasValue("ema");
  }

  @Test
  void ignoresCaseUnderscoresAndDashes() {
    assertThat(Suggestions.nearest("batchSize", KEYS)).hasValue("batch_size");
    assertThat(Suggestions.nearest("Best_Checkpoint", List.of("checkpoint", "best-checkpoint")))
        .hasValue("best-checkpoint");
  }

  @Test
  void aPrefixIsAPlausibleTypo() {
    assertThat(Suggestions.nearest("metric", KEYS)).hasValue("metric_key");
  }

  @Test
  void suggestsNothingWhenNoCandidateIsClose() {
    assertThat(Suggestions.nearest("learning_rate", KEYS)).isEmpty();
    assertThat(Suggestions.didYouMean("learning_rate", KEYS)).isEmpty();
    assertThat(Suggestions.didYouMean("emma", KEYS)).isEqualTo(" Did you mean 'ema'?");
  }

  @Test
  void editDistanceCountsInsertionsDeletionsAndSubstitutions() {
    assertThat(Suggestions.distance("kitten", "sitting")).isEqualTo(3);
    assertThat(Suggestions.distance("", "abc")).isEqualTo(3);
    assertThat(Suggestions.distance("same", "same")).isZero();
  }
}
