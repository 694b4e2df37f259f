package ai.noether.core.resume;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigDiffTest {

  private static Map<String, Object> config(
      long maxEpochs, List<Object> hidden, List<Object> callbacks) {
    Map<String, Object> model = new LinkedHashMap<>();
    model.put("name", "mlp");
    model.put("kind", "mlp");
    model.put("hidden_sizes", hidden);
    Map<String, Object> trainer = new LinkedHashMap<>();
    trainer.put("max_epochs", maxEpochs);
    trainer.put("batch_size", 32L);
    trainer.put("callbacks", callbacks);
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("run_id", "a");
    root.put("seed", 1L);
    root.put("model", model);
    root.put("trainer", trainer);
    return root;
  }

  @Test
  void identicalConfigsHaveNoChanges() {
    Map<String, Object> c = config(5, List.of(64L), List.of());
    assertThat(
            ConfigDiff.between(c, config(5, List.of(64L), List.of()), ResumeRules.DEFAULT)
                .isEmpty())
        .isTrue();
  }

  @Test
  void moreEpochsAndAnAddedCallbackAreAllowedAndReported() {
    Map<String, Object> saved = config(5, List.of(64L), List.of());
    Map<String, Object> now = config(10, List.of(64L), List.of(Map.of("kind", "ema")));

    ConfigDiff diff = ConfigDiff.between(saved, now, ResumeRules.DEFAULT);

    assertThat(diff.forbidden()).isEmpty();
    assertThat(diff.changes())
        .extracting(ConfigDiff.Change::path)
        .containsExactly("trainer.max_epochs", "trainer.callbacks[0]");
    assertThat(diff.describe())
        .contains("trainer.max_epochs: 5 -> 10")
        .contains("trainer.callbacks[0]: (added) -> {kind=ema}");
  }

  @Test
  void anotherArchitectureIsForbiddenWithTheReason() {
    ConfigDiff diff =
        ConfigDiff.between(
            config(5, List.of(64L), List.of()),
            config(5, List.of(128L), List.of()),
            ResumeRules.DEFAULT);

    assertThat(diff.forbidden())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.path()).isEqualTo("model.hidden_sizes[0]");
              assertThat(c.describe())
                  .isEqualTo(
                      "model.hidden_sizes[0]: 64 -> 128  [the model architecture must match the checkpoint's weights]");
            });
  }

  @Test
  void runIdAndResumeKeysAreNotReported() {
    Map<String, Object> saved = config(5, List.of(64L), List.of());
    Map<String, Object> now = config(5, List.of(64L), List.of());
    now.put("run_id", "b");
    now.put("resume_run_id", "a");

    assertThat(ConfigDiff.between(saved, now, ResumeRules.DEFAULT).isEmpty()).isTrue();
  }

  @Test
  void numbersCompareByValueAcrossTypes() {
    Map<String, Object> saved = config(5, List.of(64L), List.of());
    Map<String, Object> now = config(5, List.of(64), List.of());

    assertThat(ConfigDiff.between(saved, now, ResumeRules.DEFAULT).isEmpty()).isTrue();
  }

  @Test
  void prefixesMatchOnlyAtKeyBoundaries() {
    Map<String, Object> saved = new LinkedHashMap<>(Map.of("seed_note", "x"));
    Map<String, Object> now = new LinkedHashMap<>(Map.of("seed_note", "y"));

    assertThat(ConfigDiff.between(saved, now, ResumeRules.DEFAULT).forbidden()).isEmpty();
  }

  @Test
  void insertingACallbackIsOneAdditionNotAChangeOfEveryLaterBlock() {
    Map<String, Object> saved =
        config(
            5,
            List.of(64L),
            List.of(
                Map.of("kind", "checkpoint", "every_n_epochs", 1L),
                Map.of("kind", "ema", "target_factors", List.of(0.999))));
    Map<String, Object> now =
        config(
            5,
            List.of(64L),
            List.of(
                Map.of("kind", "progress"),
                Map.of("kind", "checkpoint", "every_n_epochs", 2L),
                Map.of("kind", "ema", "target_factors", List.of(0.999))));

    ConfigDiff diff = ConfigDiff.between(saved, now, ResumeRules.DEFAULT);

    assertThat(diff.changes())
        .extracting(ConfigDiff.Change::describe)
        .containsExactly(
            "trainer.callbacks[0]: (added) -> {kind=progress}",
            "trainer.callbacks[1].every_n_epochs: 1 -> 2");
  }

  @Test
  void aRemovedCallbackIsReportedAtItsOldPosition() {
    Map<String, Object> saved =
        config(5, List.of(64L), List.of(Map.of("kind", "progress"), Map.of("kind", "ema")));
    Map<String, Object> now = config(5, List.of(64L), List.of(Map.of("kind", "ema")));

    assertThat(ConfigDiff.between(saved, now, ResumeRules.DEFAULT).changes())
        .extracting(ConfigDiff.Change::describe)
        .containsExactly("trainer.callbacks[0]: {kind=progress} -> (removed)");
  }
}
